import { randomBytes, randomFillSync } from 'node:crypto';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';
let lastTime = 0;
let lastRandom: Uint8Array = new Uint8Array(10);

// Random bytes for ids drawn from a pool refilled 4 KiB at a time (as crypto.randomUUID does): one call into the
// CSPRNG per id cost the delivery thread ~1.5%.
const pool = new Uint8Array(4096);
let poolAt = pool.length;
function randomTen(): Uint8Array {
  if (poolAt + 10 > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  return pool.slice(poolAt, (poolAt += 10));
}

/**
 * Time-sortable ids (ULID layout, lower-case) with a type prefix: `evt_01j…`. Ids created later in the same
 * process sort later, so `ORDER BY id DESC` is newest-first and doubles as the keyset cursor.
 */
export function newId(prefix: string): string {
  let now = Date.now();
  if (now <= lastTime) {
    now = lastTime;
    // Same millisecond: increment the random part so ids stay strictly increasing.
    for (let i = lastRandom.length - 1; i >= 0; i--) {
      if (lastRandom[i] === 255) {
        lastRandom[i] = 0;
        continue;
      }
      lastRandom[i]++;
      break;
    }
  } else {
    lastTime = now;
    lastRandom = randomTen();
  }
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  // 80 random bits as 16 base-32 digits, most significant first.
  let rand = '';
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < lastRandom.length; i++) {
    acc = ((acc << 8) | lastRandom[i]!) & 0x1fff; // never more than 12 bits are pending
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      rand += CROCKFORD[(acc >> bits) & 31];
    }
  }
  return `${prefix}_${time}${rand}`;
}

/** URL-safe random token with `bytes` of entropy. */
export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
