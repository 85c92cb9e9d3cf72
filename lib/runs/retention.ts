import fs from 'node:fs';
import { z } from 'zod';
import { getDbHandle } from '@/db/client';
import { searchDatabasePath } from '@/db/search-db';
import { ForbiddenError } from '@/lib/errors';
import { DEFAULT_RETENTION_DAYS, pruneHistory, retentionDays, type PruneResult } from '@/lib/retention';
import type { SessionUser } from '@/lib/users/users';
import { parseInput } from '@/lib/validation';

type Viewer = Pick<SessionUser, 'role'>;

export const MAX_RETENTION_DAYS = 3650;

export const retentionInput = z.object({
  retentionDays: z.coerce
    .number({ error: 'Enter a number of days' })
    .int('Enter a whole number of days')
    .min(1, 'Keep history for at least 1 day')
    .max(MAX_RETENTION_DAYS, `At most ${MAX_RETENTION_DAYS} days`),
});

export interface RetentionOverview {
  retentionDays: number;
  defaultDays: number;
  /** Database file and search index file, each with its write-ahead log, in bytes. */
  databaseBytes: number;
  events: number;
  oldestEventAt: number | null;
}

function assertAdmin(user: Viewer): void {
  if (user.role !== 'admin') throw new ForbiddenError('Only administrators can change retention');
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

export function databaseBytes(): number {
  const { path } = getDbHandle();
  if (path === ':memory:') return 0;
  const search = searchDatabasePath(path);
  return fileSize(path) + fileSize(`${path}-wal`) + fileSize(search) + fileSize(`${search}-wal`);
}

export function getRetentionOverview(user: Viewer): RetentionOverview {
  assertAdmin(user);
  const { sqlite } = getDbHandle();
  const oldest = sqlite.prepare(`select received_at from events order by id limit 1`).get() as
    { received_at: number } | undefined;
  const count = sqlite.prepare(`select count(*) as n from events`).get() as { n: number };
  return {
    retentionDays: retentionDays(),
    defaultDays: DEFAULT_RETENTION_DAYS,
    databaseBytes: databaseBytes(),
    events: count.n,
    oldestEventAt: oldest?.received_at ?? null,
  };
}

export function setRetentionDays(user: Viewer, input: unknown): number {
  assertAdmin(user);
  const { retentionDays: days } = parseInput(retentionInput, input);
  getDbHandle()
    .sqlite.prepare(
      `insert into settings (key, value) values ('retentionDays', ?) on conflict (key) do update set value = excluded.value`,
    )
    .run(JSON.stringify(days));
  return days;
}

export async function pruneNow(user: Viewer): Promise<PruneResult & { databaseBytes: number }> {
  assertAdmin(user);
  const result = await pruneHistory();
  return { ...result, databaseBytes: databaseBytes() };
}
