import type { Platform } from '../../platform/context.ts';
import { parseFileRef } from './files.refs.ts';

/** The references among `refs` that name no stored file (for modules accepting attachments). */
export async function missingFiles(platform: Platform, refs: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const ref of refs) {
    const parsed = parseFileRef(ref);
    if (!parsed || !(await platform.files.has(parsed.id, parsed.extension))) missing.push(ref);
  }
  return missing;
}
