// A process that commits through the WAL-gathering VFS (db/wal-coalesce.ts) for db/wal-coalesce.test.ts: it commits
// batch after batch into `file` and writes each batch's number to stdout once its commit has returned, until it is
// killed. What it printed must be in the file afterwards.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import { openWithWalCoalescing } from '@/db/wal-coalesce';

const [file, library] = process.argv.slice(2) as [string, string];
const sqlite = openWithWalCoalescing(library, () => {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  return db;
});
sqlite.exec(
  'create table if not exists rows (id integer primary key, batch integer not null, body blob not null)',
);
const insert = sqlite.prepare('insert into rows (batch, body) values (?, ?)');
const commit = sqlite.transaction((batch: number) => {
  for (let i = 0; i < 20; i++) insert.run(batch, Buffer.alloc(2000, batch % 251));
});
for (let batch = 1; ; batch++) {
  commit(batch);
  fs.writeSync(1, `${batch}\n`);
}
