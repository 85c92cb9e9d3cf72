import type { Metadata } from 'next';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requireUser } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Automations' };

export default async function AutomationsPage() {
  await requireUser();
  return (
    <>
      <PageHeader
        title="Automations"
        description="If this, then that: rules that turn events into outgoing requests."
      />
      <EmptyState
        title="No automations yet"
        description="An automation takes events from a hook, filters them and sends requests. Create a hook first, then an automation on it."
      />
    </>
  );
}
