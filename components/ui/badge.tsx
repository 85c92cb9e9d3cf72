import type { ComponentProps } from 'react';
import { cn } from './cn';

export type BadgeTone = 'neutral' | 'success' | 'danger' | 'warning' | 'info' | 'accent';

const tones: Record<BadgeTone, string> = {
  neutral: 'bg-muted text-muted-foreground ring-border',
  success: 'bg-success-soft text-success-text ring-success/25',
  danger: 'bg-danger-soft text-danger-text ring-danger/25',
  warning: 'bg-warning-soft text-warning-text ring-warning/30',
  info: 'bg-info-soft text-info-text ring-info/25',
  accent: 'bg-accent-soft text-accent-text ring-accent/25',
};

export type BadgeProps = ComponentProps<'span'> & { tone?: BadgeTone };

export function Badge({ tone = 'neutral', className, ...props }: BadgeProps) {
  return (
    <span
      className={cn(
        'inline-flex items-center gap-1 rounded-md px-1.5 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset',
        tones[tone],
        className,
      )}
      {...props}
    />
  );
}

export type RunStatus = 'queued' | 'running' | 'retrying' | 'succeeded' | 'failed' | 'filtered' | 'skipped';
export type EventOutcome = 'accepted' | 'duplicate' | 'rejected';

type StatusLook = { tone: BadgeTone; label: string; live?: boolean };

const statusLooks: Record<RunStatus | EventOutcome, StatusLook> = {
  queued: { tone: 'neutral', label: 'Queued' },
  running: { tone: 'info', label: 'Running', live: true },
  retrying: { tone: 'warning', label: 'Retrying', live: true },
  succeeded: { tone: 'success', label: 'Succeeded' },
  failed: { tone: 'danger', label: 'Failed' },
  filtered: { tone: 'neutral', label: 'Filtered out' },
  skipped: { tone: 'neutral', label: 'Skipped' },
  accepted: { tone: 'success', label: 'Accepted' },
  duplicate: { tone: 'neutral', label: 'Duplicate' },
  rejected: { tone: 'danger', label: 'Rejected' },
};

export function statusTone(status: string): BadgeTone {
  return status in statusLooks ? statusLooks[status as RunStatus | EventOutcome].tone : 'neutral';
}

export type StatusBadgeProps = {
  /** A run status or event outcome; an unknown value is shown as is, in the neutral tone. */
  status: RunStatus | EventOutcome | (string & {});
  className?: string;
};

export function StatusBadge({ status, className }: StatusBadgeProps) {
  const look: StatusLook = statusLooks[status as RunStatus | EventOutcome] ?? {
    tone: 'neutral',
    label: status,
  };
  return (
    <Badge tone={look.tone} className={className}>
      <span
        aria-hidden="true"
        className={cn('size-1.5 rounded-full bg-current', look.live && 'animate-pulse')}
      />
      {look.label}
    </Badge>
  );
}
