import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/page-header';
import { requireUser } from '@/lib/auth/session';
import { listAutomations, parseStoredTrigger } from '@/lib/automations/automations';
import { hookOptions, triggerSummary } from '@/lib/automations/summary';
import { TransferClient } from './transfer-client';

export const metadata: Metadata = { title: 'Import and export' };

export default async function TransferPage() {
  const user = await requireUser();
  const { items } = listAutomations(user.id, { limit: 200 });
  const hookNames = new Map(hookOptions(user.id).map((h) => [h.id, h.name]));
  return (
    <>
      <PageHeader
        title="Import and export"
        breadcrumbs={[{ label: 'Automations', href: '/automations' }]}
        description="Move automations, with the hooks they listen on, between accounts or installations as one JSON file. Secrets are never exported."
      />
      <TransferClient
        automations={items.map(({ row }) => ({
          id: row.id,
          name: row.name,
          trigger: triggerSummary(parseStoredTrigger(row), hookNames),
        }))}
      />
    </>
  );
}
