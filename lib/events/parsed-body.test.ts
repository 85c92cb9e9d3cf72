import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { PARSED_BODY_SQL, parsedBody } from './parsed-body';

describe('parsedBody', () => {
  it('reads a JSON body from its raw bytes when no parsed copy is stored', () => {
    const raw = Buffer.from('{"amount":2599,"tags":["a"]}');
    expect(parsedBody({ bodyKind: 'json', bodyParsed: null, bodyRaw: raw })).toEqual({
      amount: 2599,
      tags: ['a'],
    });
  });

  it('prefers the stored parsed form (forms, multipart, a JSON body with a byte-order mark)', () => {
    const raw = Buffer.from('a=1');
    expect(parsedBody({ bodyKind: 'form', bodyParsed: { a: '1' }, bodyRaw: raw })).toEqual({ a: '1' });
  });

  it('has no parsed form for text without one, or for an empty body', () => {
    expect(parsedBody({ bodyKind: 'text', bodyParsed: null, bodyRaw: Buffer.from('hi') })).toBeNull();
    expect(parsedBody({ bodyKind: 'empty', bodyParsed: null, bodyRaw: null })).toBeNull();
  });

  it('gives the same text in SQL', () => {
    const db = new Database(':memory:');
    db.exec('create table events (body_kind text, body_raw blob, body_parsed text)');
    const insert = db.prepare('insert into events values (?, ?, ?)');
    insert.run('json', Buffer.from('{"a":1}'), null);
    insert.run('form', Buffer.from('a=1'), '{"a":"1"}');
    insert.run('binary', Buffer.from([1, 2]), null);
    expect(db.prepare(`select ${PARSED_BODY_SQL} as t from events`).pluck().all()).toEqual([
      '{"a":1}',
      '{"a":"1"}',
      null,
    ]);
    db.close();
  });
});
