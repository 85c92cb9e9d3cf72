import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/auth/session';
import { countUsers } from '@/lib/users/users';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

function safeCallback(url: string | undefined): string {
  // Only same-site paths: an open redirect after sign-in is a phishing aid.
  return url && url.startsWith('/') && !url.startsWith('//') ? url : '/';
}

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string>>;
}) {
  if (countUsers() === 0) redirect('/setup');
  const params = await searchParams;
  const callbackUrl = safeCallback(params.callbackUrl);
  if (await getCurrentUser()) redirect(callbackUrl);
  return (
    <SignInForm
      callbackUrl={callbackUrl}
      initialError={params.error && params.error !== 'SessionRequired' ? params.error : undefined}
    />
  );
}
