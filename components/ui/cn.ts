/** Joins class names, skipping falsy parts. No conflict resolution: later classes do not override earlier ones. */
export function cn(...parts: Array<string | false | null | undefined>): string {
  return parts.filter(Boolean).join(' ');
}
