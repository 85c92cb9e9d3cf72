'use client';

import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useTransition } from 'react';
import { toast } from 'sonner';
import { Badge } from '@/components/ui/badge';
import { Button, buttonClasses } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { BellIcon } from '@/components/ui/icons';
import { Select } from '@/components/ui/input';
import { Switch } from '@/components/ui/switch';
import { TimeAgo } from '@/components/ui/time-ago';
import type { ActionResult } from '@/lib/api/action';
import type { AlertView } from '@/lib/alerts/alerts';
import { ALERT_RULE_KINDS, RULE_KINDS } from '@/lib/alerts/kinds';

export interface AlertListFilter {
  unread: boolean;
  kind: string;
  status: string;
}

export function AlertList({
  items,
  nextCursor,
  filter,
  markReadAction,
  markAllReadAction,
}: {
  items: AlertView[];
  nextCursor: string | null;
  filter: AlertListFilter;
  markReadAction: (id: string, read: boolean) => Promise<ActionResult<unknown>>;
  markAllReadAction: () => Promise<ActionResult<unknown>>;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const [pending, startTransition] = useTransition();

  function navigate(next: Partial<AlertListFilter>) {
    const f = { ...filter, ...next };
    const params = new URLSearchParams();
    if (f.unread) params.set('unread', '1');
    if (f.kind) params.set('kind', f.kind);
    if (f.status) params.set('status', f.status);
    const qs = params.toString();
    router.push(qs ? `${pathname}?${qs}` : pathname);
  }

  function run(action: () => Promise<ActionResult<unknown>>) {
    startTransition(async () => {
      const result = await action();
      if (!result.ok) toast.error(result.error);
      else if (result.message) toast.success(result.message);
      router.refresh();
    });
  }

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-4">
        <Switch
          label="Unread only"
          checked={filter.unread}
          onCheckedChange={(v) => navigate({ unread: v })}
        />
        <label className="flex flex-col gap-1 text-sm">
          <span className="font-medium">Rule</span>
          <Select value={filter.kind} onChange={(e) => navigate({ kind: e.target.value })}>
            <option value="">All rules</option>
            {ALERT_RULE_KINDS.map((k) => (
              <option key={k} value={k}>
                {RULE_KINDS[k].label}
              </option>
            ))}
          </Select>
        </label>
        <label className="flex flex-col gap-1 text-sm">
          <span className="font-medium">State</span>
          <Select value={filter.status} onChange={(e) => navigate({ status: e.target.value })}>
            <option value="">Open and resolved</option>
            <option value="open">Open</option>
            <option value="resolved">Resolved</option>
          </Select>
        </label>
        <Button
          variant="secondary"
          className="ml-auto"
          loading={pending}
          onClick={() => run(markAllReadAction)}
        >
          Mark all read
        </Button>
      </div>

      {items.length === 0 ? (
        <EmptyState
          icon={<BellIcon className="size-6" />}
          title="No alerts"
          description="When a run fails, a destination is paused or a hook goes quiet, it shows up here."
        />
      ) : (
        <ul aria-label="Alerts" className="divide-y divide-border rounded-lg border border-border">
          {items.map((a) => (
            <li key={a.id} className={`flex flex-wrap items-start gap-3 p-4 ${a.read ? '' : 'bg-accent/5'}`}>
              <div className="min-w-0 flex-1 space-y-1">
                <div className="flex flex-wrap items-center gap-2">
                  <Badge tone={a.status === 'open' ? 'danger' : 'success'}>
                    {a.status === 'open' ? 'Open' : 'Resolved'}
                  </Badge>
                  <Badge>{RULE_KINDS[a.kind].label}</Badge>
                  {!a.read && <span className="text-xs font-medium text-accent">Unread</span>}
                </div>
                <h2 className="font-medium">{a.title}</h2>
                <p className="text-sm break-words text-muted-foreground">{a.message}</p>
                <p className="text-xs text-muted-foreground">
                  {a.count > 1 ? `${a.count} times, first ` : 'First '}
                  <TimeAgo date={a.firstAt} />, last <TimeAgo date={a.lastAt} />
                  {a.resolvedAt && (
                    <>
                      , resolved <TimeAgo date={a.resolvedAt} />
                    </>
                  )}
                </p>
              </div>
              <div className="flex items-center gap-2">
                {a.link && (
                  <Link href={a.link} className={buttonClasses('secondary', 'sm')}>
                    {a.link.startsWith('/runs') ? 'View failing runs' : 'Open'}
                  </Link>
                )}
                <Button
                  variant="ghost"
                  size="sm"
                  aria-label={`Mark “${a.title}” ${a.read ? 'unread' : 'read'}`}
                  onClick={() => run(() => markReadAction(a.id, !a.read))}
                >
                  {a.read ? 'Mark unread' : 'Mark read'}
                </Button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {nextCursor && (
        <div className="text-center">
          <Link
            className={buttonClasses('secondary', 'sm')}
            href={`${pathname}?${new URLSearchParams({
              ...(filter.unread ? { unread: '1' } : {}),
              ...(filter.kind ? { kind: filter.kind } : {}),
              ...(filter.status ? { status: filter.status } : {}),
              cursor: nextCursor,
            }).toString()}`}
          >
            Older alerts
          </Link>
        </div>
      )}
    </div>
  );
}
