import fs from 'node:fs';
import path from 'node:path';
import { Agent, type Dispatcher } from 'undici';
import { isTrue } from '@/lib/env';
import { compileCidrList, parseIpLiteral } from '@/lib/net/ip';
import {
  BlockedAddressError,
  createGuardedConnector,
  explainRefusal,
  type GuardedConnectorOptions,
  type OutboundPolicy,
} from '@/lib/net/ssrf-guard';

// The one module that talks HTTP to the outside world: SSRF guard on the dialled address,
// one deadline for connect + headers + body, no redirects, bounded response capture.

export type { OutboundPolicy } from '@/lib/net/ssrf-guard';

export interface OutboundRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: Buffer | string | null;
  timeoutMs: number;
}

export interface OutboundResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  bodyTruncated: boolean;
  bodyEncoding: 'utf8' | 'base64';
}

export type OutboundErrorKind =
  'blocked' | 'timeout' | 'network' | 'redirect' | 'invalid_url' | 'invalid_request';

export interface OutboundResult {
  response: OutboundResponse | null;
  durationMs: number;
  error: { kind: OutboundErrorKind; message: string } | null;
}

export const RESPONSE_BODY_LIMIT_BYTES = 64 * 1024;

// undici rejects these (or computes them itself); a user template that sets one must not break delivery.
const MANAGED_HEADERS = new Set([
  'connection',
  'content-length',
  'expect',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

const policyCache = new Map<string, OutboundPolicy>();

/** Reads HOOKLINE_ALLOW_PRIVATE_NETWORKS and HOOKLINE_ALLOWED_TARGETS; same settings → same object (and connection pool). */
export function outboundPolicyFromEnv(env: Record<string, string | undefined> = process.env): OutboundPolicy {
  const allowPrivateNetworks = isTrue(env.HOOKLINE_ALLOW_PRIVATE_NETWORKS);
  const targets = env.HOOKLINE_ALLOWED_TARGETS ?? '';
  const key = `${allowPrivateNetworks}|${targets}`;
  let policy = policyCache.get(key);
  if (!policy) {
    policy = Object.freeze({ allowPrivateNetworks, allowedTargets: compileCidrList(targets) });
    policyCache.set(key, policy);
  }
  return policy;
}

const agents = new WeakMap<OutboundPolicy, Agent>();

/** A keep-alive connection pool whose every socket passes the SSRF guard. */
export function createGuardedAgent(policy: OutboundPolicy, options: GuardedConnectorOptions = {}): Agent {
  return new Agent({
    connect: createGuardedConnector(policy, options),
    keepAliveTimeout: 10_000,
    keepAliveMaxTimeout: 60_000,
    connections: 256,
  });
}

// Created on first use, so importing this module (e.g. while Next.js bundles) opens nothing.
function agentFor(policy: OutboundPolicy): Agent {
  let agent = agents.get(policy);
  if (!agent) {
    agent = createGuardedAgent(policy);
    agents.set(policy, agent);
  }
  return agent;
}

/** Sends one request under the SSRF policy; never throws — every failure is described in `error`. */
export async function sendRequest(req: OutboundRequest, policy?: OutboundPolicy): Promise<OutboundResult> {
  const started = performance.now();
  const finish = (response: OutboundResponse | null, error: OutboundResult['error']): OutboundResult => ({
    response,
    durationMs: Math.round(performance.now() - started),
    error,
  });
  let effective: OutboundPolicy;
  try {
    effective = policy ?? outboundPolicyFromEnv();
  } catch (err) {
    // A broken allow-list must not silently open anything: refuse, and say why.
    return finish(null, { kind: 'blocked', message: `Invalid outbound policy: ${(err as Error).message}` });
  }
  try {
    return await send(req, effective, finish);
  } catch (err) {
    return finish(null, describeError(err));
  }
}

// Straight to the dispatcher with a handler, not undici's request(): no response stream, async iteration or
// AbortSignal per delivery, which cost the worker's event loop more than the rest of sending.
function send(
  req: OutboundRequest,
  policy: OutboundPolicy,
  finish: (response: OutboundResponse | null, error: OutboundResult['error']) => OutboundResult,
): Promise<OutboundResult> {
  const prepared = prepareRequest(req, policy);
  if ('kind' in prepared) return Promise.resolve(finish(null, prepared));

  return new Promise<OutboundResult>((resolve) => {
    const capture = new BodyCapture();
    let head: Pick<OutboundResponse, 'status' | 'headers'> | null = null;
    let controller: Dispatcher.DispatchController | null = null;
    let settled = false;
    let timedOut = false;
    const settle = (result: OutboundResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    // What arrived before a failure is still worth recording, marked as cut short.
    const partial = () => head && { ...head, ...capture.result(), bodyTruncated: true };
    const complete = () => {
      const response = { ...head!, ...capture.result() };
      settle(finish(response, redirectError(response, prepared.url)));
    };
    const timeout = () => {
      const phase = head ? 'while reading the response body' : 'waiting for the response';
      settle(finish(partial(), { kind: 'timeout', message: `Timed out after ${req.timeoutMs} ms ${phase}` }));
    };
    // One deadline for connect + headers + body.
    const timer = setTimeout(() => {
      timedOut = true;
      timeout();
      controller?.abort(new Error('Timed out'));
    }, req.timeoutMs);
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (timedOut) c.abort(new Error('Timed out'));
      },
      onResponseStart(_c, statusCode, headers) {
        head = { status: statusCode, headers: flattenHeaders(headers) };
      },
      onResponseData(c, chunk) {
        if (capture.add(chunk)) return;
        // The first 64 KiB are kept; the rest of the body is not read (the connection is closed).
        complete();
        c.abort(new Error('Response body limit reached'));
      },
      onResponseEnd() {
        complete();
      },
      onResponseError(_c, err) {
        if (isTimeoutError(err)) timeout();
        else settle(finish(partial(), describeError(err)));
      },
    };
    try {
      agentFor(policy).dispatch(
        {
          origin: prepared.url.origin,
          path: `${prepared.url.pathname}${prepared.url.search}`,
          method: req.method.toUpperCase() as Dispatcher.HttpMethod,
          headers: prepared.headers,
          body: req.body ?? null,
          headersTimeout: req.timeoutMs,
          bodyTimeout: req.timeoutMs,
        },
        handler,
      );
    } catch (err) {
      settle(finish(null, describeError(err)));
    }
  });
}

function prepareRequest(
  req: OutboundRequest,
  policy: OutboundPolicy,
): { url: URL; headers: Record<string, string> } | { kind: OutboundErrorKind; message: string } {
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return { kind: 'invalid_url', message: 'Invalid URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return {
      kind: 'invalid_url',
      message: `Unsupported URL scheme "${url.protocol}"; only http: and https: are allowed`,
    };
  }
  // Refuse literal addresses before touching the pool; the connector checks again at dial time.
  const refusal = literalRefusal(url.hostname, policy);
  if (refusal) return { kind: 'blocked', message: refusal };

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    const lower = name.toLowerCase();
    if (!MANAGED_HEADERS.has(lower)) headers[lower] = value;
  }
  headers['user-agent'] ??= `Hookline/${hooklineVersion()}`;
  if (url.username || url.password) {
    const credentials = `${safeDecode(url.username)}:${safeDecode(url.password)}`;
    headers.authorization ??= `Basic ${Buffer.from(credentials).toString('base64')}`;
    url.username = url.password = '';
  }
  return { url, headers };
}

