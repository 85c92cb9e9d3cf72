import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WalSync } from './wal-sync';

// The sync is injected so the test decides when "the disk" finishes; the file and descriptor are real.
function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-walsync-'));
  const file = path.join(dir, 'db-wal');
  fs.writeFileSync(file, 'frames');
  const started: Array<(error: NodeJS.ErrnoException | null) => void> = [];
  const wal = new WalSync(file, (_fd, done) => started.push(done));
  return { dir, wal, started };
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('WalSync', () => {
  it('answers a commit only after a flush that started after it', () => {
    const { dir, wal, started } = setup();
    dirs.push(dir);
    const answered: string[] = [];
    wal.afterCommit(() => answered.push('a'));
    expect(started).toHaveLength(1);
    // Committed while the first flush runs: that flush may not cover it, so it waits for the next one.
    wal.afterCommit(() => answered.push('b'));
    wal.afterCommit(() => answered.push('c'));
    expect(started).toHaveLength(1);
    started[0](null);
    expect(answered).toEqual(['a']);
    expect(started).toHaveLength(2); // one flush for both b and c
    started[1](null);
    expect(answered).toEqual(['a', 'b', 'c']);
    wal.close();
  });

  it('passes a failed flush on to every commit it covered', () => {
    const { dir, wal, started } = setup();
    dirs.push(dir);
    const errors: (Error | null)[] = [];
    wal.afterCommit((e) => errors.push(e));
    started[0](Object.assign(new Error('EIO'), { code: 'EIO' }));
    expect(errors.map((e) => e?.message)).toEqual(['EIO']);
    wal.close();
  });

  it('reports a missing WAL as an error instead of answering', () => {
    const wal = new WalSync(path.join(os.tmpdir(), 'hookline-no-such-dir', 'db-wal'));
    const errors: (Error | null)[] = [];
    wal.afterCommit((e) => errors.push(e));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(Error);
  });

  it('answers at once for an in-memory database', () => {
    const wal = new WalSync(null);
    const errors: (Error | null)[] = [];
    wal.afterCommit((e) => errors.push(e));
    expect(errors).toEqual([null]);
  });
});
