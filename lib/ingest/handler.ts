import type { IncomingMessage, ServerResponse } from 'node:http';
import { redactHeaders } from '@/lib/delivery/redact';
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
import { BodyAbortedError, readBodyLimited } from './read-body';
import { storeAccepted, storeRejected, type EventRecord } from './store';

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

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
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

/** `/h/<token>`: verify, limit, dedupe, store (group commit), answer. Never answers 2xx before the commit. */
export function handleIngest(req: IncomingMessage, res: ServerResponse): void {
  ingest(req, res).catch((error: unknown) => {
    if (error instanceof BodyAbortedError) return; // client went away mid-body; nothing acknowledged
    logger.error(errorFields(error), 'Ingest failed');
    if (!res.headersSent) sendError(res, 503, 'Could not store the event; retry later');
    else res.destroy();
  });
}

async function ingest(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const receivedAt = Date.now();
  const started = performance.now();
  noteIngestRequest(receivedAt);
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const pathname = q === -1 ? rawUrl : rawUrl.slice(0, q);
  const match = TOKEN_RE.exec(pathname);
  const hook = match ? loadHookByToken(match[1]) : null;
  if (!hook || !hook.enabled) {
    req.resume();
    recordIngest('rejected', 404, started);
    return sendError(res, 404, 'Hook not found');
  }

  const method = (req.method ?? 'GET').toUpperCase();
  const headers = flatHeaders(req);
  const base: EventRecord = {
    hookId: hook.id,
    userId: hook.userId,
    method,
    path: pathname,
    query: q === -1 ? {} : parseQuery(rawUrl.slice(q + 1)),
    headers: redactHeaders(headers),
    contentType: headers['content-type'] ?? null,
    size: Number(headers['content-length'] ?? 0) || 0,
    sourceIp: clientIp(req, env.trustProxy()),
    verification: hook.verification.scheme === 'none' ? 'none' : 'unchecked',
    receivedAt,
  };

  const reject = async (status: number, reason: string, extra?: Record<string, string>) => {
    req.resume();
    if (
      rejectionRecorder.take(hook.id, REJECTIONS_RECORDED_PER_SECOND, REJECTIONS_RECORDED_PER_SECOND * 2).ok
    ) {
      await storeRejected({ ...base, rejectStatus: status, rejectReason: reason }).catch((e) =>
        logger.error(errorFields(e), 'Could not record a rejected request'),
      );
    }
    logger.info({ hookId: hook.id, status, reason, sourceIp: base.sourceIp }, 'Ingest rejected');
    recordIngest('rejected', status, started);
    sendError(res, status, reason, extra);
  };

  if (!hook.allowedMethods.has(method)) {
    return reject(
      405,
      `Method ${method} not allowed; this hook accepts ${[...hook.allowedMethods].join(', ')}`,
      {
        allow: [...hook.allowedMethods].join(', '),
      },
    );
  }
  if (!hook.ipAllowed(base.sourceIp)) return reject(403, `Source address ${base.sourceIp} is not allowed`);
  if (hook.rateLimit) {
    const taken = limiter.take(hook.id, hook.rateLimit.perSecond, hook.rateLimit.burst);
    if (!taken.ok) {
      return reject(429, 'Rate limit exceeded', { 'retry-after': String(taken.retryAfterSeconds) });
    }
  }

  const read = await readBodyLimited(req, hook.maxBodyBytes);
  if (!read.ok) return reject(413, `Body larger than this hook's limit of ${hook.maxBodyBytes} bytes`);
  const raw = read.body;
  base.size = raw.length;

  const verified = verifySignature(hook.verification, req.headers, raw, receivedAt);
  if (!verified.ok) {
    base.verification = verified.reason;
    return reject(401, verified.message);
  }
  base.verification = hook.verification.scheme === 'none' ? 'none' : 'valid';

  let parsed;
  try {
    parsed = parseBody(base.contentType ?? undefined, raw);
  } catch (error) {
    if (error instanceof BodyParseError) return reject(400, error.message);
    throw error;
  }

  let dedupeKey = providerDeliveryId(req.headers, parsed, hook.verification.scheme);
  if (hook.dedupeExpression) {
    dedupeKey = (await expressionKey(hook, parsed.value, base, receivedAt)) ?? dedupeKey;
  }

  const result = await storeAccepted({
    ...base,
    bodyRaw: raw,
    bodyKind: parsed.kind,
    bodyParsed: parsed.value,
    dedupeKey,
  });
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
  send(res, 202, { id: result.id });
}

async function expressionKey(hook: IngestHook, body: unknown, base: EventRecord, receivedAt: number) {
  const result = await evaluateExpression(hook.dedupeExpression!, body, {
    event: {
      hookId: hook.id,
      method: base.method,
      headers: base.headers,
      query: base.query,
      receivedAt: new Date(receivedAt).toISOString(),
      sourceIp: base.sourceIp,
      source: 'webhook',
    },
  });
  // A failing dedupe expression must not lose the event: it is stored without an expression key.
  return result.ok ? stringifyKey(result.value) : null;
}
