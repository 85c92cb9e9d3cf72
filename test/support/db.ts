import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closeDb, getDb, getDbHandle } from '@/db/client';
import { hooks, users } from '@/db/schema';
import { newId } from '@/lib/ids';
import { idFloor } from '@/lib/runs/id-time';

/**
 * Points the process-wide database at a fresh file with the real migrations (unit tests in lib/).
 * Returns a cleanup function.
 */
export function useTempDatabase(): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-unit-'));
  closeDb();
  process.env.DATABASE_URL = `file:${path.join(dir, 'hookline.db')}`;
  process.env.AUTH_SECRET ||= 'test-auth-secret';
  process.env.HOOKLINE_ENCRYPTION_KEY ||= 'test-encryption-key';
  getDbHandle();
  return {
    dir,
    cleanup: () => {
      closeDb();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A user row (password not usable), for tests that need an owner. */
export function addUser(id: string, email: string): void {
  const now = Date.now();
  getDb().insert(users).values({ id, email, passwordHash: 'x', createdAt: now, updatedAt: now }).run();
}

/** A hook taking POST without verification and bodies up to 1 KiB, named `name` (its id by default). */
export function addHook(id: string, owner: string, name = id): void {
  const now = Date.now();
  getDb()
    .insert(hooks)
    .values({
      id,
      userId: owner,
      name,
      token: newId('tok'),
      allowedMethods: ['POST'],
      verification: { scheme: 'none', secrets: [] },
      allowedIps: [],
      maxBodyBytes: 1024,
      createdAt: now,
      updatedAt: now,
    })
    .run();
}

/**
 * An id as newId would have made it at `ms` (time part, then 16 random characters): for rows that must look as old
 * as their timestamps, since time filters and pruning go by id (lib/runs/id-time.ts).
 */
export function idAt(prefix: string, ms: number): string {
  return idFloor(prefix, ms).slice(0, -16) + newId(prefix).slice(-16);
}
