import type { ExpressionError } from './types';

export function toPlain(value: unknown): unknown;
export function toError(err: unknown, timeoutMs?: number): ExpressionError;
export const MAX_DEPTH: number;
export const MAX_SEQUENCE: number;
