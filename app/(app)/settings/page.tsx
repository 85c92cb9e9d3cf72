import type { Metadata } from 'next';
import { requireUser } from '@/lib/auth/session';
import { PasswordForm, ProfileForm } from './profile-forms';

export const metadata: Metadata = { title: 'Profile' };

export default async function ProfilePage() {
  const user = await requireUser();
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <ProfileForm user={{ name: user.name, email: user.email, timezone: user.timezone }} />
      <PasswordForm />
    </div>
  );
}
