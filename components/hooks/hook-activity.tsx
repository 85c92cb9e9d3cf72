import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { TimeAgo } from '@/components/ui/time-ago';
import type { HookSilenceStatus } from '@/lib/triggers/status';

/** "Last event N minutes ago" and the state of each silence trigger watching this hook. */
export function HookActivity({ status }: { status: HookSilenceStatus }) {
  return (
    <section aria-labelledby="hook-activity" className="rounded-md border border-border p-4 text-sm">
      <h2 id="hook-activity" className="sr-only">
        Activity
      </h2>
      <p>
        <span className="text-muted-foreground">Last event </span>
        {status.lastEventAt ? <TimeAgo date={status.lastEventAt} /> : <span>never</span>}
      </p>
      {status.triggers.length > 0 && (
        <ul className="mt-2 space-y-1">
          {status.triggers.map((s) => (
            <li key={s.automationId} className="flex flex-wrap items-center gap-2">
              <span className="text-muted-foreground">Silence trigger</span>
              <Link
                href={`/automations/${s.automationId}`}
                className="font-medium underline-offset-2 hover:underline"
              >
                {s.name}
              </Link>
              {!s.enabled ? (
                <Badge tone="neutral">Disabled</Badge>
              ) : s.armed ? (
                <Badge tone="success">Armed</Badge>
              ) : (
                <Badge tone="warning">Fired</Badge>
              )}
              {s.enabled && s.armed && s.firesAt && (
                <span className="text-muted-foreground">
                  fires <TimeAgo date={s.firesAt} /> if nothing arrives
                </span>
              )}
              {!s.armed && s.lastFiredAt && (
                <span className="text-muted-foreground">
                  fired <TimeAgo date={s.lastFiredAt} />; re-arms on the next event
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
