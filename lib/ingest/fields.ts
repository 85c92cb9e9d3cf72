export type FieldMap = Record<string, string | string[]>;

/** Repeated keys become arrays; defineProperty keeps a `__proto__` key an ordinary field. */
export function addField(fields: FieldMap, name: string, value: string): void {
  const existing = Object.hasOwn(fields, name) ? fields[name] : undefined;
  if (Array.isArray(existing)) {
    existing.push(value);
    return;
  }
  const next = existing === undefined ? value : [existing, value];
  Object.defineProperty(fields, name, { value: next, enumerable: true, writable: true, configurable: true });
}
