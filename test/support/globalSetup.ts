import pg from 'pg';

/**
 * Decides once per run which real services the suites can use. PostgreSQL is mandatory in CI
 * (CI=true); elsewhere a missing server skips the PostgreSQL half of every suite with a loud line.
 */
const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export default async function setup(): Promise<void> {
  const adminUrl = process.env.WANGGE_TEST_PG_ADMIN_URL ?? DEFAULT_ADMIN_URL;
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    process.env.WANGGE_TEST_PG_ADMIN_URL = adminUrl;
  } catch (error) {
    if (process.env.CI === 'true') {
      throw new Error(`PostgreSQL is required in CI but ${adminUrl} is not reachable: ${(error as Error).message}`, { cause: error });
    }
    delete process.env.WANGGE_TEST_PG_ADMIN_URL;
    console.warn(`\n!!! SKIPPING the PostgreSQL suites: ${adminUrl} is not reachable (${(error as Error).message}) !!!\n`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
