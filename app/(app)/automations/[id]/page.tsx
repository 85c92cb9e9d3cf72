import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { AutomationEditor } from '@/components/automations/automation-editor';
import { draftFromAutomation, type EditorAutomation } from '@/components/automations/draft';
import { PageHeader } from '@/components/ui/page-header';
import { requireUser } from '@/lib/auth/session';
import { getAutomation, toApiAutomation } from '@/lib/automations/automations';
import { hookOptions } from '@/lib/automations/summary';
import { NotFoundError } from '@/lib/errors';
import { saveAutomationAction } from '../actions';

export const metadata: Metadata = { title: 'Automation' };

export default async function AutomationPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  let automation: EditorAutomation;
  try {
    automation = toApiAutomation(getAutomation(user.id, id)) as EditorAutomation;
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
  return (
    <>
      <PageHeader title={automation.name} breadcrumbs={[{ label: 'Automations', href: '/automations' }]} />
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
