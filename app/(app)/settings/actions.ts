'use server';

import { revalidatePath } from 'next/cache';
import { runAction } from '@/lib/api/action';
import { requireActionAdmin, requireActionUser } from '@/lib/auth/session';
import { createApiToken, revokeApiToken } from '@/lib/users/api-tokens';
import { createUserInput } from '@/lib/users/schema';
import { changePassword, createUser, setPassword, setUserDisabled, updateProfile } from '@/lib/users/users';
import { parseInput } from '@/lib/validation';

export async function updateProfileAction(input: unknown) {
  return runAction(async () => {
    const user = await requireActionUser();
    updateProfile(user.id, input);
    revalidatePath('/', 'layout');
  }, 'Profile saved');
}

export async function changePasswordAction(input: unknown) {
  return runAction(async () => {
    const user = await requireActionUser();
    await changePassword(user.id, input);
  }, 'Password changed. Sign in again with the new password.');
}

export async function createTokenAction(name: string) {
  return runAction(async () => {
    const user = await requireActionUser();
    const { token } = createApiToken(user.id, name);
    revalidatePath('/settings/tokens');
    return token;
  });
}

export async function revokeTokenAction(id: string) {
  return runAction(async () => {
    const user = await requireActionUser();
    revokeApiToken(user.id, id);
    revalidatePath('/settings/tokens');
  }, 'Token revoked');
}

export async function createUserAction(input: unknown) {
  return runAction(async () => {
    await requireActionAdmin();
    const data = parseInput(createUserInput, input);
    await createUser(data);
    revalidatePath('/settings/users');
  }, 'User created');
}

export async function resetPasswordAction(userId: string, password: string) {
  return runAction(async () => {
    await requireActionAdmin();
    await setPassword(userId, password);
  }, 'Password reset');
}

export async function setUserDisabledAction(userId: string, disabled: boolean) {
  return runAction(
    async () => {
      const admin = await requireActionAdmin();
      setUserDisabled(admin, userId, disabled);
      revalidatePath('/settings/users');
    },
    disabled ? 'User disabled' : 'User enabled',
  );
}
