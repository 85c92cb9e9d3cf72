// Plain JavaScript: the thread entries that use it (lib/ingest/writer-boot.mjs, lib/jsonata/eval-worker.mjs) start
// by file path, before any TypeScript loader.
import fs from 'node:fs';

/**
 * Names the calling thread for `top -H`, `ps -L` and perf (15 characters at most); only Linux has the file, and
 * nothing depends on the name.
 */
export function nameThread(name) {
  try {
    fs.writeFileSync('/proc/thread-self/comm', name);
  } catch {
    // not Linux
  }
}
