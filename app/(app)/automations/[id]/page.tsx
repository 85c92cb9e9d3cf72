import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { AutomationEditor } from '@/components/automations/automation-editor';
import { draftFromAutomation, type EditorAutomation } from '@/components/automations/draft';
import { TriggerStatus } from '@/components/automations/trigger-status';
import { PageHeader } from '@/components/ui/page-header';
import { requireUser } from '@/lib/auth/session';
import { getAutomation, toApiAutomation } from '@/lib/automations/automations';
import { hookOptions } from '@/lib/automations/summary';
import { NotFoundError } from '@/lib/errors';
import { getTriggerStatus, type TriggerStatus as TriggerStatusData } from '@/lib/triggers/status';
import { saveAutomationAction } from '../actions';

export const metadata: Metadata = { title: 'Automation' };

export default async function AutomationPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  let automation: EditorAutomation;
  let triggerStatus: TriggerStatusData | null;
  try {
    automation = toApiAutomation(getAutomation(user.id, id)) as EditorAutomation;
    triggerStatus = getTriggerStatus(user.id, id);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
  return (
    <>
      <PageHeader title={automation.name} breadcrumbs={[{ label: 'Automations', href: '/automations' }]} />
      {triggerStatus && (
        <div className="mb-6">
          <TriggerStatus status={triggerStatus} />
        </div>
      )}
      <AutomationEditor
        key={`${automation.id}-${automation.version}`}
        automationId={automation.id}
        version={automation.version}
        initial={draftFromAutomation(automation)}
        hooks={hookOptions(user.id)}
        userTimezone={user.timezone}
        templateSample={null}
        save={saveAutomationAction}
      />
    </>
  );
}
