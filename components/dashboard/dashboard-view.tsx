import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { TimeAgo } from '@/components/ui/time-ago';
import type { Dashboard } from '@/lib/runs/dashboard';
import { ActivityChart, EVENT_SERIES, RUN_SERIES } from './activity-chart';
import { StatCard } from './stat-card';

function ms(n: number | null): string {
  if (n === null) return '—';
  return n < 1000 ? `${n} ms` : `${(n / 1000).toFixed(2)} s`;
}

function RangeSwitch({ range }: { range: Dashboard['range'] }) {
  return (
    <nav aria-label="Time range" className="inline-flex rounded-md border border-border p-0.5">
      {(['24h', '7d'] as const).map((r) => (
        <Link
          key={r}
          href={r === '24h' ? '/' : `/?range=${r}`}
          aria-current={range === r ? 'page' : undefined}
          className={cn(
            'rounded px-2.5 py-1 text-xs font-medium',
            range === r ? 'bg-muted text-foreground' : 'text-muted-foreground hover:text-foreground',
          )}
        >
          {r === '24h' ? 'Last 24 hours' : 'Last 7 days'}
        </Link>
      ))}
    </nav>
  );
}

export function DashboardView({ data }: { data: Dashboard }) {
  const { totals } = data;
  return (
    <div className="space-y-6">
      <div className="flex justify-end">
        <RangeSwitch range={data.range} />
      </div>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <StatCard
          label="Success rate"
          value={data.successRate === null ? '—' : `${(data.successRate * 100).toFixed(1)} %`}
          hint={`${totals.succeeded.toLocaleString('en-US')} succeeded · ${totals.failed.toLocaleString('en-US')} failed`}
        />
        <StatCard
          label="Delivery latency p50 / p95"
          value={`${ms(data.latency.p50)} / ${ms(data.latency.p95)}`}
          hint={`over ${data.latency.samples.toLocaleString('en-US')} attempts`}
        />
        <StatCard
          label="Queue depth"
          value={data.queue.due.toLocaleString('en-US')}
          hint={
            data.queue.oldestDueAt !== null ? (
              <>
                oldest due <TimeAgo date={data.queue.oldestDueAt} />
              </>
            ) : (
              'nothing waiting'
            )
          }
        />
        <StatCard
          label="Runs"
          value={totals.runs.toLocaleString('en-US')}
          hint={`${totals.events.toLocaleString('en-US')} events · ${totals.pending.toLocaleString('en-US')} in progress`}
        />
      </div>

      <Card>
        <CardHeader>
          <CardTitle>Activity per hour</CardTitle>
        </CardHeader>
        <CardContent className="space-y-6">
          <ActivityChart title="Runs" buckets={data.buckets} series={RUN_SERIES} />
          <ActivityChart title="Events" buckets={data.buckets} series={EVENT_SERIES} />
        </CardContent>
      </Card>

      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Top failing automations</CardTitle>
          </CardHeader>
          <CardContent>
            {data.topFailing.length === 0 ? (
              <p className="text-sm text-muted-foreground">No failed runs in this period.</p>
            ) : (
              <ul className="divide-y divide-border">
                {data.topFailing.map((a) => (
                  <li key={a.automationId} className="flex items-center justify-between gap-2 py-2 text-sm">
                    <Link
                      href={`/runs?automationId=${encodeURIComponent(a.automationId)}&status=failed`}
                      className="truncate font-medium hover:underline"
                    >
                      {a.name ?? a.automationId}
                    </Link>
                    <Badge tone="danger">{a.failed.toLocaleString('en-US')} failed</Badge>
                  </li>
                ))}
              </ul>
            )}
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Paused destinations</CardTitle>
          </CardHeader>
          <CardContent>
            {data.pausedDestinations.length === 0 ? (
              <p className="text-sm text-muted-foreground">Every destination is accepting deliveries.</p>
            ) : (
              <ul className="divide-y divide-border">
                {data.pausedDestinations.map((d) => (
                  <li key={d.host} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                    <span className="font-mono text-xs">{d.host}</span>
                    <span className="text-xs text-muted-foreground">
                      {d.manuallyPaused ? (
                        'paused by an operator'
                      ) : (
                        <>
                          {d.consecutiveFailures} failures in a row · resumes{' '}
                          {d.pausedUntil !== null && <TimeAgo date={d.pausedUntil} />}
                        </>
                      )}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </CardContent>
        </Card>
      </div>
    </div>
  );
}
