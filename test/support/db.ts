import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closeDb, getDbHandle } from '@/db/client';

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
