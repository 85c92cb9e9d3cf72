import { describe, expect, it } from 'vitest';
import { maskSecretValues, redactHeaders } from '@/lib/delivery/redact';

describe('redactHeaders', () => {
  it('hides credential headers and keeps the rest', () => {
    const redacted = redactHeaders({
      Authorization: 'Bearer abc',
      cookie: 'sid=1',
      'Set-Cookie': 'sid=2',
      'Proxy-Authorization': 'Basic xyz',
      'X-Api-Key': 'k',
      'X-Auth-Token': 't',
      'x-client-secret': 's',
      'Content-Type': 'application/json',
      'webhook-id': 'msg_1',
    });
    expect(redacted).toEqual({
      Authorization: '••••',
      cookie: '••••',
      'Set-Cookie': '••••',
      'Proxy-Authorization': '••••',
      'X-Api-Key': '••••',
      'X-Auth-Token': '••••',
      'x-client-secret': '••••',
      'Content-Type': 'application/json',
      'webhook-id': 'msg_1',
    });
  });
});

describe('maskSecretValues', () => {
  const secret = 'p@ss "word"/ä';

  it('masks raw, JSON-escaped and percent-encoded spellings, deeply, without mutating', () => {
    const input = {
      url: `https://api.test/x?key=${encodeURIComponent(secret)}&form=${encodeURIComponent(secret).replace(/%20/g, '+')}`,
      body: JSON.stringify({ password: secret }),
      headers: { authorization: `Bearer ${secret}` },
      list: ['plain', `lower ${encodeURIComponent(secret).toLowerCase()}`, 42, null, true],
    };
    const copy = structuredClone(input);
    const masked = maskSecretValues(input, [secret]);
    expect(masked).toEqual({
      url: 'https://api.test/x?key=••••&form=••••',
      body: '{"password":"••••"}',
      headers: { authorization: 'Bearer ••••' },
      list: ['plain', 'lower ••••', 42, null, true],
    });
    expect(input).toEqual(copy);
  });

  it('ignores secrets shorter than 4 characters and masks the longer of overlapping secrets whole', () => {
    expect(maskSecretValues('abc abcd abcdef', ['abc', 'abcd', 'abcdef'])).toBe('abc •••• ••••');
  });

  it('handles cycles and leaves non-plain objects alone', () => {
    const node: { name: string; self?: unknown; when: Date } = { name: 'token-1234', when: new Date(0) };
    node.self = node;
    const masked = maskSecretValues(node, ['1234']);
    expect(masked.name).toBe('token-••••');
    expect(masked.self).toBe(masked);
    expect(masked.when).toBe(node.when);
  });

  it('returns the value itself when there is nothing to mask', () => {
    const value = { a: 'secret' };
    expect(maskSecretValues(value, [])).toBe(value);
  });
});
