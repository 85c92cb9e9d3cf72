// Client-safe (no server imports): the run list's URL filters and formatting, shared by the page and its client
// components.

export const RUN_STATUS_CHIPS = [
  { value: '', label: 'All' },
  { value: 'queued', label: 'Queued' },
  { value: 'running', label: 'Running' },
  { value: 'retrying', label: 'Retrying' },
  { value: 'succeeded', label: 'Succeeded' },
  { value: 'failed', label: 'Failed' },
  { value: 'filtered', label: 'Filtered out' },
] as const;

export const TIME_RANGES = [
  { value: '', label: 'Any time', ms: 0 },
  { value: '1h', label: 'Last hour', ms: 3_600_000 },
  { value: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { value: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
] as const;

export const TRIGGER_LABELS: Record<string, string> = {
  webhook: 'Webhook',
  schedule: 'Schedule',
  poll: 'Poll',
  silence: 'Silence',
};

/** The list's filters as they appear in the page URL (`/runs?status=failed&range=24h&q=…`). */
export interface RunUrlFilter {
  status: string;
  automationId: string;
  hookId: string;
  eventId: string;
  triggerType: string;
  range: string;
  q: string;
}

export function readUrlFilter(params: Record<string, string | string[] | undefined>): RunUrlFilter {
  const get = (k: string) => {
    const v = params[k];
    return (Array.isArray(v) ? v[0] : v)?.trim() ?? '';
  };
  const oneOf = (v: string, allowed: readonly string[]) => (allowed.includes(v) ? v : '');
  return {
    status: oneOf(
      get('status'),
      RUN_STATUS_CHIPS.map((c) => c.value),
    ),
    automationId: get('automationId').slice(0, 100),
    hookId: get('hookId').slice(0, 100),
    eventId: get('eventId').slice(0, 100),
    triggerType: oneOf(get('triggerType'), Object.keys(TRIGGER_LABELS)),
    range: oneOf(
      get('range'),
      TIME_RANGES.map((r) => r.value),
    ),
    q: get('q').slice(0, 200),
  };
}

export function rangeStart(range: string, now: number): number | undefined {
  const r = TIME_RANGES.find((t) => t.value === range);
  return r && r.ms > 0 ? now - r.ms : undefined;
}

export function filterHref(filter: RunUrlFilter, change: Partial<RunUrlFilter>): string {
  const next = { ...filter, ...change };
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(next)) if (v) params.set(k, v);
  const s = params.toString();
  return s ? `/runs?${s}` : '/runs';
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export const FINAL_STATUSES = new Set(['succeeded', 'failed', 'filtered']);
