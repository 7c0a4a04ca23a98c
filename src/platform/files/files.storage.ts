import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Photos and attachments (DESIGN.md "files"): stored by content — a file's id is the SHA-256 of its
 * bytes — behind this small interface, so S3-compatible storage can follow without touching callers.
 * The same photo uploaded twice is one file; a file never changes once written.
 */
export interface FileStorage {
  /** Stores the bytes (once) and returns their id. Durable when it returns. */
  put(bytes: Buffer, extension: string): Promise<string>;
  /** The bytes of a stored file, or null. */
  get(id: string, extension: string): Promise<Buffer | null>;
  has(id: string, extension: string): Promise<boolean>;
}

export const FILE_ID = /^[0-9a-f]{64}$/;

export function fileIdOf(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Files on the local disk under `DATA_DIR/files/ab/cd/<id>.<ext>`. A write goes to a temporary name,
 * is flushed to disk and renamed, so a crash leaves either the whole file or none. With several
 * instances this directory must be shared (or replaced by object storage).
 */
export function localFileStorage(dataDir: string): FileStorage {
  const root = join(dataDir, 'files');
  const pathOf = (id: string, extension: string) => {
    if (!FILE_ID.test(id) || !/^[a-z0-9]{1,8}$/.test(extension)) throw new Error('not a file id');
    return join(root, id.slice(0, 2), id.slice(2, 4), `${id}.${extension}`);
  };
  return {
    async put(bytes, extension) {
      const id = fileIdOf(bytes);
      const path = pathOf(id, extension);
      if (existsSync(path)) return id;
      mkdirSync(dirname(path), { recursive: true });
      const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
      const handle = openSync(temporary, 'wx', 0o640);
      try {
        writeSync(handle, bytes);
        fsyncSync(handle);
      } finally {
        closeSync(handle);
      }
      renameSync(temporary, path);
      const directory = openSync(dirname(path), 'r');
      try {
        fsyncSync(directory);
      } finally {
        closeSync(directory);
      }
      return id;
    },
    async get(id, extension) {
      const path = pathOf(id, extension);
      return existsSync(path) ? readFileSync(path) : null;
    },
    async has(id, extension) {
      return existsSync(pathOf(id, extension));
    },
  };
}
