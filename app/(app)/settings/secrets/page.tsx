import type { Metadata } from 'next';
import { requireUser } from '@/lib/auth/session';
import { listSecrets } from '@/lib/secrets/secrets';
import { SecretsClient } from './secrets-client';

export const metadata: Metadata = { title: 'Secrets' };

export default async function SecretsPage() {
  const user = await requireUser();
  return <SecretsClient secrets={listSecrets(user.id)} />;
}
