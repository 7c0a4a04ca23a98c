import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Personal data at rest (DOMAIN.md §10, PIPL): ID numbers, phones and health notes are stored
 * encrypted with AES-256-GCM, and found by exact match through a keyed hash (a "blind index"),
 * never by decrypting a table. Both keys are derived from one master key (PII_KEY) kept outside
 * the database, so a copy of the database alone reveals nothing.
 */
export interface PiiKeys {
  encryption: Buffer;
  index: Buffer;
}

const FORMAT = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function derivePiiKeys(masterKey: string): PiiKeys {
  const master = Buffer.from(masterKey, 'utf8');
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `wangge pii ${info}`, 32));
  return { encryption: derive('encryption'), index: derive('blind index') };
}

/**
 * Encrypts one field. `context` names where the value lives (e.g. `resident.id_number`) and is
 * authenticated with it, so a ciphertext copied into another column or row kind fails to decrypt.
 */
export function encryptField(keys: PiiKeys, plaintext: string, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keys.encryption, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${FORMAT}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
}

export class PiiDecryptError extends Error {}

export function decryptField(keys: PiiKeys, stored: string, context: string): string {
  const [format, payload] = stored.split(':', 2);
  if (format !== FORMAT || !payload) throw new PiiDecryptError(`unknown personal-data format in ${context}`);
  const raw = Buffer.from(payload, 'base64url');
  if (raw.length < IV_BYTES + TAG_BYTES) throw new PiiDecryptError(`truncated personal data in ${context}`);
  const decipher = createDecipheriv('aes-256-gcm', keys.encryption, raw.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new PiiDecryptError(`personal data in ${context} was altered or belongs elsewhere`);
  }
}

/**
 * The keyed hash that finds a value by exact match. Values are normalised first (spaces dropped,
 * letters upper-cased: an ID number's final x and X are the same), and the kind is part of the
 * input, so equal digits in a phone and an ID number do not collide.
 */
export function blindIndex(keys: PiiKeys, kind: string, value: string): string {
  return createHmac('sha256', keys.index)
    .update(`${kind}\u0000${normalise(value)}`)
    .digest('hex');
}

function normalise(value: string): string {
  return value.replace(/[\s-]/g, '').toUpperCase();
}
