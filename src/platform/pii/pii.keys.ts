import type { Platform } from '../context.ts';
import { derivePiiKeys, type PiiKeys } from './pii.crypto.ts';

const keysByPlatform = new WeakMap<Platform, PiiKeys>();

/** The personal-data keys of a running platform, derived once from PII_KEY. */
export function piiKeysOf(platform: Platform): PiiKeys {
  let keys = keysByPlatform.get(platform);
  if (!keys) keysByPlatform.set(platform, (keys = derivePiiKeys(platform.secrets.piiKey)));
  return keys;
}
