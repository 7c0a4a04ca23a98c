// A demo city (`wangge demo --scale N`) built once and kept for later benchmark runs: building ten
// districts takes minutes, so the database is cached in the temp directory under a key of the demo's
// sources (src/demo/**) and the scale. Migrations are not in the key: the server migrates on start,
// so a new migration (an index, say) applies to the cached database without rebuilding it.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { cp, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import pg from 'pg';
import os from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    })
    .sort();
}

/** The cache key: the demo generator's sources, the scale and the demo password. */
export function demoCityKey(scale: number, password: string): string {
  const hash = createHash('sha256').update(`${scale}\n${password}\n`);
  for (const file of [...filesUnder(join(ROOT, 'src', 'demo')), join(ROOT, 'src', 'cli', 'demo.ts')]) {
    hash.update(relative(ROOT, file)).update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

export interface CachedCity {
  /** A DATA_DIR holding the city's SQLite database (or, on PostgreSQL, only its secrets). */
  dataDir: string;
  /** On PostgreSQL: the database holding the city, used as a template for each run's copy. */
  databaseUrl?: string;
  /** Seconds the build took, when it was built in this run. */
  builtSeconds: number | null;
}

/**
 * The cached DATA_DIR of a demo city of `scale` districts, built with `wangge demo --scale` when
 * missing (into a scratch directory renamed at the end, so an interrupted build is never reused).
 */
export async function cachedDemoCity(scale: number, password: string, log: (line: string) => void): Promise<CachedCity> {
  const dataDir = join(os.tmpdir(), `wangge-bench-city${scale}-${demoCityKey(scale, password)}`);
  if (existsSync(join(dataDir, 'wangge.sqlite'))) return { dataDir, builtSeconds: null };
  const scratch = `${dataDir}.building-${process.pid}`;
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });
  log(`building the demo city of ${scale} districts into ${dataDir} (once; minutes)...`);
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: scratch, WANGGE_DEMO: '0', DEMO_PASSWORD: password, LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  const started = performance.now();
  execFileSync(process.execPath, ['bin/wangge.js', 'demo', '--scale', String(scale)], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const builtSeconds = (performance.now() - started) / 1000;
  await rename(scratch, dataDir);
  return { dataDir, builtSeconds };
}

/** A throwaway copy of a cached city, so a benchmark's sessions and users never land in the cache. */
export async function copyOfCity(city: CachedCity, into: string): Promise<string> {
  await cp(city.dataDir, into, { recursive: true });
  return into;
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL (BENCH_PG_URL): the city in a database of its own, copied per run with CREATE DATABASE ...
// TEMPLATE; its secrets (the keys of the sealed personal data) in a DATA_DIR beside it.

async function adminQuery(adminUrl: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The demo city on PostgreSQL, built with `wangge demo --scale` into its own database when missing. */
export async function cachedDemoCityOnPostgres(
  scale: number,
  password: string,
  adminUrl: string,
  log: (line: string) => void,
): Promise<CachedCity> {
  const key = demoCityKey(scale, password);
  const name = `wangge_bench_city${scale}_${key}`;
  const dataDir = join(os.tmpdir(), `wangge-bench-city${scale}-pg-${key}`);
  const complete = join(dataDir, 'complete');
  if (existsSync(complete)) return { dataDir, databaseUrl: databaseUrl(adminUrl, name), builtSeconds: null };
  const scratch = `${name}_building`;
  await adminQuery(adminUrl, `drop database if exists ${scratch} with (force)`);
  await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
  await adminQuery(adminUrl, `create database ${scratch}`);
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });
  log(`building the demo city of ${scale} districts into PostgreSQL database ${name} (once; minutes)...`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl(adminUrl, scratch),
    WANGGE_DEMO: '0',
    DEMO_PASSWORD: password,
    LOG_LEVEL: 'warn',
  };
  const started = performance.now();
  execFileSync(process.execPath, ['bin/wangge.js', 'demo', '--scale', String(scale)], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const builtSeconds = (performance.now() - started) / 1000;
  await adminQuery(databaseUrl(adminUrl, scratch), 'vacuum analyze');
  await adminQuery(adminUrl, `alter database ${scratch} rename to ${name}`);
  await writeFile(complete, `${new Date().toISOString()}\n`);
  return { dataDir, databaseUrl: databaseUrl(adminUrl, name), builtSeconds };
}

/** A throwaway copy of a cached PostgreSQL city (a database made from it as a template) and of its secrets. */
export async function copyOfCityOnPostgres(
  city: CachedCity,
  adminUrl: string,
  into: string,
): Promise<{ dataDir: string; databaseUrl: string; drop: () => Promise<void> }> {
  const template = new URL(city.databaseUrl!).pathname.slice(1);
  const name = `wangge_bench_run_${process.pid}`;
  await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
  await adminQuery(adminUrl, `create database ${name} template ${template}`);
  await cp(city.dataDir, into, { recursive: true });
  return {
    dataDir: into,
    databaseUrl: databaseUrl(adminUrl, name),
    drop: async () => void (await adminQuery(adminUrl, `drop database if exists ${name} with (force)`)),
  };
}
