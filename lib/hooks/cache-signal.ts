// Ingest caches hooks by token so the hot path skips a query per request. Every write to a hooks row bumps this
// version; the cache compares it and drops its entries. Kept on globalThis because the custom server (tsx) and
// Next's server bundle each load their own copy of this module but must see the same counter.
const KEY = Symbol.for('hookline.hooks.version');
type GlobalWithVersion = typeof globalThis & { [KEY]?: number };

export function invalidateHookCache(): void {
  const g = globalThis as GlobalWithVersion;
  g[KEY] = (g[KEY] ?? 0) + 1;
}

export function hookCacheVersion(): number {
  return (globalThis as GlobalWithVersion)[KEY] ?? 0;
}
