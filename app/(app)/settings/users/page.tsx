import type { Metadata } from 'next';
import { AdminOnly } from '@/components/ui/admin-only';
import { requireUser } from '@/lib/auth/session';
import { listUsers } from '@/lib/users/users';
import { UsersClient } from './users-client';

export const metadata: Metadata = { title: 'Users' };

export default async function UsersPage() {
  const user = await requireUser();
  if (user.role !== 'admin') {
    return <AdminOnly hint="Ask an administrator to add or change users." />;
  }
  const users = listUsers().map((u) => ({
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    disabled: u.disabled,
    createdAt: u.createdAt,
  }));
  return <UsersClient users={users} currentUserId={user.id} />;
}
