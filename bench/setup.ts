import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startProcess } from './support';

const ROOT = path.resolve(import.meta.dirname, '..');

const made: string[] = [];
// A bench run writes hundreds of MB per database; they go when the bench exits (BENCH_KEEP_DATA=1 keeps them).
process.on('exit', () => {
  if (process.env.BENCH_KEEP_DATA === '1') return;
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});
// Ctrl-C or a kill ends the bench through 'exit' too (a signal alone skips it); the servers get the same signal.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

export function tempDir(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `hookline-bench-${name}-`));
  made.push(dir);
  return dir;
}

export function ensureBuild(): void {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'scripts/start.ts'), '--build-only'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  if (r.status !== 0) throw new Error('build failed');
}

function cli(args: string[], env: Record<string, string>): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'cli/index.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env } as NodeJS.ProcessEnv,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`cli ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim().split('\n').at(-1)!;
}

/** Starts Hookline (production build) on a fresh database with a user and API token. */
export async function startHookline(port: number, extraEnv: Record<string, string> = {}) {
  const dir = tempDir('data');
  const env = {
    PORT: String(port),
    DATABASE_URL: `file:${path.join(dir, 'hookline.db')}`,
    HOOKLINE_ALLOW_PRIVATE_NETWORKS: 'true',
    NODE_ENV: 'production',
    ...extraEnv,
  };
  cli(['user', 'create', '--email', 'bench@example.com', '--password', 'bench-password', '--admin'], env);
  // BENCH_SQL_FILE: SQL run on the migrated database before the server starts, to compare schema variants.
  if (process.env.BENCH_SQL_FILE) {
    const db = new Database(path.join(dir, 'hookline.db'));
    db.exec(fs.readFileSync(process.env.BENCH_SQL_FILE, 'utf8'));
    db.close();
  }
  const token = cli(['token', 'create', '--email', 'bench@example.com', '--name', 'bench'], env);
  // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the server under load.
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const proc = await startProcess(
    [...nodeArgs, '--import', 'tsx', path.join(ROOT, 'server.ts')],
    env,
    'ready on',
  );
  const base = `http://127.0.0.1:${port}`;
  async function api<T = Record<string, unknown>>(method: string, p: string, body?: unknown): Promise<T> {
    const res = await fetch(`${base}${p}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json().catch(() => ({}))) as T;
    if (!res.ok) throw new Error(`${method} ${p} → ${res.status} ${JSON.stringify(json)}`);
    return json;
  }
  return { proc, base, dir, dbPath: path.join(dir, 'hookline.db'), api, env };
}

/** A hook with one automation (filter + mapping) relaying to `url`: the setup the ingest and delivery benches share. */
export async function createRelay(
  app: Awaited<ReturnType<typeof startHookline>>,
  url: string,
  body: string,
): Promise<{ path: string }> {
  const hook = await app.api<{ id: string; url: string }>('POST', '/api/v1/hooks', {
    name: 'bench',
    rateLimit: null,
  });
  await app.api('POST', '/api/v1/automations', {
    name: 'bench relay',
    trigger: { type: 'webhook', hookId: hook.id },
    filter: 'amount > 100',
    actions: [{ name: 'sink', method: 'POST', url, body }],
  });
  // As an operator would for a high-volume endpoint: the sink may take more than the default 8 requests at a time.
  await app.api('PATCH', `/api/v1/destinations/${encodeURIComponent(new URL(url).host)}`, {
    maxConcurrency: DESTINATION_CONCURRENCY,
  });
  return { path: new URL(hook.url).pathname };
}

/** The local sink's own concurrency limit in the benches (its destination setting). */
export const DESTINATION_CONCURRENCY = Number(process.env.BENCH_DESTINATION_CONCURRENCY || 64);