const refusals = new WeakMap<OutboundPolicy, Map<string, string | null>>();
const REFUSALS_KEPT = 1024;

/**
 * Why a host that is an IP literal may not be dialled (null: it may, or it is a name). Remembered per policy and host:
 * parsing and classifying the address on every delivery took ~3% of the worker's thread.
 */
function literalRefusal(hostname: string, policy: OutboundPolicy): string | null {
  let known = refusals.get(policy);
  if (!known) refusals.set(policy, (known = new Map()));
  let refusal = known.get(hostname);
  if (refusal === undefined) {
    const literal = parseIpLiteral(hostname);
    refusal = literal && explainRefusal(literal, policy);
    if (known.size >= REFUSALS_KEPT) known.clear();
    known.set(hostname, refusal);
  }
  return refusal;
}

function safeDecode(component: string): string {
  try {
    return decodeURIComponent(component);
  } catch {
    return component;
  }
}

/** Keeps the first 64 KiB; says whether to keep reading. */
class BodyCapture {
  private chunks: Buffer[] = [];
  private size = 0;
  private truncated = false;

  add(chunk: Buffer): boolean {
    const room = RESPONSE_BODY_LIMIT_BYTES - this.size;
    if (chunk.length > room) {
      this.chunks.push(chunk.subarray(0, room));
      this.size += room;
      this.truncated = true;
      return false;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
    return true;
  }

  result(): Pick<OutboundResponse, 'body' | 'bodyTruncated' | 'bodyEncoding'> {
    const bytes = Buffer.concat(this.chunks, this.size);
    const text = decodeUtf8(bytes, this.truncated);
    return text === null
      ? { body: bytes.toString('base64'), bodyTruncated: this.truncated, bodyEncoding: 'base64' }
      : { body: text, bodyTruncated: this.truncated, bodyEncoding: 'utf8' };
  }
}

function decodeUtf8(bytes: Buffer, cutShort: boolean): string | null {
  try {
    // In stream mode a multi-byte character split by the 64 KiB cut is dropped instead of failing.
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: cutShort });
    return text.includes('\u0000') ? null : text;
  } catch {
    return null;
  }
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function redirectError(response: OutboundResponse, base: URL): OutboundResult['error'] {
  if (response.status < 300 || response.status > 399) return null;
  const location = response.headers.location;
  if (!location) return { kind: 'redirect', message: `Redirect (HTTP ${response.status}) not followed` };
  let target = location;
  try {
    target = new URL(location, base).toString();
  } catch {
    // keep the raw header: it is still the most useful thing to show
  }
  return { kind: 'redirect', message: `Redirect to ${target} not followed` };
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

function isTimeoutError(err: unknown): boolean {
  return causes(err).some((e) => TIMEOUT_CODES.has(errorCode(e) ?? ''));
}

function describeError(err: unknown): { kind: OutboundErrorKind; message: string } {
  const chain = causes(err);
  const blocked = chain.find(
    (e) => e instanceof BlockedAddressError || errorCode(e) === 'HOOKLINE_BLOCKED_ADDRESS',
  );
  if (blocked) return { kind: 'blocked', message: (blocked as Error).message };
  const first = chain[0];
  const message = first instanceof Error ? first.message : String(err);
  const code = errorCode(first);
  if (code === 'UND_ERR_INVALID_ARG' || code === 'ERR_INVALID_ARG_VALUE' || code === 'ERR_INVALID_CHAR') {
    return { kind: 'invalid_request', message: `Invalid request: ${message}` };
  }
  const withCode = code && !message.includes(code) ? `${message} (${code})` : message;
  return { kind: 'network', message: withCode || 'Network error' };
}

function causes(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = err; e !== undefined && e !== null && chain.length < 5; e = (e as { cause?: unknown }).cause) {
    chain.push(e);
    if (typeof e !== 'object') break;
  }
  return chain;
}

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

let version: string | undefined;

function hooklineVersion(): string {
  if (version === undefined) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(process.cwd(), 'package.json'), 'utf8')) as {
        version?: unknown;
      };
      version = typeof pkg.version === 'string' ? pkg.version : '0.0.0';
    } catch {
      version = '0.0.0';
    }
  }
  return version;
}
