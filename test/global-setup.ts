import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Every temporary directory the tests make (databases, backups, exports) goes under one directory per
 * `vitest` run, removed when the run ends: test files and the servers they start read TMPDIR through
 * os.tmpdir(), and the test processes are forked after this runs.
 */
export default function setup(): () => void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-vitest-'));
  process.env.TMPDIR = root;
  return () => fs.rmSync(root, { recursive: true, force: true });
}
