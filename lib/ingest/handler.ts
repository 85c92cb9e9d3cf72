import type { IncomingMessage, ServerResponse } from 'node:http';
import { isSensitiveHeader, REDACTED } from '@/lib/delivery/redact';
import { env } from '@/lib/env';
import { evaluateExpression } from '@/lib/jsonata';
import { errorFields, logger } from '@/lib/log/logger';
import { recordIngest } from '@/lib/metrics/registry';
import { verifySignature } from '@/lib/signatures';
import { providerDeliveryId } from './dedupe-key';
import { loadHookByToken, type IngestHook } from './hook-loader';
import { clientIp } from './ip-allow';
import { BodyParseError, parseBody } from './parse-body';
import { noteIngestAcknowledged, noteIngestRequest } from './pressure';
import { RateLimiter } from './rate-limiter';
import { BodyAbortedError, readBody } from './read-body';
import { acceptedItem, store, writeItem, type EventRecord, type StoreResult } from './store';

const limiter = new RateLimiter();
// Rejections are recorded for the inspector, but at most a few per second per hook: a flood of bad requests must
// not turn into a flood of writes.
const rejectionRecorder = new RateLimiter();
const REJECTIONS_RECORDED_PER_SECOND = 5;

const TOKEN_RE = /^\/h\/([A-Za-z0-9_-]{8,128})\/?$/;

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  headers?: Record<string, string>,
): void {
  send(res, status, { error: { message } }, headers);
}

