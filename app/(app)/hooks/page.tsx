import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { HooksList } from '@/components/hooks/hooks-list';
import { NewHookButton } from './new-hook-button';
import { EmptyState } from '@/components/ui/empty-state';
import { WebhookIcon } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';
import { requireUser } from '@/lib/auth/session';
import { hookStats, listHooks, requestBaseUrl, toApiHook } from '@/lib/hooks/hooks';

export const metadata: Metadata = { title: 'Hooks' };

export default async function HooksPage() {
  const user = await requireUser();
  const base = requestBaseUrl(await headers());
  const { items } = listHooks(user, { limit: 200 });
  const stats = hookStats(
    user,
    items.map((h) => h.id),
  );
  const rows = items.map((h) => ({
    ...toApiHook(h, base),
    stats: stats.get(h.id) ?? { accepted: 0, duplicate: 0, rejected: 0 },
  }));
  return (
    <>
      <PageHeader
        title="Hooks"
        description="Incoming webhook URLs to paste into the tools that send events."
        actions={rows.length > 0 ? <NewHookButton /> : undefined}
      />
      {rows.length === 0 ? (
        <EmptyState
          icon={<WebhookIcon />}
          title="No hooks yet"
          description="A hook is a URL that receives webhooks. Create one, paste its URL into Stripe, GitHub or any tool that sends webhooks, and watch the requests arrive here."
          action={<NewHookButton />}
        />
      ) : (
        <HooksList hooks={rows} />
      )}
    </>
  );
}
