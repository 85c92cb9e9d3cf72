// The editor's working copy of an automation and its conversion to the API's input shape.
// Client-safe: no server imports.

export const ACTION_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type Method = (typeof ACTION_METHODS)[number];

export interface HeaderRow {
  key: string;
  value: string;
}

export interface DraftAction {
  /** Stable React key. */
  uid: string;
  name: string;
  method: Method;
  url: string;
  headers: HeaderRow[];
  body: string;
  when: string;
  timeoutMs: number;
  maxAttempts: number;
  /** keep: leave the stored secret as it is; set: replace with `newSecret`; clear: remove it. */
  signing: 'keep' | 'set' | 'clear';
  hasStoredSecret: boolean;
  newSecret: string;
}

export type TriggerType = 'webhook' | 'schedule' | 'poll' | 'silence';

export interface DraftTrigger {
  type: TriggerType;
  hookId: string;
  cron: string;
  timezone: string;
  pollUrl: string;
  pollMethod: 'GET' | 'POST';
  pollHeaders: HeaderRow[];
  intervalSeconds: number;
  items: string;
  key: string;
  afterSeconds: number;
}

export interface Draft {
  name: string;
  enabled: boolean;
  trigger: DraftTrigger;
  filter: string;
  actions: DraftAction[];
}

/** What the server sends the editor for a saved automation (never a secret). */
export interface EditorAutomation {
  id: string;
  name: string;
  enabled: boolean;
  version: number;
  trigger: Record<string, unknown> & { type: TriggerType };
  filter: string | null;
  actions: {
    name: string;
    method: Method;
    url: string;
    headers: Record<string, string>;
    body: string | null;
    when: string | null;
    timeoutMs: number;
    retry: { maxAttempts: number };
    hasSigningSecret: boolean;
  }[];
}

let counter = 0;
export function uid(): string {
  counter += 1;
  return `a${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

function rows(h: Record<string, string> | undefined): HeaderRow[] {
  return Object.entries(h ?? {}).map(([key, value]) => ({ key, value }));
}

function record(list: HeaderRow[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const row of list) if (row.key.trim()) out[row.key.trim()] = row.value;
  return out;
}

export function blankAction(index = 0): DraftAction {
  return {
    uid: uid(),
    name: `Action ${index + 1}`,
    method: 'POST',
    url: 'https://',
    headers: [],
    body: '',
    when: '',
    timeoutMs: 15000,
    maxAttempts: 8,
    signing: 'keep',
    hasStoredSecret: false,
    newSecret: '',
  };
}

export function defaultTrigger(hookId = ''): DraftTrigger {
  return {
    type: 'webhook',
    hookId,
    cron: '0 * * * *',
    timezone: 'UTC',
    pollUrl: 'https://',
    pollMethod: 'GET',
    pollHeaders: [],
    intervalSeconds: 60,
    items: 'items',
    key: 'id',
    afterSeconds: 3600,
  };
}

export function draftFromAutomation(a: EditorAutomation): Draft {
  const t = a.trigger as Record<string, unknown>;
  const trigger = defaultTrigger();
  trigger.type = a.trigger.type;
  if (typeof t.hookId === 'string') trigger.hookId = t.hookId;
  if (typeof t.cron === 'string') trigger.cron = t.cron;
  if (typeof t.timezone === 'string') trigger.timezone = t.timezone;
  if (a.trigger.type === 'poll') {
    trigger.pollUrl = String(t.url ?? '');
    trigger.pollMethod = t.method === 'POST' ? 'POST' : 'GET';
    trigger.pollHeaders = rows(t.headers as Record<string, string> | undefined);
    trigger.intervalSeconds = Number(t.intervalSeconds ?? 60);
    trigger.items = String(t.items ?? '');
    trigger.key = String(t.key ?? '');
  }
  if (typeof t.afterSeconds === 'number') trigger.afterSeconds = t.afterSeconds;
  return {
    name: a.name,
    enabled: a.enabled,
    trigger,
    filter: a.filter ?? '',
    actions: a.actions.map((x) => ({
      uid: uid(),
      name: x.name,
      method: x.method,
      url: x.url,
      headers: rows(x.headers),
      body: x.body ?? '',
      when: x.when ?? '',
      timeoutMs: x.timeoutMs,
      maxAttempts: x.retry.maxAttempts,
      signing: 'keep',
      hasStoredSecret: x.hasSigningSecret,
      newSecret: '',
    })),
  };
}

export function triggerInput(t: DraftTrigger): Record<string, unknown> {
  switch (t.type) {
    case 'webhook':
      return { type: 'webhook', hookId: t.hookId };
    case 'silence':
      return { type: 'silence', hookId: t.hookId, afterSeconds: Number(t.afterSeconds) };
    case 'schedule':
      return {
        type: 'schedule',
        cron: t.cron,
        ...(t.timezone.trim() ? { timezone: t.timezone.trim() } : {}),
      };
    case 'poll':
      return {
        type: 'poll',
        url: t.pollUrl,
        method: t.pollMethod,
        headers: record(t.pollHeaders),
        intervalSeconds: Number(t.intervalSeconds),
        items: t.items,
        key: t.key,
      };
  }
}

/** The API input. `withSecrets`: include signing-secret changes (saving); previews leave them out. */
export function draftToInput(d: Draft, withSecrets = true): Record<string, unknown> {
  return {
    name: d.name,
    enabled: d.enabled,
    trigger: triggerInput(d.trigger),
    filter: d.filter.trim() ? d.filter : null,
    actions: d.actions.map((a) => ({
      name: a.name,
      method: a.method,
      url: a.url,
      headers: record(a.headers),
      body: a.body.trim() ? a.body : null,
      when: a.when.trim() ? a.when : null,
      timeoutMs: Number(a.timeoutMs),
      retry: { maxAttempts: Number(a.maxAttempts) },
      ...(withSecrets && a.signing === 'set' ? { signingSecret: a.newSecret } : {}),
      ...(withSecrets && a.signing === 'clear' ? { signingSecret: null } : {}),
    })),
  };
}

/** A Standard Webhooks secret: whsec_ + base64 of 24 random bytes. */
export function generateSigningSecret(): string {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `whsec_${btoa(binary)}`;
}
