import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { EventDetailView } from '@/components/hooks/event-detail';
import { PageHeader } from '@/components/ui/page-header';
import { requireUser } from '@/lib/auth/session';
import { NotFoundError } from '@/lib/errors';
import { getEvent } from '@/lib/events/events';
import { getHook } from '@/lib/hooks/hooks';
import { ReplayButton } from './replay-button';

export const metadata: Metadata = { title: 'Request' };

type Props = { params: Promise<{ id: string; eventId: string }> };

export default async function EventPage({ params }: Props) {
  const user = await requireUser();
  const { id, eventId } = await params;
  let hook, event;
  try {
    hook = getHook(user, id);
    event = getEvent(user, eventId);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
  if (event.hookId !== hook.id) notFound();
  return (
    <>
      <PageHeader
        breadcrumbs={[
          { label: 'Hooks', href: '/hooks' },
          { label: hook.name, href: `/hooks/${hook.id}` },
        ]}
        title={`${event.method} request`}
        description={`Received on ${hook.name}.`}
      />
      <EventDetailView
        event={event}
        actions={event.outcome === 'accepted' ? <ReplayButton eventId={event.id} /> : undefined}
      />
    </>
  );
}
