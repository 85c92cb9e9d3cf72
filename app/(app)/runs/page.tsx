import type { Metadata } from 'next';
import { RunList } from '@/components/runs/run-list';
import { PageHeader } from '@/components/ui/page-header';
import { requireUser } from '@/lib/auth/session';
import { loadRunsPage } from '@/lib/runs/live';
import { readUrlFilter } from '@/lib/runs/url-filter';
import { bulkRetryAction } from './actions';

export const metadata: Metadata = { title: 'Runs' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function RunsPage({ searchParams }: Props) {
  const user = await requireUser();
  const filter = readUrlFilter(await searchParams);
  const data = loadRunsPage(user, filter);
  return (
    <>
      <PageHeader
        title="Runs"
        description="Every automation applied to every event: what was sent and what came back."
      />
      <RunList
        // A new filter is a new list: remount so live polling and "Load more" start over.
        key={JSON.stringify(filter)}
        filter={filter}
        from={data.from}
        initial={data.items}
        initialCursor={data.nextCursor}
        options={data.options}
        failed={data.failed}
        bulkRetryAction={bulkRetryAction}
      />
    </>
  );
}
