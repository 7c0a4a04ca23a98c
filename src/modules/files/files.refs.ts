import { FILE_ID } from '../../platform/files/files.storage.ts';
import { IMAGE_KINDS, type ImageExtension } from '../../platform/files/files.images.ts';

/**
 * How other modules refer to a stored file: `<sha256>.<ext>` (the extension says how to serve it).
 * A case's attachments are such references.
 */
export const FILE_REF = /^[0-9a-f]{64}\.(jpg|png|webp)$/;

export function parseFileRef(ref: string): { id: string; extension: ImageExtension } | null {
  if (!FILE_REF.test(ref)) return null;
  const [id, extension] = ref.split('.') as [string, ImageExtension];
  return FILE_ID.test(id) && extension in IMAGE_KINDS ? { id, extension } : null;
}
