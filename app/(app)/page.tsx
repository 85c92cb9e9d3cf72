import type { Metadata } from 'next';
import Link from 'next/link';
import { DashboardView } from '@/components/dashboard/dashboard-view';
import { buttonClasses } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requireUser } from '@/lib/auth/session';
import { getDashboard, parseRange } from '@/lib/runs/dashboard';

export const metadata: Metadata = { title: 'Dashboard' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function DashboardPage({ searchParams }: Props) {
  const user = await requireUser();
  const range = (await searchParams).range;
  const data = getDashboard(user, parseRange(Array.isArray(range) ? range[0] : range));
  return (
    <>
      <PageHeader
        title="Dashboard"
        description={`Welcome${user.name ? `, ${user.name}` : ''}. What came in, what ran, what failed.`}
      />
      {data.hasActivity ? (
        <DashboardView data={data} />
      ) : (
        <EmptyState
          title="Nothing has happened yet"
          description="Create a hook, paste its URL into Stripe, GitHub or any tool that sends webhooks, then add an automation that forwards what arrives."
          action={
            <Link href="/hooks" className={buttonClasses('primary', 'md')}>
              Create a hook
            </Link>
          }
        />
      )}
    </>
  );
}
