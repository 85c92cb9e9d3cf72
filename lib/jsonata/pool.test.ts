import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { THREAD_NAMES_READABLE, threadNames } from '@/test/support/threads';
import { evaluateExpression } from './evaluate';
import { getJsonataPool, shutdownJsonataPool } from './pool';

afterAll(() => shutdownJsonataPool());

describe('pool', () => {
  const savedWorkerPath = process.env.HOOKLINE_JSONATA_WORKER;
  afterEach(async () => {
    if (savedWorkerPath === undefined) delete process.env.HOOKLINE_JSONATA_WORKER;
    else process.env.HOOKLINE_JSONATA_WORKER = savedWorkerPath;
    await shutdownJsonataPool();
  });

  it('is one pool per process, shared by separately loaded copies of the module', async () => {
    // A query string makes the module loader evaluate pool.ts again, as tsx and the Next.js bundle do.
    const specifier = './pool.ts?second-copy';
    const copy = (await import(/* @vite-ignore */ specifier)) as typeof import('./pool');
    expect(copy.getJsonataPool).not.toBe(getJsonataPool);
    expect(copy.getJsonataPool()).toBe(getJsonataPool());
  });

  it('fails calls cleanly when the worker file cannot start (HOOKLINE_JSONATA_WORKER override)', async () => {
    await shutdownJsonataPool();
    process.env.HOOKLINE_JSONATA_WORKER = path.join(tmpdir(), 'no-such-hookline-worker.mjs');
    const result = await evaluateExpression('1 + 1', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'WORKER_UNAVAILABLE' } });
  });

  it.runIf(THREAD_NAMES_READABLE)('names its workers hl-jsonata, for top -H (Linux)', async () => {
    await shutdownJsonataPool();
    expect(threadNames()).not.toContain('hl-jsonata');
    const [result] = await getJsonataPool().run({
      exprs: ['1 + 1'],
      input: {},
      bindings: {},
      timeoutMs: 1000,
    });
    expect(result).toEqual({ ok: true, value: 2 });
    expect(threadNames()).toContain('hl-jsonata');
  });

  it('starts again after shutdown', async () => {
    await shutdownJsonataPool();
    expect(await evaluateExpression('"again"', {})).toEqual({ ok: true, value: 'again' });
  });

  it('lets a script exit on its own: idle workers do not keep the process alive', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hookline-jsonata-'));
    try {
      const script = path.join(dir, 'script.mts');
      const entry = path.join(process.cwd(), 'lib/jsonata/index.ts');
      writeFileSync(
        script,
        `import { evaluateExpression } from ${JSON.stringify(entry)};\n` +
          `const r = await evaluateExpression('$sum(n)', { n: [1, 2, 3] });\n` +
          `console.log(JSON.stringify(r));\n`,
      );
      const child = spawnSync(process.execPath, ['--import', 'tsx', script], {
        cwd: process.cwd(),
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(child.signal).toBeNull(); // not killed by the timeout
      expect(child.status).toBe(0);
      expect(child.stdout.trim()).toBe('{"ok":true,"value":6}');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
