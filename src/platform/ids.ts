import { randomFillSync } from 'node:crypto';
import { monotonicFactory, type ULIDFactory } from 'ulid';

/**
 * ULIDs in creation order (monotonic within a millisecond), drawing their randomness from the same
 * CSPRNG as ulid's default, 4 KiB at a time: the default asks `crypto.getRandomValues` for one byte
 * per character, sixteen calls per id, which was 8 % of a case report's CPU time.
 */
const pool = Buffer.alloc(4096);
let next = pool.length;

function pooledRandom(): number {
  if (next >= pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  return pool[next++] / 256;
}

/** A monotonic ULID generator (ulid's `monotonicFactory`) on the pooled CSPRNG. */
export function ulidFactory(): ULIDFactory {
  return monotonicFactory(pooledRandom);
}
