#!/usr/bin/env node
// Builds the web app (web/ → web/dist: console at /, worker H5 at /m) with Vite.
// `--if-stale` skips the build when both index.html files are newer than every source file under
// web/ and package-lock.json (npm start and npm test use it). Prints one line either way.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const webDir = join(repo, 'web');
const distDir = join(webDir, 'dist');
const outputs = [join(distDir, 'index.html'), join(distDir, 'm', 'index.html')];

/** Newest modification time of the files under `dir`, skipping build output and dependencies. */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (path === distDir || entry.name === 'node_modules') continue;
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

export function isStale() {
  const built = outputs.map(mtime);
  if (built.some((time) => time === undefined)) return true;
  const sources = Math.max(newestSource(webDir), mtime(join(repo, 'package-lock.json')) ?? 0);
  return Math.min(...built) <= sources;
}

/** Builds web/dist (or, with ifStale, only when it is missing or older than its sources). Returns whether it built. */
export async function buildWeb({ ifStale = false } = {}) {
  if (ifStale && !isStale()) {
    console.log('web: web/dist is up to date');
    return false;
  }
  const started = Date.now();
  const { build } = await import('vite');
  // Vite bundles React and antd in development mode when NODE_ENV says so (vitest sets "test").
  const callersNodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: join(webDir, 'vite.config.ts'), logLevel: 'warn' });
  } finally {
    if (callersNodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = callersNodeEnv;
  }
  console.log(`web: built web/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildWeb({ ifStale: process.argv.includes('--if-stale') }).catch((error) => {
    console.error(`web: build failed: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  });
}
