import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { THREAD_NAMES_READABLE, threadNames } from '@/test/support/threads';
import { startDbThread, threadCalls, threadName } from './threads';

// A real thread speaking the protocol of the db threads: answers { id, ... } or { id, error }, and 'stop'.
const THREAD = `
const { parentPort } = require('node:worker_threads');
const held = [];
parentPort.on('message', (m) => {
  if (m === 'stop') return parentPort.postMessage({ stopped: true });
  if (m.op === 'echo') return parentPort.postMessage({ id: m.id, value: m.value });
  if (m.op === 'fail') return parentPort.postMessage({ id: m.id, error: 'no such thing' });
  if (m.op === 'hold') return held.push(m.id); // answered on 'release'
  if (m.op === 'release') {
    for (const id of held.splice(0).reverse()) parentPort.postMessage({ id, value: id });
    parentPort.postMessage({ id: m.id, value: 0 });
  }
  if (m.op === 'die') process.exit(3);
});
`;

type Call = { op: string; value?: number };
type Reply = { value: number };

function start(onExit?: () => void) {
  return threadCalls<Call, Reply>(new Worker(THREAD, { eval: true }), 'Test', onExit);
}

function call(calls: ReturnType<typeof start>, message: Call): Promise<number> {
  return new Promise((resolve, reject) =>
    calls.call(message, (error, reply) => (error ? reject(error) : resolve(reply!.value))),
  );
}

describe('threadCalls', () => {
  it('gives each call its own answer, whatever order they come in', async () => {
    const calls = start();
    const first = call(calls, { op: 'hold' });
    const second = call(calls, { op: 'hold' });
    const echoed = call(calls, { op: 'echo', value: 42 });
    expect(await echoed).toBe(42);
    expect(await call(calls, { op: 'release' })).toBe(0);
    // Released newest first: each answer still reaches the call it belongs to (ids 1 and 2).
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    await expect(call(calls, { op: 'fail' })).rejects.toThrow('no such thing');
    await calls.stop();
  });

  it('fails what the thread had not answered when it exits, and every call after', async () => {
    let exits = 0;
    const calls = start(() => exits++);
    const held = call(calls, { op: 'hold' });
    const died = call(calls, { op: 'die' });
    await expect(held).rejects.toThrow('Test thread exited (3)');
    await expect(died).rejects.toThrow('Test thread exited (3)');
    expect(exits).toBe(1);
    await expect(call(calls, { op: 'echo', value: 1 })).rejects.toThrow('Test thread exited (3)');
    await calls.stop(); // already gone: nothing to wait for
  });

  it('stops a thread once it has answered what it was given', async () => {
    const calls = start();
    const gone = new Promise((resolve) => calls.thread.once('exit', resolve));
    const answered = call(calls, { op: 'echo', value: 7 });
    // Asked twice (a shutdown racing a restart): both callers learn when it has stopped.
    await Promise.all([calls.stop(), calls.stop()]);
    expect(await answered).toBe(7);
    await gone; // ended, not left running
    await expect(call(calls, { op: 'echo', value: 1 })).rejects.toThrow('Test thread exited');
  });
});

describe('db thread names', () => {
  it('are hl- and the module name without -thread, at most 15 characters (the kernel keeps no more)', () => {
    expect(threadName('lib/ingest/writer-thread.ts')).toBe('hl-writer');
    expect(threadName('db/checkpoint-thread.ts')).toBe('hl-checkpoint');
    expect(threadName('lib/delivery/bookkeeping-thread.ts')).toBe('hl-bookkeeping');
    expect(threadName('lib/runs/search-index-thread.ts')).toBe('hl-search-index');
    expect(threadName('test/support/named-thread.ts')).toBe('hl-named');
    expect(threadName('lib/a-very-long-module-name-thread.ts')).toHaveLength(15);
  });

  it.runIf(THREAD_NAMES_READABLE)('are what top -H and ps -L show (Linux)', async () => {
    expect(threadNames()).not.toContain('hl-named');
    const thread = startDbThread('test/support/named-thread.ts', ':memory:');
    try {
      await new Promise<void>((resolve, reject) => {
        thread.on('message', (m) => m === 'running' && resolve());
        thread.once('error', reject);
      });
      expect(threadNames()).toContain('hl-named');
    } finally {
      await thread.terminate();
    }
  });
});
