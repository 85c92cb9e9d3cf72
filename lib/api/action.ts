import { AppError } from '@/lib/errors';

export type ActionResult<T = undefined> =
  { ok: true; data?: T; message?: string } | { ok: false; error: string; fields?: Record<string, string> };

/** Runs a server action body, mapping typed errors to a result the form can show (never a raw stack). */
export async function runAction<T>(fn: () => Promise<T> | T, message?: string): Promise<ActionResult<T>> {
  try {
    const data = await fn();
    return { ok: true, data, message };
  } catch (error) {
    if (error instanceof AppError) return { ok: false, error: error.message, fields: error.fields };
    // redirect()/notFound() from next/navigation must propagate.
    if (error && typeof error === 'object' && 'digest' in error) throw error;
    console.error('Server action failed', error);
    return { ok: false, error: 'Something went wrong. Try again.' };
  }
}
