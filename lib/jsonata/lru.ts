/**
 * Minimal LRU map: a Map keeps insertion order, so the first key is the least recently moved.
 *
 * A hit moves its key to the back only once half the capacity has moved since it last did, and is otherwise left in
 * place: a Map whose keys are deleted and set again on every hit (two hits per delivered run) keeps its garbage
 * alive through young GCs (lib/churn-table.ts). An entry is still never dropped while it was used within the last
 * half-capacity of moves.
 */
export class LruCache<K, V> {
  private readonly map = new Map<K, { value: V; movedAt: number }>();
  private moves = 0;

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    const entry = this.map.get(key);
    if (!entry) return undefined;
    if (this.moves - entry.movedAt > this.capacity / 2) {
      this.map.delete(key);
      entry.movedAt = ++this.moves;
      this.map.set(key, entry);
    }
    return entry.value;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    if (this.map.size >= this.capacity) this.map.delete(this.map.keys().next().value as K);
    this.map.set(key, { value, movedAt: ++this.moves });
  }

  clear(): void {
    this.map.clear();
  }
}
