'use server';

import { revalidatePath } from 'next/cache';
import { runAction } from '@/lib/api/action';
import { requireActionUser } from '@/lib/auth/session';
import { updateDestination } from '@/lib/destinations/destinations';

export async function updateDestinationAction(host: string, input: unknown) {
  return runAction(async () => {
    const user = await requireActionUser();
    const view = updateDestination(user, String(host), input);
    revalidatePath('/destinations');
    return view.paused;
  }, 'Destination updated');
}
