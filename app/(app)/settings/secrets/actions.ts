'use server';

import { revalidatePath } from 'next/cache';
import { runAction } from '@/lib/api/action';
import { requireActionUser } from '@/lib/auth/session';
import { createSecret, deleteSecret, replaceSecretValue } from '@/lib/secrets/secrets';

export async function createSecretAction(input: { name: string; value: string }) {
  return runAction(async () => {
    const user = await requireActionUser();
    createSecret(user.id, input);
    revalidatePath('/settings/secrets');
  }, 'Secret created');
}

export async function replaceSecretAction(id: string, value: string) {
  return runAction(async () => {
    const user = await requireActionUser();
    replaceSecretValue(user.id, id, { value });
    revalidatePath('/settings/secrets');
  }, 'Secret value replaced');
}

export async function deleteSecretAction(id: string) {
  return runAction(async () => {
    const user = await requireActionUser();
    deleteSecret(user.id, id);
    revalidatePath('/settings/secrets');
  }, 'Secret deleted');
}
