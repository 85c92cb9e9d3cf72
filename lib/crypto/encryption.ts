import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { encryptionKey } from '@/lib/env';

// AES-256-GCM. The key is derived from HOOKLINE_ENCRYPTION_KEY with SHA-256 so any string length works.
// Format: v1.<iv b64url>.<tag b64url>.<ciphertext b64url>

let cachedKey: { source: string; key: Buffer } | null = null;

function key(): Buffer {
  const source = encryptionKey();
  if (cachedKey?.source !== source) cachedKey = { source, key: createHash('sha256').update(source).digest() };
  return cachedKey.key;
}

export function encrypt(plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(), iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [
    'v1',
    iv.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
    data.toString('base64url'),
  ].join('.');
}

export function decrypt(payload: string): string {
  const [version, iv, tag, data] = payload.split('.');
  if (version !== 'v1' || !data) throw new Error('Unrecognised encrypted value');
  const decipher = createDecipheriv('aes-256-gcm', key(), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}
