import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.ts';

/**
 * The two keys the platform needs: SESSION_SECRET (binds CSRF tokens to sessions) and AUDIT_KEY
 * (seals the audit chain). The audit key must live outside the database, or a rewritten chain could
 * be re-sealed. When not given in the environment they are generated once into DATA_DIR/secrets/
 * (mode 0600); several instances on PostgreSQL must be given the same values in the environment.
 */
export interface Secrets {
  sessionSecret: string;
  auditKey: string;
}

export function resolveSecrets(config: Config): Secrets {
  return {
    sessionSecret: config.sessionSecret ?? keyFromFile(config.dataDir, 'session.key'),
    auditKey: config.auditKey ?? keyFromFile(config.dataDir, 'audit.key'),
  };
}

function keyFromFile(dataDir: string, name: string): string {
  const dir = join(dataDir, 'secrets');
  const file = join(dir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32).toString('base64url');
  writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return key;
}
