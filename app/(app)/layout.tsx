import type { ReactNode } from 'react';
import { AppShell } from '@/components/shell/app-shell';
import { unreadAlertCount } from '@/lib/alerts/alerts';
import { requireUser } from '@/lib/auth/session';

export const dynamic = 'force-dynamic';

export default async function AppLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  return (
    <AppShell
      user={{ email: user.email, name: user.name, role: user.role }}
      unreadAlerts={unreadAlertCount(user.id)}
    >
      {children}
    </AppShell>
  );
}
