'use server';

import { runAction, type ActionResult } from '@/lib/api/action';
import { setupInput } from '@/lib/users/schema';
import { createFirstAdmin } from '@/lib/users/users';
import { parseInput } from '@/lib/validation';

export async function setupAction(input: unknown): Promise<ActionResult> {
  return runAction(async () => {
    const data = parseInput(setupInput, input);
    await createFirstAdmin(data);
    return undefined;
  });
}
