'use server';

import { revalidatePath } from 'next/cache';
import { runAction } from '@/lib/api/action';
import { markAlertRead, markAllAlertsRead } from '@/lib/alerts/alerts';
import { requireActionUser } from '@/lib/auth/session';

export async function markAlertReadAction(id: string, read: boolean) {
  return runAction(async () => {
    const user = await requireActionUser();
    markAlertRead(user.id, String(id), !!read);
    revalidatePath('/alerts');
  });
}

export async function markAllAlertsReadAction() {
  return runAction(async () => {
    const user = await requireActionUser();
    markAllAlertsRead(user.id);
    revalidatePath('/alerts');
  }, 'All alerts marked read');
}
