'use server';

import { revalidatePath } from 'next/cache';
import { runAction } from '@/lib/api/action';
import { requireActionAdmin } from '@/lib/auth/session';
import { pruneNow, setRetentionDays } from '@/lib/runs/retention';

export async function saveRetentionAction(input: unknown) {
  return runAction(async () => {
    const admin = await requireActionAdmin();
    const days = setRetentionDays(admin, input);
    revalidatePath('/settings/retention');
    return days;
  }, 'Retention saved');
}

export async function pruneNowAction() {
  return runAction(async () => {
    const admin = await requireActionAdmin();
    const result = await pruneNow(admin);
    revalidatePath('/settings/retention');
    return result;
  });
}
