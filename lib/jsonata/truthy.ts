/** JSONata's effective boolean value ($boolean), with undefined (no match) counted as false. */
export function isTruthy(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (Array.isArray(v)) return v.length === 1 ? isTruthy(v[0]) : v.some(isTruthy);
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'string':
      return v.length > 0;
    case 'number':
      return v !== 0 && !Number.isNaN(v);
    case 'object':
      return Object.keys(v).length > 0;
    default:
      return false; // functions
  }
}
