import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

// Read lazily: `next build` imports route modules, and tests set env vars before the first call.

export function databasePath(): string {
  const url = process.env.DATABASE_URL || 'file:./data/hookline.db';
  const file = url.startsWith('file:') ? url.slice('file:'.length) : url;
  if (file === ':memory:') return file;
  return path.resolve(/*turbopackIgnore: true*/ process.cwd(), file);
}

export function dataDir(): string {
  const db = databasePath();
  return db === ':memory:' ? path.resolve(/*turbopackIgnore: true*/ process.cwd(), 'data') : path.dirname(db);
}

export function isTrue(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true', 'yes', 'on'].includes(value.trim().toLowerCase());
}

export const env = {
  port: () => Number(process.env.PORT || 3000),
  publicUrl: () => process.env.HOOKLINE_PUBLIC_URL?.replace(/\/+$/, '') || null,
  workerEnabled: () => (process.env.HOOKLINE_WORKER ?? 'on').toLowerCase() !== 'off',
  trustProxy: () => isTrue(process.env.HOOKLINE_TRUST_PROXY),
  allowPrivateNetworks: () => isTrue(process.env.HOOKLINE_ALLOW_PRIVATE_NETWORKS),
};

const GENERATED = ['AUTH_SECRET', 'HOOKLINE_ENCRYPTION_KEY'] as const;
type GeneratedName = (typeof GENERATED)[number];

/**
 * AUTH_SECRET and HOOKLINE_ENCRYPTION_KEY come from the environment, or from `secrets.env` beside the database,
 * written (mode 0600) on first start so a fresh checkout runs with no configuration.
 */
export function ensureGeneratedSecrets(): void {
  if (GENERATED.every((name) => process.env[name])) return;
  const dir = dataDir();
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'secrets.env');
  const stored = readEnvFile(file);
  let changed = false;
  for (const name of GENERATED) {
    if (!stored[name]) {
      stored[name] = randomBytes(32).toString('base64');
      changed = true;
    }
  }
  if (changed) {
    const text = GENERATED.map((n) => `${n}=${stored[n]}`).join('\n') + '\n';
    // wx-then-rename keeps a concurrent starter from reading a half-written file.
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text, { mode: 0o600 });
    fs.renameSync(tmp, file);
  }
  for (const name of GENERATED) process.env[name] ||= stored[name];
}

function readEnvFile(file: string): Partial<Record<GeneratedName, string>> {
  if (!fs.existsSync(file)) return {};
  const out: Partial<Record<GeneratedName, string>> = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m && (GENERATED as readonly string[]).includes(m[1])) out[m[1] as GeneratedName] = m[2];
  }
  return out;
}

export function authSecret(): string {
  ensureGeneratedSecrets();
  return process.env.AUTH_SECRET!;
}

export function encryptionKey(): string {
  ensureGeneratedSecrets();
  return process.env.HOOKLINE_ENCRYPTION_KEY!;
}
