'use client';

import { useEffect, useRef, useState } from 'react';

/**
 * Runs `tick` every `intervalMs` while the tab is visible, for live lists. `tick` fetches and applies new data and
 * throws on failure; after three failures in a row the hook reports not live ("Reconnecting…") until one succeeds.
 * The loop restarts when `key` changes (e.g. the list's filter); the previous loop's in-flight tick sees its
 * signal aborted and must not apply what it fetched.
 */
export function useLivePoll(
  tick: (signal: AbortSignal) => Promise<void>,
  intervalMs: number,
  key: string,
): boolean {
  const [live, setLive] = useState(true);
  const tickRef = useRef(tick);
  useEffect(() => {
    tickRef.current = tick;
  });

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    async function poll() {
      if (document.visibilityState === 'visible') {
        try {
          await tickRef.current(controller.signal);
          failures = 0;
          if (!controller.signal.aborted) setLive(true);
        } catch {
          if (controller.signal.aborted) return;
          failures++;
          if (failures >= 3) setLive(false);
        }
      }
      if (!controller.signal.aborted) timer = setTimeout(poll, intervalMs);
    }
    timer = setTimeout(poll, intervalMs);
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [key, intervalMs]);

  return live;
}
