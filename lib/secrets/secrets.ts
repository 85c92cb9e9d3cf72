import { and, asc, eq, inArray, isNull, lt, or } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { secrets } from '@/db/schema';
import { decrypt, encrypt } from '@/lib/crypto/encryption';
import { ConflictError, NotFoundError } from '@/lib/errors';
import { newId } from '@/lib/ids';
import { parseInput } from '@/lib/validation';

// Names are referenced as `$secrets.NAME` in expressions, so they must be plain JSONata field names.
export const SECRET_NAME_PATTERN = /^[A-Z][A-Z0-9_]*$/;

export const secretNameSchema = z
  .string()
  .trim()
  .min(1, 'Name is required')
  .max(64, 'Name must be at most 64 characters')
  .regex(SECRET_NAME_PATTERN, 'Use capital letters, digits and _ (starting with a letter), e.g. SLACK_TOKEN');
export const secretValueSchema = z
  .string()
  .min(1, 'Value is required')
  .max(16_000, 'Value must be at most 16,000 characters');

export const createSecretInput = z.object({ name: secretNameSchema, value: secretValueSchema });
export const replaceSecretInput = z.object({ value: secretValueSchema });

export interface SecretInfo {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  lastUsedAt: number | null;
}

const infoColumns = {
  id: secrets.id,
  name: secrets.name,
  createdAt: secrets.createdAt,
  updatedAt: secrets.updatedAt,
  lastUsedAt: secrets.lastUsedAt,
};

export function toApiSecret(s: SecretInfo) {
  return {
    id: s.id,
    name: s.name,
    createdAt: new Date(s.createdAt).toISOString(),
    updatedAt: new Date(s.updatedAt).toISOString(),
    lastUsedAt: s.lastUsedAt ? new Date(s.lastUsedAt).toISOString() : null,
  };
}

export function createSecret(userId: string, input: unknown): SecretInfo {
  const data = parseInput(createSecretInput, input);
  const existing = getDb()
    .select({ id: secrets.id })
    .from(secrets)
    .where(and(eq(secrets.userId, userId), eq(secrets.name, data.name)))
    .get();
  if (existing) {
    throw new ConflictError(`A secret named ${data.name} already exists`, { name: 'Already in use' });
  }
  const now = Date.now();
  const row = {
    id: newId('sec'),
    userId,
    name: data.name,
    valueEncrypted: encrypt(data.value),
    createdAt: now,
    updatedAt: now,
    lastUsedAt: null,
  };
  getDb().insert(secrets).values(row).run();
  return { id: row.id, name: row.name, createdAt: now, updatedAt: now, lastUsedAt: null };
}

export function replaceSecretValue(userId: string, id: string, input: unknown): SecretInfo {
  const data = parseInput(replaceSecretInput, input);
  const res = getDb()
    .update(secrets)
    .set({ valueEncrypted: encrypt(data.value), updatedAt: Date.now() })
    .where(and(eq(secrets.id, id), eq(secrets.userId, userId)))
    .run();
  if (res.changes === 0) throw new NotFoundError('Secret');
  return getSecretInfo(userId, id);
}

export function getSecretInfo(userId: string, id: string): SecretInfo {
  const row = getDb()
    .select(infoColumns)
    .from(secrets)
    .where(and(eq(secrets.id, id), eq(secrets.userId, userId)))
    .get();
  if (!row) throw new NotFoundError('Secret');
  return row;
}

export function deleteSecret(userId: string, id: string): void {
  const res = getDb()
    .delete(secrets)
    .where(and(eq(secrets.id, id), eq(secrets.userId, userId)))
    .run();
  if (res.changes === 0) throw new NotFoundError('Secret');
}

export function listSecrets(userId: string): SecretInfo[] {
  return getDb()
    .select(infoColumns)
    .from(secrets)
    .where(eq(secrets.userId, userId))
    .orderBy(asc(secrets.name))
    .all();
}

export function listSecretNames(userId: string): Set<string> {
  return new Set(
    getDb()
      .select({ name: secrets.name })
      .from(secrets)
      .where(eq(secrets.userId, userId))
      .all()
      .map((r) => r.name),
  );
}

// last_used_at is written at most once a minute so evaluations do not turn into write traffic.
const LAST_USED_GRANULARITY_MS = 60_000;

/**
 * Decrypted values by name, for evaluation only: never return these to a client. Marks secrets as used (at most
 * once a minute): all of them, or only `used` when the caller knows which names its expressions reference;
 * `touch: false` for previews, which are not uses.
 */
export function loadSecretValues(
  userId: string,
  options: { touch?: boolean; used?: string[] } = {},
): Record<string, string> {
  const rows = getDb()
    .select({ name: secrets.name, valueEncrypted: secrets.valueEncrypted })
    .from(secrets)
    .where(eq(secrets.userId, userId))
    .all();
  const values: Record<string, string> = {};
  for (const row of rows) {
    try {
      values[row.name] = decrypt(row.valueEncrypted);
    } catch (error) {
      // A value encrypted under another key is unusable; the expression sees it as missing.
      console.error(`Secret ${row.name} could not be decrypted`, error);
    }
  }
  if (options.touch !== false && rows.length > 0 && (!options.used || options.used.length > 0)) {
    const now = Date.now();
    getDb()
      .update(secrets)
      .set({ lastUsedAt: now })
      .where(
        and(
          eq(secrets.userId, userId),
          options.used ? inArray(secrets.name, options.used) : undefined,
          or(isNull(secrets.lastUsedAt), lt(secrets.lastUsedAt, now - LAST_USED_GRANULARITY_MS)),
        ),
      )
      .run();
  }
  return values;
}

/** `$secrets.NAME` references in an expression or template (also `$secrets."NAME"` / `$secrets.\`NAME\``). */
export function referencedSecretNames(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(
    /\$secrets\s*\.\s*(?:([A-Za-z_][A-Za-z0-9_]*)|"([^"]+)"|`([^`]+)`|'([^']+)')/g,
  )) {
    names.add(m[1] ?? m[2] ?? m[3] ?? m[4]);
  }
  return [...names];
}
