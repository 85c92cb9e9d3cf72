import type { Worker } from 'node:worker_threads';
import { getDbHandle } from '@/db/client';
import { startDbThread, threadCalls } from '@/db/threads';
import { wakeWorker } from '@/lib/delivery/queue';
import { GroupCommit } from './group-commit';
import type { StoreResult, WriteItem } from './write-events';

export type { StoreResult } from './write-events';

export interface EventRecord {
  hookId: string;
  userId: string;
  method: string;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string>;
  contentType: string | null;
  size: number;
  sourceIp: string;
  verification: string;
  receivedAt: number;
}

export interface AcceptedRecord extends EventRecord {
  bodyRaw: Buffer;
  bodyKind: string;
  bodyParsed: unknown;
  dedupeKey: string | null;
}

export interface RejectedRecord extends EventRecord {
  rejectStatus: number;
  rejectReason: string;
}

type Pending = (error: unknown, result?: StoreResult) => void;

// Requests parsed in the same turn of the event loop go to the writer as one batch, or in batches of EAGER_BATCH as
// they are parsed; the writer commits whatever batches reached it while its last commit and WAL flush ran in ONE
// transaction (group commit, lib/ingest/group-commit.ts).
// The writer is a thread with its own connection, so SQLite's share of each event runs beside the event loop.
//
// Under load the answers of one commit come back as a convoy of new requests, parsed in one turn (~16 of them at
// 32 connections, ~1 ms). Sent only at the turn's end, the whole convoy waited for its last request while the writer,
// done with the previous commit, sat idle. Sent six at a time, the writer started on the first six and the rest
// joined its next commit: +8% accepted/s in bench:ingest (eight interleaved pairs of runs). On a machine twice as
// fast (~13 requests a commit), ten at a time beat six in six interleaved pairs out of six, by 5% on average, with
// less CPU per answer (55–62 µs against 58–67): fewer, larger messages and commits. Sixteen did no better than ten.
const EAGER_BATCH = 10;
let items: WriteItem[] = [];
let waiting: Pending[] = [];
let scheduled = false;

interface Writer {
  write(items: WriteItem[], done: (error: Error | null, results?: StoreResult[]) => void): void;
  stop(): Promise<void>;
  /** Its thread (none for an in-memory database). */
  thread: Worker | null;
}

let writer: Writer | null = null;

function threadWriter(file: string): Writer {
  const calls = threadCalls<{ items: WriteItem[] }, { results: string }>(
    startDbThread('lib/ingest/writer-thread.ts', file, {}, 'HOOKLINE_INGEST_THREAD_ARGS'),
    'Ingest writer',
    () => {
      if (writer === self) writer = null; // the next request starts a new one
    },
  );
  const self: Writer = {
    write: (items, done) =>
      calls.call({ items }, (error, reply) =>
        done(error, reply && (JSON.parse(reply.results) as StoreResult[])),
      ),
    stop: () => calls.stop(),
    thread: calls.thread,
  };
  return self;
}

function inProcessWriter(): Writer {
  // An in-memory database cannot be shared with a thread.
  const group = new GroupCommit(getDbHandle().sqlite, () => {});
  return { write: (batch, done) => group.write(batch, done), stop: async () => {}, thread: null };
}

function getWriter(): Writer {
  if (!writer) {
    const file = getDbHandle().path;
    writer = file === ':memory:' ? inProcessWriter() : threadWriter(file);
  }
  return writer;
}

/** The writer's thread, started if need be (tests watch its messages); null for an in-memory database. */
export function ingestWriterThread(): Worker | null {
  return getWriter().thread;
}

/** Starts the writer thread ahead of the first request. */
export function startIngestWriter(): void {
  getWriter();
}

/** Lets the writer finish what it was given, then stops it. */
export async function stopIngestWriter(): Promise<void> {
  const w = writer;
  writer = null;
  await w?.stop();
}

function flush(): void {
  scheduled = false;
  if (items.length === 0) return; // sent by store() since this was scheduled
  const batch = items;
  const pending = waiting;
  items = [];
  waiting = [];
  getWriter().write(batch, (error, results) => {
    // The writer answers when a commit is done, so it may be idle now: what was parsed meanwhile goes to it before
    // these answers are written (~10 µs each) rather than at the end of the turn (+4.5% accepted/s in bench:ingest,
    // three interleaved pairs of runs, ahead in each).
    if (items.length > 0) flush();
    if (error) {
      for (const done of pending) done(error);
      return;
    }
    for (let i = 0; i < pending.length; i++) pending[i]!(null, results![i]);
    if (results!.some((r) => !r.duplicate && r.runIds.length > 0)) wakeWorker();
  });
}

/** Hands one request to the writer; `done` is called once it is durable (or with the reason it is not). */
export function store(item: WriteItem, done: (error: unknown, result?: StoreResult) => void): void {
  items.push(item);
  waiting.push(done);
  if (items.length >= EAGER_BATCH) return flush();
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
}

function enqueue(item: WriteItem): Promise<StoreResult> {
  return new Promise((resolve, reject) =>
    store(item, (error, result) => (error ? reject(error) : resolve(result!))),
  );
}

/** The writer's form of a request: headers and query as JSON text, the fields of the other kind null. */
export function writeItem(r: EventRecord, kind: WriteItem['kind']): WriteItem {
  return {
    kind,
    hookId: r.hookId,
    userId: r.userId,
    method: r.method,
    path: r.path,
    queryJson: JSON.stringify(r.query),
    headersJson: JSON.stringify(r.headers),
    contentType: r.contentType,
    size: r.size,
    sourceIp: r.sourceIp,
    verification: r.verification,
    receivedAt: r.receivedAt,
    rejectStatus: null,
    rejectReason: null,
    bodyRaw: null,
    bodyKind: null,
    bodyParsedJson: null,
    dedupeKey: null,
  };
}

/** Fills in an accepted request's body and dedupe key. */
export function acceptedItem(
  item: WriteItem,
  body: { raw: Buffer; kind: string; parsed: unknown },
  dedupeKey: string | null,
): WriteItem {
  item.bodyRaw = body.raw;
  item.bodyKind = body.kind;
  // A JSON body is stored once: its raw bytes are its parsed form (lib/events/parsed-body.ts). One with a
  // byte-order mark keeps a parsed copy.
  item.bodyParsedJson =
    (body.kind === 'json' && body.raw[0] !== 0xef) || body.parsed === undefined
      ? null
      : JSON.stringify(body.parsed);
  item.dedupeKey = dedupeKey;
  return item;
}

/** Stores an accepted request with its runs; resolves once durable (never before: the caller answers 2xx then). */
export function storeAccepted(r: AcceptedRecord): Promise<StoreResult> {
  return enqueue(
    acceptedItem(
      writeItem(r, 'accept'),
      { raw: r.bodyRaw, kind: r.bodyKind, parsed: r.bodyParsed },
      r.dedupeKey,
    ),
  );
}

export function storeRejected(r: RejectedRecord): Promise<StoreResult> {
  const item = writeItem(r, 'reject');
  item.rejectStatus = r.rejectStatus;
  item.rejectReason = r.rejectReason;
  return enqueue(item);
}
