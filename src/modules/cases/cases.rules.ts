import { isUniqueViolation } from '../../platform/db/dialect.ts';
import type { Platform } from '../../platform/context.ts';
import { conflict, unprocessable } from '../../platform/http/errors.ts';
import { missingFiles } from '../files/files.queries.ts';

/**
 * A write that the database's unique index may refuse (two editors racing, or a name already
 * taken): the refusal becomes a 409 with a stable code instead of a 500.
 */
export async function keepingUnique<T>(write: Promise<T>, code: string, message: string): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(code, message);
    throw error;
  }
}

/** Attachments must be files already uploaded: a case never points at a photo that is not there. */
export async function requireAttachments(platform: Platform, refs: readonly string[] | undefined): Promise<void> {
  const missing = await missingFiles(platform, refs ?? []);
  if (missing.length > 0) throw unprocessable('case.unknown_attachment', 'Upload the photos first (POST /api/files).', { missing });
}
