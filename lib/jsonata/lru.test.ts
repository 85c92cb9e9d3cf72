import { describe, expect, it } from 'vitest';
import { LruCache } from './lru';

describe('LruCache', () => {
  it('drops the least recently used key when full', () => {
    const lru = new LruCache<string, number>(4);
    for (const [i, k] of ['a', 'b', 'c', 'd'].entries()) lru.set(k, i);
    expect(lru.get('a')).toBe(0); // three moves since 'a' was set: more than half the capacity, so it moves back
    lru.set('e', 4);
    expect(lru.size).toBe(4);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe(0);
  });

  it('leaves a key used within the last half-capacity of moves where it is', () => {
    const lru = new LruCache<string, number>(4);
    lru.set('a', 0);
    lru.set('b', 1);
    expect(lru.get('a')).toBe(0); // one move since: stays first in line
    lru.set('c', 2);
    lru.set('d', 3);
    lru.set('e', 4); // three moves after that use of 'a'
    expect(lru.get('a')).toBeUndefined();
    expect(lru.get('b')).toBe(1);
  });

  it('caches null, which is not a miss', () => {
    const lru = new LruCache<string, null>(2);
    lru.set('k', null);
    expect(lru.get('k')).toBeNull();
    expect(lru.get('other')).toBeUndefined();
    lru.clear();
    expect(lru.size).toBe(0);
  });
});
