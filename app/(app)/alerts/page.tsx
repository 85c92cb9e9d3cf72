import type { Metadata } from 'next';
import { AlertList } from '@/components/alerts/alert-list';
import { PageHeader } from '@/components/ui/page-header';
import { listAlerts } from '@/lib/alerts/alerts';
import { requireUser } from '@/lib/auth/session';
import { markAlertReadAction, markAllAlertsReadAction } from './actions';

export const metadata: Metadata = { title: 'Alerts' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

function one(v: string | string[] | undefined): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  return s || undefined;
}

export default async function AlertsPage({ searchParams }: Props) {
  const user = await requireUser();
  const params = await searchParams;
  const filter = {
    unread: one(params.unread) === '1' ? '1' : undefined,
    kind: one(params.kind),
    status: one(params.status),
    cursor: one(params.cursor),
  };
  let page: ReturnType<typeof listAlerts>;
  try {
    page = listAlerts(user.id, filter, 50);
  } catch {
    // A hand-edited URL with an unknown filter value shows everything instead of an error page.
    page = listAlerts(user.id, {}, 50);
  }
  return (
    <>
      <PageHeader
        title="Alerts"
        description="Failures, paused destinations and quiet hooks, grouped by cause. Configure rules and channels in Settings → Alerts."
      />
      <AlertList
        items={page.items}
        nextCursor={page.nextCursor}
        filter={{ unread: !!filter.unread, kind: filter.kind ?? '', status: filter.status ?? '' }}
        markReadAction={markAlertReadAction}
        markAllReadAction={markAllAlertsReadAction}
      />
    </>
  );
}
