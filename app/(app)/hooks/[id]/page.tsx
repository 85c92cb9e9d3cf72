import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { notFound } from 'next/navigation';
import { HookActivity } from '@/components/hooks/hook-activity';
import { LiveEvents } from '@/components/hooks/live-events';
import { requireUser } from '@/lib/auth/session';
import { NotFoundError } from '@/lib/errors';
import { listEvents } from '@/lib/events/events';
import { getHook, requestBaseUrl, toApiHook } from '@/lib/hooks/hooks';
import { silenceStatusForHook } from '@/lib/triggers/status';
import { HookEndpoint } from './hook-endpoint';
import { HookHeader } from './hook-header';
import { HookSettingsForm } from './hook-settings-form';

export const metadata: Metadata = { title: 'Hook' };

type Props = { params: Promise<{ id: string }> };

export default async function HookPage({ params }: Props) {
  const user = await requireUser();
  const { id } = await params;
  let row;
  try {
    row = getHook(user, id);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
  const hook = toApiHook(row, requestBaseUrl(await headers()));
  const { items } = listEvents(user, { hookId: id, limit: 50 });
  return (
    <>
      <HookHeader hook={hook} />
      <div className="space-y-6">
        <HookEndpoint hook={hook} />
        <HookActivity status={silenceStatusForHook(user.id, hook.id)} />
        <LiveEvents hookId={hook.id} initial={items} />
        <HookSettingsForm hook={hook} />
      </div>
    </>
  );
}
