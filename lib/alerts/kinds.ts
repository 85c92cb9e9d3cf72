// Client-safe (no server imports): alert rule kinds, their labels and defaults, shared by lib and components.

export const ALERT_RULE_KINDS = [
  'run_failed',
  'failure_rate',
  'circuit_open',
  'poll_failing',
  'silence_fired',
  'hook_rejections',
  'action_gone',
] as const;
export type AlertRuleKind = (typeof ALERT_RULE_KINDS)[number];

export interface RuleKindInfo {
  label: string;
  description: string;
  /** What `threshold` means for this kind, or null when it has none. */
  thresholdLabel: string | null;
  defaultThreshold: number | null;
  defaultMinRuns: number | null;
}

export const RULE_KINDS: Record<AlertRuleKind, RuleKindInfo> = {
  run_failed: {
    label: 'Run failed',
    description: 'A run failed after its last attempt.',
    thresholdLabel: null,
    defaultThreshold: null,
    defaultMinRuns: null,
  },
  failure_rate: {
    label: 'Failure rate',
    description: 'An automation’s failure rate over the last 15 minutes is above the threshold.',
    thresholdLabel: 'Failure rate above (%)',
    defaultThreshold: 50,
    defaultMinRuns: 5,
  },
  circuit_open: {
    label: 'Destination paused',
    description: 'The circuit breaker paused a destination after repeated failures.',
    thresholdLabel: null,
    defaultThreshold: null,
    defaultMinRuns: null,
  },
  poll_failing: {
    label: 'Poll trigger failing',
    description: 'A poll trigger failed several times in a row.',
    thresholdLabel: 'Consecutive failures',
    defaultThreshold: 3,
    defaultMinRuns: null,
  },
  silence_fired: {
    label: 'Silence trigger fired',
    description: 'A hook received nothing for longer than its silence trigger allows.',
    thresholdLabel: null,
    defaultThreshold: null,
    defaultMinRuns: null,
  },
  hook_rejections: {
    label: 'Rejected requests',
    description: 'A hook rejected requests with bad or missing signatures (last 15 minutes).',
    thresholdLabel: 'Rejections in 15 min',
    defaultThreshold: 10,
    defaultMinRuns: null,
  },
  action_gone: {
    label: 'Destination gone (410)',
    description: 'A destination answered 410 Gone; the automation was disabled.',
    thresholdLabel: null,
    defaultThreshold: null,
    defaultMinRuns: null,
  },
};

export const MUTE_PERIODS = [
  { value: 1, label: '1 hour' },
  { value: 8, label: '8 hours' },
  { value: 24, label: '24 hours' },
] as const;

export const CHANNEL_PRESETS = [
  { value: 'slack', label: 'Slack-compatible ({text})' },
  { value: 'discord', label: 'Discord-compatible ({content})' },
  { value: 'json', label: 'Generic JSON ({alert})' },
] as const;

/** The run list filtered to an automation's failed runs. */
export function failedRunsLink(automationId: string): string {
  return `/runs?automationId=${encodeURIComponent(automationId)}&status=failed`;
}
