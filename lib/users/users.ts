import { and, asc, eq, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { users } from '@/db/schema';
import { hashPassword, verifyPassword } from '@/lib/crypto/password';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';
import { newId } from '@/lib/ids';
import { parseInput } from '@/lib/validation';
import {
  changePasswordInput,
  createUserInput,
  profileInput,
  passwordSchema,
  type CreateUserInput,
} from './schema';

export type User = typeof users.$inferSelect;
export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'member';
  timezone: string;
}

export function toSessionUser(u: User): SessionUser {
  return { id: u.id, email: u.email, name: u.name, role: u.role, timezone: u.timezone };
}

export function countUsers(): number {
  return getDb()
    .select({ n: sql<number>`count(*)` })
    .from(users)
    .get()!.n;
}

export function findUserByEmail(email: string): User | undefined {
  return getDb()
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`)
    .get();
}

export function getUserById(id: string): User | undefined {
  return getDb().select().from(users).where(eq(users.id, id)).get();
}

export async function createUser(input: CreateUserInput): Promise<User> {
  const data = parseInput(createUserInput, input);
  if (findUserByEmail(data.email)) {
    throw new ConflictError(`A user with the email ${data.email} already exists`, {
      email: 'Already in use',
    });
  }
  const now = Date.now();
  const row: User = {
    id: newId('usr'),
    email: data.email,
    name: data.name,
    passwordHash: await hashPassword(data.password),
    role: data.role,
    disabled: false,
    sessionVersion: 0,
    timezone: 'UTC',
    createdAt: now,
    updatedAt: now,
  };
  getDb().insert(users).values(row).run();
  return row;
}

/** First-run setup: creates the admin only while there are no users (a second call is refused). */
export async function createFirstAdmin(input: {
  email: string;
  password: string;
  name?: string;
}): Promise<User> {
  if (countUsers() > 0) throw new ForbiddenError('Setup is already complete');
  return createUser({ ...input, role: 'admin' });
}

export function listUsers(): User[] {
  return getDb().select().from(users).orderBy(asc(users.createdAt)).all();
}

export function updateProfile(userId: string, input: unknown): User {
  const data = parseInput(profileInput, input);
  const other = findUserByEmail(data.email);
  if (other && other.id !== userId)
    throw new ConflictError('That email is already in use', { email: 'Already in use' });
  getDb()
    .update(users)
    .set({ name: data.name, email: data.email, timezone: data.timezone, updatedAt: Date.now() })
    .where(eq(users.id, userId))
    .run();
  return getUserById(userId)!;
}

export async function changePassword(userId: string, input: unknown): Promise<void> {
  const data = parseInput(changePasswordInput, input);
  const user = getUserById(userId);
  if (!user) throw new NotFoundError('User');
  if (!(await verifyPassword(data.current, user.passwordHash))) {
    throw new ValidationError('Current password is incorrect', { current: 'Incorrect password' });
  }
  await setPassword(userId, data.password);
}

export async function setPassword(userId: string, password: string): Promise<void> {
  const valid = parseInput(passwordSchema, password);
  const hash = await hashPassword(valid);
  getDb()
    .update(users)
    .set({ passwordHash: hash, sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: Date.now() })
    .where(eq(users.id, userId))
    .run();
}

export function setUserDisabled(actor: SessionUser, userId: string, disabled: boolean): void {
  if (actor.role !== 'admin') throw new ForbiddenError();
  if (actor.id === userId && disabled) throw new ValidationError('You cannot disable your own account');
  const res = getDb()
    .update(users)
    .set({ disabled, sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: Date.now() })
    .where(eq(users.id, userId))
    .run();
  if (res.changes === 0) throw new NotFoundError('User');
}

export function setUserRole(actor: SessionUser, userId: string, role: 'admin' | 'member'): void {
  if (actor.role !== 'admin') throw new ForbiddenError();
  if (actor.id === userId && role !== 'admin')
    throw new ValidationError('You cannot remove your own admin role');
  const res = getDb()
    .update(users)
    .set({ role, updatedAt: Date.now() })
    .where(and(eq(users.id, userId)))
    .run();
  if (res.changes === 0) throw new NotFoundError('User');
}
