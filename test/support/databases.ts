import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DbKind } from '../../src/platform/db/database.ts';

/** The databases this run tests against: SQLite always, PostgreSQL when globalSetup found it. */
export const DATABASES: DbKind[] = process.env.WANGGE_TEST_PG_ADMIN_URL ? ['sqlite', 'postgres'] : ['sqlite'];
export const HAS_POSTGRES = DATABASES.includes('postgres');

/** A fresh, empty place for one test's data: a temp DATA_DIR, and on PostgreSQL a new database. */
export interface Scratch {
  kind: DbKind;
  dataDir: string;
  databaseUrl?: string;
  /** Environment for loadConfig / child processes pointing at this scratch space. */
  env: Record<string, string>;
  dispose(): Promise<void>;
}

export async function scratch(kind: DbKind): Promise<Scratch> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wangge-test-'));
  const env: Record<string, string> = { DATA_DIR: dataDir, LOG_LEVEL: 'silent', HOST: '127.0.0.1', PORT: '0' };
  if (kind === 'sqlite') {
    return { kind, dataDir, env, dispose: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `wg_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(process.env.WANGGE_TEST_PG_ADMIN_URL!);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  env.DATABASE_URL = databaseUrl;
  return {
    kind,
    dataDir,
    databaseUrl,
    env,
    dispose: async () => {
      await adminQuery(`drop database if exists ${name} with (force)`);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.WANGGE_TEST_PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
