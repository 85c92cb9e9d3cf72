import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildNativeOrSayWhy } from './build-native';

// `npm start` right after `npm install`: build when there is no build or the sources are newer than it.
const root = process.cwd();
const SOURCES = [
  'app',
  'components',
  'lib',
  'db',
  'types',
  'next.config.ts',
  'package.json',
  'postcss.config.mjs',
  'tsconfig.json',
];

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(p)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

export function buildIsStale(): boolean {
  const buildId = path.join(root, '.next', 'BUILD_ID');
  if (!fs.existsSync(buildId)) return true;
  const built = fs.statSync(buildId).mtimeMs;
  return SOURCES.some((s) => newestMtime(path.join(root, s)) > built);
}

export function ensureBuild(): void {
  if (!buildIsStale()) return;
  console.log('No current production build: running `next build` first (a minute or two)…');
  const bin = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'next.cmd' : 'next');
  const result = spawnSync(bin, ['build'], {
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) {
    console.error('next build failed');
    process.exit(result.status ?? 1);
  }
}

const isMain = process.argv[1] && /start\.(ts|js)$/.test(process.argv[1]);
if (isMain) {
  buildNativeOrSayWhy({ quiet: true });
  ensureBuild();
  if (process.argv.includes('--build-only')) process.exit(0);
  (process.env as Record<string, string>).NODE_ENV = 'production';
  const { startServer } = await import('../server');
  await startServer({ dev: false });
}
