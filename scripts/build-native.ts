// Builds native/wal-coalesce.c, the SQLite extension the ingest writer loads to gather its WAL writes
// (db/wal-coalesce.ts), into native/build/. Run by `npm install` (postinstall), `npm start` and the tests that use
// it; a no-op when the library is newer than its source. It is an optimization: when it cannot be built (no C
// compiler, Windows, a read-only directory) this says why in one line and neither `npm install` nor `npm start`
// fails; Hookline runs without it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { walCoalesceLibraryPath } from '../db/wal-coalesce';

const root = process.cwd();
const source = path.join(root, 'native', 'wal-coalesce.c');
const libraryPath = walCoalesceLibraryPath();

/** Builds the library if it is missing or older than its source; returns why not, or null once it is there. */
export function buildNative({ quiet = false } = {}): string | null {
  try {
    return build(quiet);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** buildNative, saying in one line why the library is not there when it is not. */
export function buildNativeOrSayWhy({ quiet = false } = {}): void {
  const why = buildNative({ quiet });
  if (why) {
    console.log(
      `native/wal-coalesce.c not built (${why}); Hookline works without it, its ingest writer a little slower`,
    );
  }
}

function build(quiet: boolean): string | null {
  if (process.platform === 'win32') return 'not built on Windows';
  if (fs.existsSync(libraryPath) && fs.statSync(libraryPath).mtimeMs >= fs.statSync(source).mtimeMs)
    return null;
  let include: string;
  try {
    const sqlitePackage = createRequire(import.meta.url).resolve('better-sqlite3/package.json');
    include = path.join(path.dirname(sqlitePackage), 'deps', 'sqlite3');
    if (!fs.existsSync(path.join(include, 'sqlite3ext.h'))) return `no sqlite3ext.h in ${include}`;
  } catch {
    return 'better-sqlite3 is not installed';
  }
  const flags =
    process.platform === 'darwin'
      ? ['-dynamiclib', '-undefined', 'dynamic_lookup']
      : ['-shared', '-Wl,-z,nodelete'];
  fs.mkdirSync(path.dirname(libraryPath), { recursive: true });
  // Built beside its final name and renamed: a process that loads it never sees half a file.
  const partial = `${libraryPath}.${process.pid}.tmp`;
  const compiler = process.env.CC || 'cc';
  const result = spawnSync(
    compiler,
    ['-O2', '-fPIC', '-Wall', ...flags, `-I${include}`, source, '-o', partial],
    { encoding: 'utf8' },
  );
  if (result.error || result.status !== 0) {
    fs.rmSync(partial, { force: true });
    const why = result.error
      ? result.error.message
      : result.stderr.trim().split('\n').slice(-3).join(' ') || `exit status ${result.status}`;
    return `${compiler} failed: ${why}`;
  }
  fs.renameSync(partial, libraryPath);
  if (!quiet) console.log(`built ${path.relative(root, libraryPath)}`);
  return null;
}

const isMain = process.argv[1] && /build-native\.ts$/.test(process.argv[1]);
if (isMain) buildNativeOrSayWhy();
