import { createHash } from 'node:crypto';
import { and, desc, eq, isNull } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { apiTokens, users } from '@/db/schema';
import { NotFoundError, ValidationError } from '@/lib/errors';
import { newId, randomToken } from '@/lib/ids';
import { tokenNameSchema } from './schema';
import { toSessionUser, type SessionUser } from './users';

const PREFIX = 'hl_';

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface ApiTokenInfo {
  id: string;
  name: string;
  prefix: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

/** Creates a token; the plaintext is returned once and only its hash is stored. */
export function createApiToken(userId: string, name: string): { token: string; info: ApiTokenInfo } {
  const parsed = tokenNameSchema.safeParse(name);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error, 'name');
  const token = PREFIX + randomToken(32);
  const row = {
    id: newId('tok'),
    userId,
    name: parsed.data,
    tokenHash: hashToken(token),
    prefix: token.slice(0, PREFIX.length + 6),
    createdAt: Date.now(),
    lastUsedAt: null,
    revokedAt: null,
  };
  getDb().insert(apiTokens).values(row).run();
  return { token, info: row };
}

export function listApiTokens(userId: string): ApiTokenInfo[] {
  return getDb()
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      prefix: apiTokens.prefix,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .where(eq(apiTokens.userId, userId))
    .orderBy(desc(apiTokens.createdAt))
    .all();
}

export function revokeApiToken(userId: string, tokenId: string): void {
  const res = getDb()
    .update(apiTokens)
    .set({ revokedAt: Date.now() })
    .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .run();
  if (res.changes === 0) throw new NotFoundError('Token');
}

// last_used_at is written at most once a minute per token so API traffic does not turn into write traffic.
const LAST_USED_GRANULARITY_MS = 60_000;

export function authenticateApiToken(token: string): SessionUser | null {
  if (!token.startsWith(PREFIX)) return null;
  const row = getDb()
    .select({ token: apiTokens, user: users })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(eq(apiTokens.tokenHash, hashToken(token)))
    .get();
  if (!row || row.token.revokedAt || row.user.disabled) return null;
  const now = Date.now();
  if (!row.token.lastUsedAt || now - row.token.lastUsedAt > LAST_USED_GRANULARITY_MS) {
    getDb().update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.token.id)).run();
  }
  return toSessionUser(row.user);
}
