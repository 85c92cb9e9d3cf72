import { getDbHandle } from '@/db/client';
import { decrypt } from '@/lib/crypto/encryption';
import {
  DEFAULT_MAX_BODY_BYTES,
  dedupeSetting,
  rateLimitSetting,
  responseSetting,
  storedVerification,
  type RateLimitSetting,
  type ResponseSetting,
} from '@/lib/hooks/settings';
import type { RunTarget } from '@/lib/runs/create';
import type { VerificationConfig } from '@/lib/signatures';
import { compileIpAllowList } from './ip-allow';

export interface IngestHook {
  id: string;
  userId: string;
  enabled: boolean;
  allowedMethods: Set<string>;
  verification: VerificationConfig;
  ipAllowed: (ip: string) => boolean;
  maxBodyBytes: number;
  rateLimit: RateLimitSetting;
  dedupeExpression: string | null;
  response: ResponseSetting;
}

interface HookRow {
  id: string;
  user_id: string;
  enabled: number;
  allowed_methods: string;
  verification: string;
  allowed_ips: string;
  max_body_bytes: number;
  rate_limit: string | null;
  dedupe: string | null;
  response: string | null;
}

// The row is read on every request (one indexed lookup, microseconds) so edits apply at once; the compiled form
// (decrypted secrets, IP matcher, parsed settings) is reused while the settings columns read back unchanged —
// compared as text, so two edits within one millisecond cannot leave a stale copy.
const compiled = new Map<string, { settings: string; hook: IngestHook }>();

function settingsText(r: HookRow): string {
  return [
    r.enabled,
    r.allowed_methods,
    r.verification,
    r.allowed_ips,
    r.max_body_bytes,
    r.rate_limit,
    r.dedupe,
    r.response,
  ].join('\u0000');
}
const MAX_COMPILED = 5_000;

function compile(row: HookRow): IngestHook {
  const verification = storedVerification.parse(JSON.parse(row.verification));
  const json = (v: string | null) => (v === null ? null : JSON.parse(v));
  return {
    id: row.id,
    userId: row.user_id,
    enabled: row.enabled === 1,
    allowedMethods: new Set((JSON.parse(row.allowed_methods) as string[]).map((m) => m.toUpperCase())),
    verification: { ...verification, secrets: verification.secrets.map(decrypt) },
    ipAllowed: compileIpAllowList(JSON.parse(row.allowed_ips) as string[]),
    maxBodyBytes: row.max_body_bytes || DEFAULT_MAX_BODY_BYTES,
    rateLimit: rateLimitSetting.parse(json(row.rate_limit)),
    dedupeExpression: dedupeSetting.parse(json(row.dedupe))?.expression ?? null,
    response: responseSetting.parse(json(row.response)),
  };
}

let statements: {
  sqlite: unknown;
  byToken: import('better-sqlite3').Statement;
  automations: import('better-sqlite3').Statement;
} | null = null;

function stmts() {
  const { sqlite } = getDbHandle();
  if (statements?.sqlite !== sqlite) {
    statements = {
      sqlite,
      byToken: sqlite.prepare(
        `select id, user_id, enabled, allowed_methods, verification, allowed_ips, max_body_bytes, rate_limit, dedupe,
                response
         from hooks where token = ?`,
      ),
      automations: sqlite.prepare(
        `select id, user_id as userId, version, trigger_type as triggerType from automations
         where hook_id = ? and trigger_type = 'webhook' and enabled = 1 order by id`,
      ),
    };
  }
  return statements;
}

export function loadHookByToken(token: string): IngestHook | null {
  const row = stmts().byToken.get(token) as HookRow | undefined;
  if (!row) return null;
  const cached = compiled.get(row.id);
  const settings = settingsText(row);
  if (cached && cached.settings === settings) return cached.hook;
  const hook = compile(row);
  if (compiled.size >= MAX_COMPILED) compiled.clear();
  compiled.set(row.id, { settings, hook });
  return hook;
}

/** Enabled webhook automations of a hook, read inside the storing transaction so none is missed. */
export function webhookAutomations(hookId: string): RunTarget[] {
  return stmts().automations.all(hookId) as RunTarget[];
}
