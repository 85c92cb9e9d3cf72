'use server';

import { revalidatePath } from 'next/cache';
import { runAction } from '@/lib/api/action';
import { createChannel, deleteChannel, sendTestNotice, updateChannel } from '@/lib/alerts/channels';
import { updateRule } from '@/lib/alerts/rules';
import { requireActionUser } from '@/lib/auth/session';
import { AppError } from '@/lib/errors';

export async function updateRuleAction(kind: string, input: unknown) {
  return runAction(async () => {
    const user = await requireActionUser();
    updateRule(user.id, kind, input);
    revalidatePath('/settings/alerts');
  }, 'Rule saved');
}

export async function createChannelAction(input: unknown) {
  return runAction(async () => {
    const user = await requireActionUser();
    createChannel(user.id, input);
    revalidatePath('/settings/alerts');
  }, 'Channel added');
}

export async function updateChannelAction(id: string, input: unknown) {
  return runAction(async () => {
    const user = await requireActionUser();
    updateChannel(user.id, String(id), input);
    revalidatePath('/settings/alerts');
  }, 'Channel saved');
}

export async function deleteChannelAction(id: string) {
  return runAction(async () => {
    const user = await requireActionUser();
    deleteChannel(user.id, String(id));
    revalidatePath('/settings/alerts');
  }, 'Channel deleted');
}

export async function sendTestAction(id: string) {
  return runAction(async () => {
    const user = await requireActionUser();
    const result = await sendTestNotice(user.id, String(id));
    if (!result.ok) throw new AppError(result.message, 502);
    return result.message;
  }, 'Test notification sent');
}
