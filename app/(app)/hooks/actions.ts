'use server';

import { revalidatePath } from 'next/cache';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { runAction } from '@/lib/api/action';
import { requireActionUser } from '@/lib/auth/session';
import { ValidationError } from '@/lib/errors';
import { replayEvent } from '@/lib/events/events';
import {
  createHook,
  deleteHook,
  regenerateHookToken,
  requestBaseUrl,
  toApiHook,
  updateHook,
} from '@/lib/hooks/hooks';
import { sendTestEvent } from '@/lib/hooks/test-event';

function refresh(id?: string) {
  revalidatePath('/hooks');
  if (id) revalidatePath(`/hooks/${id}`);
}

export async function createHookAction(input: unknown) {
  return runAction(async () => {
    const user = await requireActionUser();
    const hook = createHook(user, input);
    refresh();
    return { id: hook.id };
  }, 'Hook created');
}

export async function updateHookAction(id: string, input: unknown) {
  return runAction(async () => {
    const user = await requireActionUser();
    const hook = updateHook(user, id, input);
    refresh(id);
    return toApiHook(hook, requestBaseUrl(await headers()));
  }, 'Hook saved');
}

export async function deleteHookAction(id: string) {
  return runAction(async () => {
    const user = await requireActionUser();
    deleteHook(user, id);
    refresh();
    // Redirect from here: refreshing the deleted hook's own page first would flash a 404.
    redirect('/hooks');
  });
}

export async function regenerateHookTokenAction(id: string) {
  return runAction(async () => {
    const user = await requireActionUser();
    const hook = regenerateHookToken(user, id);
    refresh(id);
    return toApiHook(hook, requestBaseUrl(await headers())).url;
  }, 'New URL created. The old one no longer works.');
}

export async function sendTestEventAction(id: string) {
  return runAction(async () => {
    const user = await requireActionUser();
    return sendTestEvent(user, id);
  });
}

export async function replayEventAction(eventId: string) {
  return runAction(async () => {
    const user = await requireActionUser();
    const { runIds } = replayEvent(user, eventId);
    if (runIds.length === 0) {
      throw new ValidationError('No enabled automation uses this hook, so there is nothing to run.');
    }
    revalidatePath('/hooks/[id]/events/[eventId]', 'page');
    return runIds;
  });
}
