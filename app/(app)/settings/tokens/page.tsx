import type { Metadata } from 'next';
import { requireUser } from '@/lib/auth/session';
import { listApiTokens } from '@/lib/users/api-tokens';
import { TokensClient } from './tokens-client';

export const metadata: Metadata = { title: 'API tokens' };

export default async function TokensPage() {
  const user = await requireUser();
  return <TokensClient tokens={listApiTokens(user.id)} />;
}
