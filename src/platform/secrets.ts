import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.ts';

/**
 * The keys the platform needs: SESSION_SECRET (binds CSRF tokens to sessions), AUDIT_KEY (seals the
 * audit chain) and PII_KEY (encrypts personal data at rest). All live outside the database: with
 * the database alone a rewritten chain could not be re-sealed, and personal data stays unreadable. When not given in the environment they are generated once into DATA_DIR/secrets/
 * (mode 0600); several instances on PostgreSQL must be given the same values in the environment.
 */
export interface Secrets {
  sessionSecret: string;
  auditKey: string;
  piiKey: string;
}

export function resolveSecrets(config: Config): Secrets {
  return {
    sessionSecret: config.sessionSecret ?? keyFromFile(config.dataDir, 'session.key'),
    auditKey: config.auditKey ?? keyFromFile(config.dataDir, 'audit.key'),
    piiKey: config.piiKey ?? keyFromFile(config.dataDir, 'pii.key'),
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
