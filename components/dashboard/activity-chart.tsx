import type { HourBucket } from '@/lib/runs/dashboard';

// Plain SVG stacked bars (no chart library): one bar per hour, stacked by run status.

type Series = { key: string; label: string; className: string; value: (b: HourBucket) => number };

export const RUN_SERIES: Series[] = [
  { key: 'succeeded', label: 'Succeeded', className: 'fill-success', value: (b) => b.runs.succeeded },
  { key: 'failed', label: 'Failed', className: 'fill-danger', value: (b) => b.runs.failed },
  {
    key: 'pending',
    label: 'Queued / retrying',
    className: 'fill-warning',
    value: (b) => b.runs.queued + b.runs.running + b.runs.retrying,
  },
  {
    key: 'filtered',
    label: 'Filtered out',
    className: 'fill-muted-foreground/50',
    value: (b) => b.runs.filtered,
  },
];

export const EVENT_SERIES: Series[] = [
  { key: 'events', label: 'Events received', className: 'fill-accent', value: (b) => b.events },
];

function hourLabel(ms: number, withDay: boolean): string {
  const d = new Date(ms);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  return withDay ? `${d.toISOString().slice(5, 10)} ${hh}:00 UTC` : `${hh}:00 UTC`;
}

export function ActivityChart({
  title,
  buckets,
  series,
}: {
  title: string;
  buckets: HourBucket[];
  series: Series[];
}) {
  const width = 720;
  const height = 140;
  const gap = buckets.length > 48 ? 0.5 : 2;
  const barWidth = width / buckets.length;
  const totals = buckets.map((b) => series.reduce((sum, s) => sum + s.value(b), 0));
  const max = Math.max(1, ...totals);
  const total = totals.reduce((a, b) => a + b, 0);
  const multiDay = buckets.length > 24;
  return (
    <figure className="space-y-2">
      <figcaption className="flex flex-wrap items-baseline justify-between gap-2">
        <span className="text-sm font-medium">{title}</span>
        <span className="text-xs text-muted-foreground tabular-nums">
          {total.toLocaleString('en-US')} total · peak {max.toLocaleString('en-US')}/h
        </span>
      </figcaption>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        preserveAspectRatio="none"
        className="h-36 w-full rounded-md bg-muted/40"
        role="img"
        aria-label={`${title}: ${total} over the last ${buckets.length} hours`}
      >
        {buckets.map((b, i) => {
          let y = height;
          return (
            <g key={b.start}>
              <title>
                {`${hourLabel(b.start, multiDay)}: ${series.map((s) => `${s.label} ${s.value(b)}`).join(', ')}`}
              </title>
              {/* A transparent full-height rect makes the whole column hoverable for its tooltip. */}
              <rect x={i * barWidth} y={0} width={barWidth} height={height} className="fill-transparent" />
              {series.map((s) => {
                const v = s.value(b);
                if (v === 0) return null;
                const h = (v / max) * (height - 4);
                y -= h;
                return (
                  <rect
                    key={s.key}
                    x={i * barWidth + gap / 2}
                    y={y}
                    width={Math.max(0.5, barWidth - gap)}
                    height={h}
                    className={s.className}
                  />
                );
              })}
            </g>
          );
        })}
      </svg>
      <div className="flex flex-wrap justify-between gap-2 text-xs text-muted-foreground">
        <span>{hourLabel(buckets[0]?.start ?? 0, multiDay)}</span>
        <ul className="flex flex-wrap gap-3">
          {series.map((s) => (
            <li key={s.key} className="flex items-center gap-1.5">
              <svg aria-hidden="true" className="size-2.5" viewBox="0 0 10 10">
                <rect width="10" height="10" rx="2" className={s.className} />
              </svg>
              {s.label}
            </li>
          ))}
        </ul>
        <span>now</span>
      </div>
    </figure>
  );
}
