import { getServerSession } from 'next-auth';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { ForbiddenError, UnauthorizedError } from '@/lib/errors';
import { countUsers, getUserById, toSessionUser, type SessionUser } from '@/lib/users/users';
import { authOptions } from './options';

/** The signed-in user of a page or server action, re-checked against the database (disabled, password changed). */
export const getCurrentUser = cache(async (): Promise<SessionUser | null> => {
  const session = await getServerSession(authOptions());
  const claims = session?.user as { id?: string; sv?: number } | undefined;
  if (!claims?.id) return null;
  const user = getUserById(claims.id);
  if (!user || user.disabled || (claims.sv ?? 0) !== user.sessionVersion) return null;
  return toSessionUser(user);
});

/** For pages: redirects to setup (no users yet) or sign-in. */
export async function requireUser(callbackPath?: string): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (user) return user;
  if (countUsers() === 0) redirect('/setup');
  const path = callbackPath ?? (await headers()).get('x-hookline-path');
  redirect(
    path && path !== '/' && !path.startsWith('/_next')
      ? `/signin?callbackUrl=${encodeURIComponent(path)}`
      : '/signin',
  );
}

export async function requireAdminPage(): Promise<SessionUser> {
  const user = await requireUser();
  if (user.role !== 'admin') redirect('/?denied=admin');
  return user;
}

/** For server actions: throws instead of redirecting. */
export async function requireActionUser(): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (!user) throw new UnauthorizedError('Your session has ended. Sign in again.');
  return user;
}

export async function requireActionAdmin(): Promise<SessionUser> {
  const user = await requireActionUser();
  if (user.role !== 'admin') throw new ForbiddenError('Only administrators can do this');
  return user;
}
