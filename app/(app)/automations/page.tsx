import type { Metadata } from 'next';
import Link from 'next/link';
import { AutomationList } from '@/components/automations/automation-list';
import { buttonClasses } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { PlusIcon } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';
import { requireUser } from '@/lib/auth/session';
import { listAutomations, parseStoredTrigger } from '@/lib/automations/automations';
import { hookOptions, triggerSummary } from '@/lib/automations/summary';
import { deleteAutomationAction, duplicateAutomationAction, setAutomationEnabledAction } from './actions';

export const metadata: Metadata = { title: 'Automations' };

export default async function AutomationsPage() {
  const user = await requireUser();
  const { items } = listAutomations(user.id, { limit: 200 });
  const hookNames = new Map(hookOptions(user.id).map((h) => [h.id, h.name]));
  const newButton = (
    <Link href="/automations/new" className={buttonClasses('primary')}>
      <PlusIcon /> New automation
    </Link>
  );
  const headerActions = (
    <div className="flex gap-2">
      <Link href="/automations/transfer" className={buttonClasses('secondary')}>
        Import / export
      </Link>
      {newButton}
    </div>
  );
  return (
    <>
      <PageHeader
        title="Automations"
        description="If this, then that: rules that turn events into outgoing requests."
        actions={headerActions}
      />
      {items.length === 0 ? (
        <EmptyState
          title="No automations yet"
          description="An automation takes events from a hook, filters them and sends requests. Start from a template."
          action={newButton}
        />
      ) : (
        <AutomationList
          rows={items.map(({ row, lastRun }) => ({
            id: row.id,
            name: row.name,
            enabled: row.enabled,
            version: row.version,
            triggerSummary: triggerSummary(parseStoredTrigger(row), hookNames),
            lastRun,
          }))}
          setEnabled={setAutomationEnabledAction}
          duplicate={duplicateAutomationAction}
          remove={deleteAutomationAction}
        />
      )}
    </>
  );
}
