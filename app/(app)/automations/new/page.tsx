import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { AutomationEditor } from '@/components/automations/automation-editor';
import { blankAction, defaultTrigger, uid, type Draft } from '@/components/automations/draft';
import { TemplateGallery } from '@/components/automations/template-gallery';
import { PageHeader } from '@/components/ui/page-header';
import { requireUser } from '@/lib/auth/session';
import { AUTOMATION_TEMPLATES, getTemplate } from '@/lib/automations/templates';
import { hookOptions } from '@/lib/automations/summary';
import { saveAutomationAction } from '../actions';

export const metadata: Metadata = { title: 'New automation' };

export default async function NewAutomationPage({
  searchParams,
}: {
  searchParams: Promise<{ template?: string }>;
}) {
  const user = await requireUser();
  const { template: templateId } = await searchParams;
  const breadcrumbs = [{ label: 'Automations', href: '/automations' }];

  if (!templateId) {
    return (
      <>
        <PageHeader
          title="New automation"
          description="Start from a template (each comes with a sample payload, so the preview works at once) or from scratch."
          breadcrumbs={breadcrumbs}
        />
        <TemplateGallery
          templates={AUTOMATION_TEMPLATES.map(({ id, name, description, source, destination }) => ({
            id,
            name,
            description,
            source,
            destination,
          }))}
        />
      </>
    );
  }

  const template = templateId === 'blank' ? null : getTemplate(templateId);
  if (templateId !== 'blank' && !template) notFound();
  const hooks = hookOptions(user.id);
  const initial: Draft = {
    name: template?.name ?? 'New automation',
    enabled: true,
    trigger: defaultTrigger(hooks[0]?.id ?? ''),
    filter: template?.filter ?? '',
    actions: template
      ? template.actions.map((a, i) => ({
          ...blankAction(i),
          uid: uid(),
          name: a.name ?? `Action ${i + 1}`,
          method: a.method,
          url: a.url,
          headers: Object.entries(a.headers ?? {}).map(([key, value]) => ({ key, value })),
          body: a.body ?? '',
          when: a.when ?? '',
        }))
      : [blankAction(0)],
  };
  return (
    <>
      <PageHeader title={template ? template.name : 'New automation'} breadcrumbs={breadcrumbs} />
      <AutomationEditor
        automationId={null}
        version={null}
        initial={initial}
        hooks={hooks}
        userTimezone={user.timezone}
        templateSample={template?.sample ?? null}
        save={saveAutomationAction}
      />
    </>
  );
}