/** The request's headers as stored: one string per name, credentials masked (lib/delivery/redact.ts). */
function storedHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  const raw = req.headers;
  for (const name in raw) {
    const value = raw[name];
    if (value === undefined) continue;
    out[name] = isSensitiveHeader(name) ? REDACTED : Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function parseQuery(search: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(search)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

function stringifyKey(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return s.length > 512 ? null : `expr:${s}`;
}

export function isIngestPath(url: string | undefined): boolean {
  return !!url && url.startsWith('/h/');
}

/** What one ingest request carries between its stages. */
interface Ingest {
  req: IncomingMessage;
  res: ServerResponse;
  hook: IngestHook;
  base: EventRecord;
  started: number;
}

/**
 * `/h/<token>`: verify, limit, dedupe, store (group commit), answer. Never answers 2xx before the commit.
 * Written as callbacks rather than async/await: this runs for every webhook, and each awaited promise costs the
 * event loop (more so with Next's AsyncLocalStorage in the same process).
 */
export function handleIngest(req: IncomingMessage, res: ServerResponse): void {
  try {
    start(req, res);
  } catch (error) {
    fail(res, error);
  }
}

function fail(res: ServerResponse, error: unknown): void {
  if (error instanceof BodyAbortedError) return; // client went away mid-body; nothing acknowledged
  logger.error(errorFields(error), 'Ingest failed');
  if (!res.headersSent) sendError(res, 503, 'Could not store the event; retry later');
  else res.destroy();
}

let trustProxy: boolean | undefined; // read at the first request: the environment is settled by then

function start(req: IncomingMessage, res: ServerResponse): void {
  const receivedAt = Date.now();
  const started = performance.now();
  noteIngestRequest(receivedAt);
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const pathname = q === -1 ? rawUrl : rawUrl.slice(0, q);
  const match = TOKEN_RE.exec(pathname);
  const hook = match ? loadHookByToken(match[1]!) : null;
  if (!hook || !hook.enabled) {
    req.resume();
    recordIngest('rejected', 404, started);
    return sendError(res, 404, 'Hook not found');
  }

  const method = (req.method ?? 'GET').toUpperCase();
  const contentType = req.headers['content-type'];
  const base: EventRecord = {
    hookId: hook.id,
    userId: hook.userId,
    method,
    path: pathname,
    query: q === -1 ? {} : parseQuery(rawUrl.slice(q + 1)),
    headers: storedHeaders(req),
    contentType: contentType ?? null,
    size: Number(req.headers['content-length'] ?? 0) || 0,
    sourceIp: clientIp(req, (trustProxy ??= env.trustProxy())),
    verification: hook.verification.scheme === 'none' ? 'none' : 'unchecked',
    receivedAt,
  };
  const ctx: Ingest = { req, res, hook, base, started };

  if (!hook.allowedMethods.has(method)) {
    const allow = [...hook.allowedMethods].join(', ');
    return reject(ctx, 405, `Method ${method} not allowed; this hook accepts ${allow}`, { allow });
  }
  if (!hook.ipAllowed(base.sourceIp))
    return reject(ctx, 403, `Source address ${base.sourceIp} is not allowed`);
  if (hook.rateLimit) {
    const taken = limiter.take(hook.id, hook.rateLimit.perSecond, hook.rateLimit.burst);
    if (!taken.ok) {
      return reject(ctx, 429, 'Rate limit exceeded', { 'retry-after': String(taken.retryAfterSeconds) });
    }
  }

  readBody(req, hook.maxBodyBytes, (error, read) => {
    try {
      if (error) return fail(res, error);
      if (!read!.ok)
        return reject(ctx, 413, `Body larger than this hook's limit of ${hook.maxBodyBytes} bytes`);
      received(ctx, read!.body);
    } catch (e) {
      fail(res, e);
    }
  });
}

function received(ctx: Ingest, raw: Buffer): void {
  const { req, hook, base } = ctx;
  base.size = raw.length;

  const verified = verifySignature(hook.verification, req.headers, raw, base.receivedAt);
  if (!verified.ok) {
    base.verification = verified.reason;
    return reject(ctx, 401, verified.message);
  }
  base.verification = hook.verification.scheme === 'none' ? 'none' : 'valid';

  let parsed;
  try {
    parsed = parseBody(base.contentType ?? undefined, raw);
  } catch (error) {
    if (error instanceof BodyParseError) return reject(ctx, 400, error.message);
    throw error;
  }
  const body = { raw, kind: parsed.kind, parsed: parsed.value };
  const deliveryId = providerDeliveryId(req.headers, parsed, hook.verification.scheme);
  if (!hook.dedupeExpression) return accept(ctx, body, deliveryId);
  expressionKey(hook, parsed.value, base)
    .then((key) => accept(ctx, body, key ?? deliveryId))
    .catch((error: unknown) => fail(ctx.res, error));
}

function accept(ctx: Ingest, body: { raw: Buffer; kind: string; parsed: unknown }, dedupeKey: string | null) {
  const { res } = ctx;
  store(acceptedItem(writeItem(ctx.base, 'accept'), body, dedupeKey), (error, result) => {
    if (error) return fail(res, error);
    try {
      answer(ctx, result!);
    } catch (e) {
      fail(res, e); // runs from the writer's reply, where nothing else would catch it
    }
  });
}

function answer(ctx: Ingest, result: StoreResult): void {
  const { res, hook, started } = ctx;
  noteIngestAcknowledged(performance.now() - started);
  if (result.duplicate) {
    recordIngest('duplicate', 200, started);
    return send(res, 200, { id: result.firstId, duplicate: true });
  }
  recordIngest('accepted', hook.response?.status ?? 202, started);
  if (hook.response) {
    return send(res, hook.response.status, hook.response.body.replaceAll('{{id}}', result.id), {
      'content-type': hook.response.contentType,
    });
  }
  send(res, 202, `{"id":"${result.id}"}`);
}

function reject(ctx: Ingest, status: number, reason: string, extra?: Record<string, string>): void {
  const { req, res, hook, base, started } = ctx;
  req.resume();
  if (
    rejectionRecorder.take(hook.id, REJECTIONS_RECORDED_PER_SECOND, REJECTIONS_RECORDED_PER_SECOND * 2).ok
  ) {
    const item = writeItem(base, 'reject');
    item.rejectStatus = status;
    item.rejectReason = reason;
    // The answer waits for the record, so the inspector shows a rejection as soon as its caller saw it.
    return store(item, (error) => {
      if (error) logger.error(errorFields(error), 'Could not record a rejected request');
      answerRejected();
    });
  }
  answerRejected();

  function answerRejected() {
    logger.info({ hookId: hook.id, status, reason, sourceIp: base.sourceIp }, 'Ingest rejected');
    recordIngest('rejected', status, started);
    sendError(res, status, reason, extra);
  }
}

async function expressionKey(hook: IngestHook, body: unknown, base: EventRecord) {
  const result = await evaluateExpression(hook.dedupeExpression!, body, {
    event: {
      hookId: hook.id,
      method: base.method,
      headers: base.headers,
      query: base.query,
      receivedAt: new Date(base.receivedAt).toISOString(),
      sourceIp: base.sourceIp,
      source: 'webhook',
    },
  });
  // A failing dedupe expression must not lose the event: it is stored without an expression key.
  return result.ok ? stringifyKey(result.value) : null;
}
