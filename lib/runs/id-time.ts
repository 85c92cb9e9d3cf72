// Ids are `<prefix>_<10 chars of Crockford base32 milliseconds><16 random chars>` (lib/ids.ts), so a time maps to
// an id bound: every id created at or after `ms` sorts at or above `idFloor(prefix, ms)`. Time filters become id
// ranges on the (user_id, …, id) indexes instead of a scan of created_at.
const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

export function encodeTime(ms: number): string {
  let t = Math.max(0, Math.floor(ms));
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[t % 32] + out;
    t = Math.floor(t / 32);
  }
  return out;
}

export function decodeTime(id: string): number | null {
  const sep = id.indexOf('_');
  const part = id.slice(sep + 1, sep + 11);
  if (part.length !== 10) return null;
  let t = 0;
  for (const c of part) {
    const v = CROCKFORD.indexOf(c);
    if (v < 0) return null;
    t = t * 32 + v;
  }
  return t;
}

export function idFloor(prefix: string, ms: number): string {
  return `${prefix}_${encodeTime(ms)}${'0'.repeat(16)}`;
}
