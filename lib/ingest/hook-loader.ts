import type Database from 'better-sqlite3';
import { getDbHandle } from '@/db/client';
import { decrypt } from '@/lib/crypto/encryption';
import { hooksVersion } from '@/lib/hooks/changes';
import {
  DEFAULT_MAX_BODY_BYTES,
  dedupeSetting,
  rateLimitSetting,
  responseSetting,
  storedVerification,
  type RateLimitSetting,
  type ResponseSetting,
} from '@/lib/hooks/settings';
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

// The compiled form (decrypted secrets, IP matcher, parsed settings) is reused while the settings columns read back
// unchanged — compared as text, so two edits within one millisecond cannot leave a stale copy.
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

let byTokenStatement: { sqlite: unknown; statement: Database.Statement } | null = null;

function byToken(): Database.Statement {
  const { sqlite } = getDbHandle();
  if (byTokenStatement?.sqlite !== sqlite) {
    byTokenStatement = {
      sqlite,
      statement: sqlite.prepare(
        `select id, user_id, enabled, allowed_methods, verification, allowed_ips, max_body_bytes, rate_limit, dedupe,
                response
         from hooks where token = ?`,
      ),
    };
  }
  return byTokenStatement.statement;
}

// Token → hook, reused while no hook was edited in this process (lib/hooks/changes.ts) and for at most a second, so
// an edit made by another process (the CLI, a second instance) is seen within a second too.
const byTokenCache = new Map<string, { hook: IngestHook; version: number; at: number }>();
const TOKEN_CACHE_MS = 1_000;

export function loadHookByToken(token: string, now = Date.now()): IngestHook | null {
  const hit = byTokenCache.get(token);
  const version = hooksVersion();
  if (hit && hit.version === version && now - hit.at < TOKEN_CACHE_MS) return hit.hook;
  const row = byToken().get(token) as HookRow | undefined;
  if (!row) {
    byTokenCache.delete(token);
    return null;
  }
  const cached = compiled.get(row.id);
  const settings = settingsText(row);
  let hook: IngestHook;
  if (cached && cached.settings === settings) {
    hook = cached.hook;
  } else {
    hook = compile(row);
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(row.id, { settings, hook });
  }
  if (byTokenCache.size >= MAX_COMPILED) byTokenCache.clear();
  byTokenCache.set(token, { hook, version, at: now });
  return hook;
}
