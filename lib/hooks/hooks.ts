import { and, desc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { noteHooksChanged } from './changes';
import { getDb } from '@/db/client';
import { events, hooks } from '@/db/schema';
import { decrypt, encrypt } from '@/lib/crypto/encryption';
import { env } from '@/lib/env';
import { NotFoundError, ValidationError } from '@/lib/errors';
import { newId, randomToken } from '@/lib/ids';
import { idFloor } from '@/lib/runs/id-time';
import type { VerificationConfig } from '@/lib/signatures';
import type { SessionUser } from '@/lib/users/users';
import { parseInput } from '@/lib/validation';
import { createHookInput, updateHookInput, type VerificationInput } from './schema';
import {
  dedupeSetting,
  rateLimitSetting,
  responseSetting,
  storedVerification,
  type RateLimitSetting,
  type ResponseSetting,
  type StoredVerification,
} from './settings';

export type HookRow = typeof hooks.$inferSelect;
type Owner = Pick<SessionUser, 'id'>;

export interface ApiHook {
  id: string;
  name: string;
  url: string;
  enabled: boolean;
  allowedMethods: string[];
  verification: {
    scheme: StoredVerification['scheme'];
    header?: string;
    encoding?: 'hex' | 'base64';
    prefix?: string;
    toleranceSeconds?: number;
    secretCount: number;
  };
  allowedIps: string[];
  maxBodyBytes: number;
  rateLimit: RateLimitSetting;
  dedupe: { expression: string } | null;
  response: ResponseSetting;
  lastEventAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** 24 bytes = 192 bits of randomness, URL-safe: unguessable, so the URL itself is the first line of defence. */
function newHookToken(): string {
  return randomToken(24);
}

/** Base URL of displayed hook URLs: HOOKLINE_PUBLIC_URL, else the origin the browser or client used. */
export function requestBaseUrl(headers: { get(name: string): string | null }): string {
  const configured = env.publicUrl();
  if (configured) return configured;
  const host = headers.get('x-forwarded-host') ?? headers.get('host') ?? `localhost:${env.port()}`;
  const proto = headers.get('x-forwarded-proto')?.split(',')[0]?.trim() || 'http';
  return `${proto}://${host}`;
}

export function hookUrl(token: string, baseUrl: string): string {
  const base = env.publicUrl() ?? baseUrl.replace(/\/+$/, '');
  return `${base}/h/${token}`;
}

export function readVerification(hook: HookRow): StoredVerification {
  const parsed = storedVerification.safeParse(hook.verification);
  // A row that no longer parses fails closed: a scheme with no secrets rejects every request.
  return parsed.success ? parsed.data : { scheme: 'hmac-sha256', secrets: [] };
}

/** Plaintext verification config for signing/verifying (server side only; never returned). */
export function verificationConfig(hook: HookRow): VerificationConfig {
  const v = readVerification(hook);
  return {
    scheme: v.scheme,
    secrets: v.secrets.map((s) => decrypt(s)),
    header: v.header,
    encoding: v.encoding,
    prefix: v.prefix,
    toleranceSeconds: v.toleranceSeconds,
  };
}

export function toApiHook(hook: HookRow, baseUrl: string): ApiHook {
  const v = readVerification(hook);
  const rate = rateLimitSetting.safeParse(hook.rateLimit);
  const dedupe = dedupeSetting.safeParse(hook.dedupe ?? null);
  const response = responseSetting.safeParse(hook.response ?? null);
  return {
    id: hook.id,
    name: hook.name,
    url: hookUrl(hook.token, baseUrl),
    enabled: hook.enabled,
    allowedMethods: hook.allowedMethods,
    verification: {
      scheme: v.scheme,
      ...(v.header !== undefined ? { header: v.header } : {}),
      ...(v.encoding !== undefined ? { encoding: v.encoding } : {}),
      ...(v.prefix !== undefined ? { prefix: v.prefix } : {}),
      ...(v.toleranceSeconds !== undefined ? { toleranceSeconds: v.toleranceSeconds } : {}),
      secretCount: v.secrets.length,
    },
    allowedIps: hook.allowedIps,
    maxBodyBytes: hook.maxBodyBytes,
    rateLimit: rate.success ? rate.data : null,
    dedupe: dedupe.success ? dedupe.data : null,
    response: response.success ? response.data : null,
    lastEventAt: hook.lastEventAt,
    createdAt: hook.createdAt,
    updatedAt: hook.updatedAt,
  };
}

/**
 * Turns verification input into the stored shape. On update with the same scheme and no new secret, the stored
 * secrets are kept; a scheme other than `none` always ends up with at least one secret.
 */
function buildVerification(
  input: VerificationInput | undefined,
  current: StoredVerification | null,
): StoredVerification {
  if (!input || input.scheme === 'none') return { scheme: 'none', secrets: [] };
  const sameScheme = current?.scheme === input.scheme;
  let primary: string | undefined;
  let secondary: string | undefined;
  if (input.secret !== undefined) {
    primary = encrypt(input.secret);
    if (input.keepCurrentSecret && sameScheme && current.secrets[0]) secondary = current.secrets[0];
  } else if (sameScheme && current.secrets[0]) {
    primary = current.secrets[0];
    secondary = current.secrets[1];
  } else {
    throw new ValidationError(`A secret is required for the ${input.scheme} scheme`, {
      'verification.secret': `A secret is required for the ${input.scheme} scheme`,
    });
  }
  if (input.secondarySecret !== undefined) {
    secondary = input.secondarySecret === null ? undefined : encrypt(input.secondarySecret);
  }
  const stored: StoredVerification = {
    scheme: input.scheme,
    secrets: secondary ? [primary, secondary] : [primary],
  };
  if (input.scheme === 'hmac-sha256') {
    if (input.header !== undefined) stored.header = input.header;
    if (input.encoding !== undefined) stored.encoding = input.encoding;
    if (input.prefix !== undefined && input.prefix !== '') stored.prefix = input.prefix;
  }
  if (
    input.toleranceSeconds !== undefined &&
    ['stripe', 'slack', 'standard-webhooks'].includes(input.scheme)
  ) {
    stored.toleranceSeconds = input.toleranceSeconds;
  }
  return stored;
}

export function createHook(user: Owner, input: unknown): HookRow {
  const data = parseInput(createHookInput, input);
  const now = Date.now();
  const row: HookRow = {
    id: newId('hook'),
    userId: user.id,
    name: data.name,
    token: newHookToken(),
    enabled: data.enabled,
    allowedMethods: data.allowedMethods,
    verification: buildVerification(data.verification, null),
    allowedIps: data.allowedIps,
    maxBodyBytes: data.maxBodyBytes,
    rateLimit: data.rateLimit,
    dedupe: data.dedupe,
    response: data.response,
    lastEventAt: null,
    rejectedCount: 0,
    createdAt: now,
    updatedAt: now,
  };
  getDb().insert(hooks).values(row).run();
  return row;
}

/** Owner-scoped fetch-or-throw: another user's hook is "not found", never "forbidden". */
export function getHook(user: Owner, id: string): HookRow {
  const row = getDb()
    .select()
    .from(hooks)
    .where(and(eq(hooks.id, id), eq(hooks.userId, user.id)))
    .get();
  if (!row) throw new NotFoundError('Hook');
  return row;
}

export function listHooks(
  user: Owner,
  options: { limit: number; cursor?: string | null },
): { items: HookRow[]; nextCursor: string | null } {
  const rows = getDb()
    .select()
    .from(hooks)
    .where(and(eq(hooks.userId, user.id), options.cursor ? lt(hooks.id, options.cursor) : undefined))
    .orderBy(desc(hooks.id))
    .limit(options.limit + 1)
    .all();
  const items = rows.slice(0, options.limit);
  return { items, nextCursor: rows.length > options.limit ? items[items.length - 1]!.id : null };
}

export interface HookStats {
  /** Requests in the last 24 hours, by outcome. */
  accepted: number;
  duplicate: number;
  rejected: number;
}

/**
 * Per-hook request counts over the last 24 h, for the hooks list: an id range on events_hook_idx per hook (ids sort by
 * creation time), not every event the hook ever had.
 */
export function hookStats(user: Owner, hookIds: string[], now = Date.now()): Map<string, HookStats> {
  const stats = new Map<string, HookStats>();
  for (const id of hookIds) stats.set(id, { accepted: 0, duplicate: 0, rejected: 0 });
  if (hookIds.length === 0) return stats;
  const rows = getDb()
    .select({ hookId: events.hookId, outcome: events.outcome, n: sql<number>`count(*)` })
    .from(events)
    .where(
      and(
        eq(events.userId, user.id),
        inArray(events.hookId, hookIds),
        gte(events.id, idFloor('evt', now - 24 * 3600_000)),
      ),
    )
    .groupBy(events.hookId, events.outcome)
    .all();
  for (const r of rows) {
    const s = r.hookId ? stats.get(r.hookId) : undefined;
    if (s) s[r.outcome] = r.n;
  }
  return stats;
}

export function updateHook(user: Owner, id: string, input: unknown): HookRow {
  const data = parseInput(updateHookInput, input);
  const current = getHook(user, id);
  const patch: Partial<HookRow> = { updatedAt: Date.now() };
  if (data.name !== undefined) patch.name = data.name;
  if (data.enabled !== undefined) patch.enabled = data.enabled;
  if (data.allowedMethods !== undefined) patch.allowedMethods = data.allowedMethods;
  if (data.allowedIps !== undefined) patch.allowedIps = data.allowedIps;
  if (data.maxBodyBytes !== undefined) patch.maxBodyBytes = data.maxBodyBytes;
  if (data.rateLimit !== undefined) patch.rateLimit = data.rateLimit;
  if (data.dedupe !== undefined) patch.dedupe = data.dedupe;
  if (data.response !== undefined) patch.response = data.response;
  if (data.verification !== undefined) {
    const stored = storedVerification.safeParse(current.verification);
    patch.verification = buildVerification(data.verification, stored.success ? stored.data : null);
  }
  const row = getDb()
    .update(hooks)
    .set(patch)
    .where(and(eq(hooks.id, id), eq(hooks.userId, user.id)))
    .returning()
    .get();
  noteHooksChanged();
  if (!row) throw new NotFoundError('Hook');
  return row;
}

export function deleteHook(user: Owner, id: string): void {
  const result = getDb()
    .delete(hooks)
    .where(and(eq(hooks.id, id), eq(hooks.userId, user.id)))
    .run();
  noteHooksChanged();
  if (result.changes === 0) throw new NotFoundError('Hook');
}

/** A new URL for the hook; the old one answers 404 from now on. */
export function regenerateHookToken(user: Owner, id: string): HookRow {
  getHook(user, id);
  const row = getDb()
    .update(hooks)
    .set({ token: newHookToken(), updatedAt: Date.now() })
    .where(and(eq(hooks.id, id), eq(hooks.userId, user.id)))
    .returning()
    .get();
  noteHooksChanged();
  if (!row) throw new NotFoundError('Hook');
  return row;
}
