import type { Metadata } from 'next';
import { requireUser } from '@/lib/auth/session';
import { listUsers } from '@/lib/users/users';
import { UsersClient } from './users-client';

export const metadata: Metadata = { title: 'Users' };

export default async function UsersPage() {
  const user = await requireUser();
  if (user.role !== 'admin') {
    return (
      <div role="region" aria-labelledby="denied" className="rounded-md border border-border p-8 text-center">
        <h2 id="denied" className="text-lg font-semibold">
          Administrators only
        </h2>
        <p className="mt-1 text-sm text-muted-foreground">Ask an administrator to add or change users.</p>
      </div>
    );
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
