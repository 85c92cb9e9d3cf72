import type { ReactNode } from 'react';
import { PageHeader } from '@/components/ui/page-header';
import { requireUser } from '@/lib/auth/session';
import { SettingsNav } from './settings-nav';

export default async function SettingsLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  return (
    <>
      <PageHeader
        title="Settings"
        description="Your profile, API tokens, secrets and, for administrators, users."
      />
      <SettingsNav isAdmin={user.role === 'admin'} />
      <div className="mt-6">{children}</div>
    </>
  );
}
