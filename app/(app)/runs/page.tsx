import type { Metadata } from 'next';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requireUser } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Runs' };

export default async function RunsPage() {
  await requireUser();
  return (
    <>
      <PageHeader
        title="Runs"
        description="Every automation applied to every event: what was sent and what came back."
      />
      <EmptyState
        title="No runs yet"
        description="Runs appear here when an event reaches a hook with an enabled automation."
      />
    </>
  );
}
