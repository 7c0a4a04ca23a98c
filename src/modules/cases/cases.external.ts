import type { Platform } from '../../platform/context.ts';
import { findCaseByExternalRef, listCategories } from './cases.repository.ts';

/**
 * What other modules may ask the cases module before they report cases from outside in bulk (the
 * 12345 hotline import): the catalogue's leaf categories by name, and which external references
 * (order numbers, tokens) already name a case. Read-only; cases are still reported one by one
 * through commands/reportCase.ts, which checks everything again as it writes.
 */

export interface LeafCategoryRef {
  code: string;
  name: string;
  /** A leaf no longer in use keeps its old cases but takes no new reports. */
  active: boolean;
}

/**
 * Leaf categories (小类) by their name, trimmed. Names are meant to be unique, but the catalogue is
 * edited by hand, so a name may come back with more than one leaf: the caller decides what that means.
 */
export async function leafCategoriesByName(platform: Platform): Promise<Map<string, LeafCategoryRef[]>> {
  const byName = new Map<string, LeafCategoryRef[]>();
  for (const c of await listCategories(platform.database.db)) {
    if (c.parent_code === null) continue;
    const name = c.name.trim();
    byName.set(name, [...(byName.get(name) ?? []), { code: c.code, name, active: c.active === 1 }]);
  }
  return byName;
}

/**
 * The references among `refs` that already name a case (dispatch_case.external_ref is unique).
 * Unscoped on purpose: an external reference is the outside system's own number, which the caller
 * already holds; only whether it was imported is answered, never where or what the case is.
 */
export async function takenExternalRefs(platform: Platform, refs: readonly string[]): Promise<Set<string>> {
  const taken = new Set<string>();
  for (const ref of new Set(refs)) if (await findCaseByExternalRef(platform.database.db, ref)) taken.add(ref);
  return taken;
}

/**
 * The case an external reference names, if any: for a module that reports a case on behalf of
 * something of its own (`checkin:<alert id>`) and must find it again after a crash or a race.
 */
export async function caseIdByExternalRef(platform: Platform, ref: string): Promise<string | null> {
  return (await findCaseByExternalRef(platform.database.db, ref))?.id ?? null;
}
