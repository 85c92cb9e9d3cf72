// Process-wide runtime state shared by the custom server (tsx) and Next's bundle via globalThis.
const KEY = Symbol.for('hookline.runtime');

export interface RuntimeState {
  startedAt: number;
  worker: 'running' | 'stopping' | 'off';
  scheduler: 'running' | 'off';
  version: string;
}

export function runtime(): RuntimeState {
  const g = globalThis as typeof globalThis & { [KEY]?: RuntimeState };
  return (g[KEY] ??= { startedAt: Date.now(), worker: 'off', scheduler: 'off', version: '0.0.0' });
}
