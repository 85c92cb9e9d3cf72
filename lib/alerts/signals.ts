// Alert signals: the delivery worker and the trigger scheduler report what happened with one function call; the
// alert engine (lib/alerts/engine.ts), when started in this process, turns signals into alerts. Emitting is a
// function call and a null check — safe on the hot path, never throws, and a no-op where no engine runs (unit tests,
// a web process with HOOKLINE_WORKER=off, whose worker process runs its own engine).

export type AlertSignal =
  | {
      kind: 'run_finished';
      userId: string;
      runId: string;
      automationId: string;
      status: 'succeeded' | 'failed' | 'filtered';
      error: string | null;
    }
  | { kind: 'circuit_opened'; userId: string; automationId: string; host: string; until: number }
  | { kind: 'destination_recovered'; host: string }
  | {
      kind: 'action_gone';
      userId: string;
      automationId: string;
      runId: string;
      host: string | null;
      actionName: string;
    }
  | { kind: 'poll_failing'; userId: string; automationId: string; failures: number; error: string | null }
  | { kind: 'poll_recovered'; userId: string; automationId: string }
  | { kind: 'silence_fired'; userId: string; automationId: string; hookId: string };

type Listener = (signal: AlertSignal) => void;

const KEY = Symbol.for('hookline.alerts.listener');
type G = typeof globalThis & { [KEY]?: Listener | null };

export function emitAlertSignal(signal: AlertSignal): void {
  const listener = (globalThis as G)[KEY];
  if (!listener) return;
  try {
    listener(signal);
  } catch (error) {
    console.error('Alert signal failed', error);
  }
}

export function setAlertListener(listener: Listener | null): void {
  (globalThis as G)[KEY] = listener;
}

type TriggerSignal = Extract<AlertSignal, { kind: 'poll_failing' | 'poll_recovered' | 'silence_fired' }>;

/** The scheduler's one-line hook: the claim supplies the user and automation. */
export function emitTriggerSignal<K extends TriggerSignal['kind']>(
  kind: K,
  claim: { userId: string; automationId: string },
  fields: Omit<Extract<TriggerSignal, { kind: K }>, 'kind' | 'userId' | 'automationId'>,
): void {
  emitAlertSignal({ kind, userId: claim.userId, automationId: claim.automationId, ...fields } as AlertSignal);
}
