'use server';

import { revalidatePath } from 'next/cache';
import { runAction } from '@/lib/api/action';
import { requireActionUser } from '@/lib/auth/session';
import {
  createAutomation,
  deleteAutomation,
  duplicateAutomation,
  setEnabled,
  updateAutomation,
} from '@/lib/automations/automations';

export async function saveAutomationAction(id: string | null, input: unknown) {
  return runAction(
    async () => {
      const user = await requireActionUser();
      const row = id ? updateAutomation(user.id, id, input) : createAutomation(user.id, input);
      revalidatePath('/automations');
      return { id: row.id, version: row.version };
    },
    id ? 'Automation saved' : 'Automation created',
  );
}

export async function setAutomationEnabledAction(id: string, enabled: boolean) {
  return runAction(
    async () => {
      const user = await requireActionUser();
      setEnabled(user.id, id, enabled);
      revalidatePath('/automations');
    },
    enabled ? 'Automation enabled' : 'Automation disabled',
  );
}

export async function duplicateAutomationAction(id: string) {
  return runAction(async () => {
    const user = await requireActionUser();
    const copy = duplicateAutomation(user.id, id);
    revalidatePath('/automations');
    return copy.id;
  }, 'Automation duplicated (disabled)');
}

export async function deleteAutomationAction(id: string) {
  return runAction(async () => {
    const user = await requireActionUser();
    deleteAutomation(user.id, id);
    revalidatePath('/automations');
  }, 'Automation deleted');
}
