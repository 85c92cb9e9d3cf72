import { describe, expect, it } from 'vitest';
import { BodyParseError, parseBody } from './parse-body';

const buf = (s: string) => Buffer.from(s, 'utf8');

describe('parseBody', () => {
  it('returns empty for a zero-length body whatever the type claims', () => {
    expect(parseBody('application/json', Buffer.alloc(0))).toEqual({ kind: 'empty', value: null });
    expect(parseBody(undefined, Buffer.alloc(0))).toEqual({ kind: 'empty', value: null });
  });

  it('parses JSON and +json types, ignoring charset and a BOM', () => {
    expect(parseBody('application/json; charset=utf-8', buf('{"a":[1,2]}'))).toEqual({
      kind: 'json',
      value: { a: [1, 2] },
    });
    expect(parseBody('Application/Vnd.Api+JSON', buf('"x"'))).toEqual({ kind: 'json', value: 'x' });
    expect(parseBody('application/cloudevents+json', buf('\uFEFF{"id":"1"}'))).toEqual({
      kind: 'json',
      value: { id: '1' },
    });
  });

  it('throws a clear BodyParseError when a body claims JSON but is not', () => {
    const parse = () => parseBody('application/json', buf('{"amount": 12,}'));
    expect(parse).toThrow(BodyParseError);
    expect(parse).toThrow(/^Body is not valid JSON: .+/);
  });

  it('keeps a JSON __proto__ key as data', () => {
    const { value } = parseBody('application/json', buf('{"__proto__":{"admin":true}}'));
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value as object)).toEqual(['__proto__']);
  });

  it('parses url-encoded forms, turning repeated keys into arrays', () => {
    const body = buf('name=Ada+Lovelace&email=ada%40example.com&tag=a&tag=b&tag=c&empty=');
    expect(parseBody('application/x-www-form-urlencoded; charset=UTF-8', body)).toEqual({
      kind: 'form',
      value: { name: 'Ada Lovelace', email: 'ada@example.com', tag: ['a', 'b', 'c'], empty: '' },
    });
  });

  it('does not let a form field named __proto__ change the prototype', () => {
    const { value } = parseBody('application/x-www-form-urlencoded', buf('__proto__=a&__proto__=b&x=1'));
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual(['a', 'b']);
    expect((value as Record<string, unknown>)['x']).toBe('1');
  });

  it('treats text, XML and undeclared UTF-8 as text', () => {
    expect(parseBody('text/plain', buf('héllo'))).toEqual({ kind: 'text', value: 'héllo' });
    expect(parseBody('application/xml', buf('<a/>'))).toEqual({ kind: 'text', value: '<a/>' });
    expect(parseBody('application/atom+xml', buf('<feed/>'))).toEqual({ kind: 'text', value: '<feed/>' });
    expect(parseBody(undefined, buf('ping'))).toEqual({ kind: 'text', value: 'ping' });
    expect(parseBody('application/octet-stream', buf('{"looks":"json"}'))).toEqual({
      kind: 'text',
      value: '{"looks":"json"}',
    });
  });

  it('honours a declared text charset', () => {
    expect(parseBody('text/plain; charset=iso-8859-1', Buffer.from([0x63, 0x61, 0x66, 0xe9]))).toEqual({
      kind: 'text',
      value: 'café',
    });
  });

  it('base64-encodes bytes that are not clean UTF-8', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(parseBody('image/png', png)).toEqual({ kind: 'binary', value: png.toString('base64') });
    const withNul = buf('abc\0def');
    expect(parseBody(undefined, withNul)).toEqual({ kind: 'binary', value: withNul.toString('base64') });
  });
});

describe('parseBody multipart', () => {
  const boundary = '----hookline7MA4YWxkTrZu0gW';
  const body = Buffer.concat([
    buf(`preamble is ignored\r\n--${boundary}\r\n`),
    buf('Content-Disposition: form-data; name="title"\r\n\r\nHello\r\nworld'),
    buf(`\r\n--${boundary}\r\n`),
    buf('Content-Disposition: form-data; name="tag"\r\n\r\none'),
    buf(`\r\n--${boundary}\r\n`),
    buf('Content-Disposition: form-data; name="tag"\r\n\r\ntwo'),
    buf(`\r\n--${boundary}\r\n`),
    buf(
      'Content-Disposition: form-data; name="upload"; filename="photo; 1.png"\r\nContent-Type: image/png\r\n\r\n',
    ),
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x2d, 0x2d]), // CRLF and dashes inside content
    buf(`\r\n--${boundary}\r\n`),
    buf('Content-Disposition: form-data; name="notes"; filename="notes.txt"\r\n\r\n'),
    buf(`\r\n--${boundary}--\r\nepilogue`),
  ]);

  it('records fields and file metadata, not file content', () => {
    expect(parseBody(`multipart/form-data; boundary="${boundary}"`, body)).toEqual({
      kind: 'multipart',
      value: {
        fields: { title: 'Hello\r\nworld', tag: ['one', 'two'] },
        files: [
          { field: 'upload', filename: 'photo; 1.png', contentType: 'image/png', size: 8 },
          { field: 'notes', filename: 'notes.txt', contentType: 'application/octet-stream', size: 0 },
        ],
      },
    });
  });

  it('accepts an unquoted boundary', () => {
    expect(parseBody(`multipart/form-data; boundary=${boundary}`, body).kind).toBe('multipart');
  });

  it('falls back to text when the multipart body is truncated or the boundary is wrong', () => {
    const truncated = body.subarray(0, body.indexOf(`--${boundary}--`) - 10);
    expect(parseBody(`multipart/form-data; boundary=${boundary}`, truncated).kind).toBe('binary');
    const text = buf(`--${boundary}\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--${boundary}--`);
    expect(parseBody('multipart/form-data; boundary=other', text)).toEqual({
      kind: 'text',
      value: text.toString(),
    });
    expect(parseBody('multipart/form-data', text).kind).toBe('text');
  });
});
