import { sendRequest } from '@/lib/delivery/http-client';
import { evaluateExpression, evaluateMany, type EvaluationItem } from '@/lib/jsonata';
import { POLL_TIMEOUT_MS } from './timing';

// One poll: render the request, send it through the outbound module (SSRF guard, timeout, 64 KiB cap), parse JSON,
// select the items and compute each item's key. Shared by the scheduler and "Poll now"; it changes no state.

export interface PollConfig {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  items: string;
  key: string;
}

export interface PolledItem {
  key: string;
  item: unknown;
}

export type PollOutcome =
  { ok: true; status: number; items: PolledItem[] } | { ok: false; status: number | null; error: string };

/** `$event` while rendering the poll request and evaluating `items`/`key`: says where the data comes from. */
function pollBinding(url: string) {
  return {
    id: null,
    hookId: null,
    method: 'GET',
    headers: {},
    query: {},
    receivedAt: new Date().toISOString(),
    sourceIp: null,
    source: 'poll',
    url,
  };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * The items an `items` result stands for: a list as is, a single object as a one-item list, nothing (JSONata's
 * empty sequence, e.g. an empty array in the response) as no items; anything else is an error.
 */
export function itemsFromResult(value: unknown): unknown[] | string {
  if (value === undefined) return [];
  if (Array.isArray(value)) return [...value];
  if (value !== null && typeof value === 'object') return [value];
  return `items must give a list, got ${describe(value)}`;
}

export function keyFromResult(value: unknown): string | null {
  if (typeof value === 'string') return value.length > 0 && value.length <= 1000 ? value : null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return null;
}

export async function performPoll(config: PollConfig, secrets: Record<string, string>): Promise<PollOutcome> {
  const headerNames = Object.keys(config.headers ?? {});
  const templates: EvaluationItem[] = [
    { expr: config.url, kind: 'template-url' },
    ...headerNames.map((name): EvaluationItem => ({ expr: config.headers![name], kind: 'template-header' })),
  ];
  const bindings = { secrets, event: pollBinding(config.url), steps: [] };
  const rendered = await evaluateMany(templates, null, bindings);
  const failed = rendered.findIndex((r) => !r.ok);
  if (failed >= 0) {
    const where = failed === 0 ? 'url' : `headers.${headerNames[failed - 1]}`;
    const error = (rendered[failed] as { ok: false; error: { message: string } }).error;
    return { ok: false, status: null, error: `${where}: ${error.message}` };
  }
  const values = rendered.map((r) => (r as { ok: true; value: string }).value);
  const headers: Record<string, string> = { accept: 'application/json' };
  headerNames.forEach((name, i) => {
    for (const existing of Object.keys(headers)) {
      if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
    }
    headers[name] = values[i + 1];
  });

  const sent = await sendRequest({
    method: config.method ?? 'GET',
    url: values[0],
    headers,
    timeoutMs: POLL_TIMEOUT_MS,
  });
  const status = sent.response?.status ?? null;
  if (sent.error) return { ok: false, status, error: sent.error.message };
  const response = sent.response!;
  if (response.status < 200 || response.status > 299) {
    return { ok: false, status, error: `The API answered HTTP ${response.status}` };
  }
  if (response.bodyTruncated) {
    return {
      ok: false,
      status,
      error: 'Response larger than 64 KiB (truncated): narrow it, e.g. with a page size',
    };
  }
  if (response.bodyEncoding !== 'utf8')
    return { ok: false, status, error: 'Response is not text (JSON expected)' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body);
  } catch (error) {
    return { ok: false, status, error: `Response is not valid JSON: ${(error as Error).message}` };
  }

  const selected = await evaluateExpression(config.items, parsed, bindings);
  if (!selected.ok) return { ok: false, status, error: `items: ${selected.error.message}` };
  const items = itemsFromResult(selected.value);
  if (typeof items === 'string') return { ok: false, status, error: items };

  // One evaluation per item: the pool runs them in parallel; a poll response is at most 64 KiB.
  const keys = await Promise.all(items.map((item) => evaluateExpression(config.key, item, bindings)));
  const out: PolledItem[] = [];
  for (let i = 0; i < items.length; i++) {
    const result = keys[i];
    if (!result.ok) return { ok: false, status, error: `key (item ${i + 1}): ${result.error.message}` };
    const key = keyFromResult(result.value);
    if (key === null) {
      return {
        ok: false,
        status,
        error: `key must give a non-empty string or number for every item; item ${i + 1} gave ${result.value === undefined ? 'nothing' : describe(result.value)}`,
      };
    }
    out.push({ key, item: items[i] });
  }
  return { ok: true, status: response.status, items: out };
}
