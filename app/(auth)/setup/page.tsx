import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { countUsers } from '@/lib/users/users';
import { SetupForm } from './setup-form';

export const metadata: Metadata = { title: 'Set up Hookline' };
export const dynamic = 'force-dynamic';

export default function SetupPage() {
  if (countUsers() > 0) redirect('/signin');
  return <SetupForm />;
}
