// A per-process count of hook edits, so the ingest endpoint can keep hooks in memory and still apply an edit
// (disable, new token, new secret, delete) from the very next request. Kept on globalThis: the Next bundle, where
// edits are made, and the custom server, where hooks are read, each have their own copy of this module.
const KEY = Symbol.for('hookline.hooks.changes');
type G = typeof globalThis & { [KEY]?: { n: number } };

function counter(): { n: number } {
  return ((globalThis as G)[KEY] ??= { n: 0 });
}

/** Call after every change to a hook row that ingest reads (settings, token, enabled, deletion). */
export function noteHooksChanged(): void {
  counter().n++;
}

export function hooksVersion(): number {
  return counter().n;
}
