'use server';

import { revalidatePath } from 'next/cache';
import { runAction } from '@/lib/api/action';
import { requireActionUser } from '@/lib/auth/session';
import type { ImportOptions } from '@/lib/transfer/schema';
import { importAutomations, previewImport } from '@/lib/transfer/transfer';

export async function previewImportAction(text: string, options: ImportOptions) {
  return runAction(async () => {
    const user = await requireActionUser();
    return previewImport(user, text, options);
  });
}

export async function importAction(text: string, options: ImportOptions) {
  return runAction(async () => {
    const user = await requireActionUser();
    const result = importAutomations(user, text, options);
    revalidatePath('/automations');
    return {
      automations: result.created.automations.length,
      hooks: result.created.hooks.length,
    };
  });
}
