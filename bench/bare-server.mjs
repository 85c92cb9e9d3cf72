// The reference point for bench:ingest: a bare node:http server storing each request with one better-sqlite3
// insert (WAL, synchronous=NORMAL). Hookline's ingest is compared against this on the same machine.
import Database from 'better-sqlite3';
import http from 'node:http';

const db = new Database(process.env.BARE_DB);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec('create table if not exists events (id integer primary key, body blob, received_at integer)');
const insert = db.prepare('insert into events (body, received_at) values (?, ?)');
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const info = insert.run(Buffer.concat(chunks), Date.now());
    res.writeHead(202, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: String(info.lastInsertRowid) }));
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('bare ready'));
process.on('SIGTERM', () => process.exit(0));
