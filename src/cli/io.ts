import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { AppError } from '../platform/http/errors.ts';
import { ConfigError } from '../platform/config.ts';

/** Reads a password from a file (first line), from a hidden terminal prompt (asked twice), or from piped stdin. */
export async function readPassword(file: string | undefined, what: string): Promise<string> {
  if (file) return readFileSync(file, 'utf8').split(/\r?\n/)[0];
  if (!process.stdin.isTTY) return (await readStdin()).split(/\r?\n/)[0];
  const first = await askHidden(`${what}: `);
  const second = await askHidden(`${what} (again): `);
  if (first !== second) throw new CliError('the two passwords differ');
  return first;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function askHidden(prompt: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stdout.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(prompt, (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

export class CliError extends Error {}

/** Runs a command action, turning expected failures into one line on stderr and exit code 1. */
export function action<A extends unknown[]>(run: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await run(...args);
    } catch (error) {
      if (error instanceof AppError) process.stderr.write(`error: ${error.message} (${error.code})\n`);
      else if (error instanceof CliError || error instanceof ConfigError) process.stderr.write(`error: ${error.message}\n`);
      else throw error;
      process.exitCode = 1;
    }
  };
}

export function printTable(rows: Record<string, unknown>[]): void {
  if (rows.length === 0) {
    process.stdout.write('(none)\n');
    return;
  }
  const keys = Object.keys(rows[0]);
  const widths = keys.map((k) => Math.max(width(k), ...rows.map((r) => width(String(r[k] ?? '')))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c + ' '.repeat(widths[i] - width(c)))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${line(keys)}\n${rows.map((r) => line(keys.map((k) => String(r[k] ?? '')))).join('\n')}\n`);
}

/** Display width: CJK characters take two columns in a terminal. */
function width(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u2e80-\uffff]/.test(ch) ? 2 : 1;
  return w;
}
