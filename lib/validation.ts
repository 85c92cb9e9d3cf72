import type { z } from 'zod';
import { ValidationError } from './errors';

/** Parses input at a boundary; a failure becomes a ValidationError with per-field messages. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, prefix?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw ValidationError.fromZod(result.error, prefix);
  return result.data;
}
