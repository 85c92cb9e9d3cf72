import type { Metadata } from 'next';
import Link from 'next/link';
import { buttonClasses } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requireUser } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Dashboard' };

export default async function DashboardPage() {
  const user = await requireUser();
  return (
    <>
      <PageHeader
        title="Dashboard"
        description={`Welcome${user.name ? `, ${user.name}` : ''}. What came in, what ran, what failed.`}
      />
      <EmptyState
        title="Nothing has happened yet"
        description="Create a hook, paste its URL into Stripe, GitHub or any tool that sends webhooks, then add an automation that forwards what arrives."
        action={
          <Link href="/hooks" className={buttonClasses('primary', 'md')}>
            Create a hook
          </Link>
        }
      />
    </>
  );
}
