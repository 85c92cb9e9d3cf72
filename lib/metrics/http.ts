import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { metrics } from './registry';

// /metrics is answered by server.ts itself (not a Next route): ingest and the worker record into the registry of
// the tsx-loaded module world, which Next's bundle cannot see.

export function isMetricsPath(url: string | undefined): boolean {
  return url === '/metrics' || !!url?.startsWith('/metrics?');
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** Constant-time check of `Authorization: Bearer <HOOKLINE_METRICS_TOKEN>`. */
export function metricsAuthorized(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  // Comparing digests keeps the comparison constant-time whatever the lengths.
  return timingSafeEqual(digest(match?.[1] ?? ''), digest(token)) && !!match;
}

function sendJson(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
) {
  const body = JSON.stringify({ error: { message } });
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(body);
}

/** Off (404) unless HOOKLINE_METRICS_TOKEN is set; then the token is required (401). */
export function handleMetrics(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  const token = process.env.HOOKLINE_METRICS_TOKEN;
  if (!token) return sendJson(res, 404, 'Not found');
  if (!metricsAuthorized(req.headers.authorization, token)) {
    return sendJson(res, 401, 'Send Authorization: Bearer <HOOKLINE_METRICS_TOKEN>', {
      'www-authenticate': 'Bearer realm="metrics"',
    });
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return sendJson(res, 405, 'Use GET', { allow: 'GET, HEAD' });
  }
  const { registry } = metrics();
  registry
    .metrics()
    .then((text) => {
      res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : text);
    })
    .catch(() => sendJson(res, 500, 'Could not collect metrics'));
}
