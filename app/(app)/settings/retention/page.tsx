import type { Metadata } from 'next';
import { requireUser } from '@/lib/auth/session';
import { getRetentionOverview } from '@/lib/runs/retention';
import { RetentionClient } from './retention-client';

export const metadata: Metadata = { title: 'Retention' };

export default async function RetentionPage() {
  const user = await requireUser();
  if (user.role !== 'admin') {
    return (
      <div role="region" aria-labelledby="denied" className="rounded-md border border-border p-8 text-center">
        <h2 id="denied" className="text-lg font-semibold">
          Administrators only
        </h2>
        <p className="mt-1 text-sm text-muted-foreground">
          Ask an administrator to change how long history is kept.
        </p>
      </div>
    );
  }
  return <RetentionClient overview={getRetentionOverview(user)} />;
}
