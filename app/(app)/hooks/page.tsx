import type { Metadata } from 'next';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requireUser } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Hooks' };

export default async function HooksPage() {
  await requireUser();
  return (
    <>
      <PageHeader
        title="Hooks"
        description="Incoming webhook URLs to paste into the tools that send events."
      />
      <EmptyState
        title="No hooks yet"
        description="A hook is a URL that receives webhooks. Create one to get started."
      />
    </>
  );
}
