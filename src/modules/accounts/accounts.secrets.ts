import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/**
 * Passwords are argon2id; session tokens and API keys are 256 random bits, so a plain SHA-256 of
 * them is as strong as a slow hash and lets every request look them up in one indexed read.
 */
// algorithm 2 is Argon2id (the package's Algorithm enum is a const enum, not importable here).
const ARGON2 = { algorithm: 2 as const, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** Verifying against this keeps "no such user" as slow as "wrong password". */
let dummyHash: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(await dummyHash, password);
}

export function newToken(prefix = ''): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** The CSRF token of a session: bound to it, so it needs no storage and dies with it. */
export function csrfTokenFor(sessionSecret: string, sessionToken: string): string {
  return createHmac('sha256', sessionSecret).update(`csrf:${sessionToken}`).digest('base64url');
}

export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export const API_KEY_PREFIX = 'wgk_';
