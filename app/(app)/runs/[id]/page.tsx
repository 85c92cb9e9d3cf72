import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { RunTimeline } from '@/components/runs/run-timeline';
import { PageHeader } from '@/components/ui/page-header';
import { requireUser } from '@/lib/auth/session';
import { NotFoundError } from '@/lib/errors';
import { getRunTimeline, type RunTimeline as Timeline } from '@/lib/runs/detail';
import { replayRunEventAction, retryRunAction } from '../actions';

export const metadata: Metadata = { title: 'Run' };

type Props = { params: Promise<{ id: string }> };

export default async function RunPage({ params }: Props) {
  const user = await requireUser();
  const { id } = await params;
  let timeline: Timeline;
  try {
    timeline = getRunTimeline(user, id);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
  const { run, event } = timeline;
  return (
    <>
      <PageHeader
        breadcrumbs={[{ label: 'Runs', href: '/runs' }]}
        title={run.automationName ?? 'Run'}
        description={`Run ${run.id}`}
      />
      <RunTimeline
        initial={run}
        event={event}
        retryAction={retryRunAction}
        replayAction={replayRunEventAction}
      />
    </>
  );
}
