import type { Metadata } from 'next';
import { AdminOnly } from '@/components/ui/admin-only';
import { requireUser } from '@/lib/auth/session';
import { getRetentionOverview } from '@/lib/runs/retention';
import { RetentionClient } from './retention-client';

export const metadata: Metadata = { title: 'Retention' };

export default async function RetentionPage() {
  const user = await requireUser();
  if (user.role !== 'admin') {
    return <AdminOnly hint="Ask an administrator to change how long history is kept." />;
  }
  return <RetentionClient overview={getRetentionOverview(user)} />;
}
