import { scopePrefixes, scopeCovers, type Actor } from '../../platform/authz/actor.ts';
import { can } from '../../platform/authz/policy.ts';
import { prefixesWithin } from '../../platform/db/prefix.ts';
import { forbidden, notFound } from '../../platform/http/errors.ts';
import { findAlert } from './checkins.alertLog.ts';
import { findSubject, type AlertRow, type Executor, type SubjectRow } from './checkins.repository.ts';

/** Where a caller may look, and the subjects and alerts they may see (404 otherwise, as if they did not exist). */

/** The code prefixes a caller reads: their scope, or one unit of it (404 when outside). */
export function readPrefixes(actor: Actor, unit?: string): string[] {
  const scope = scopePrefixes(actor.scope);
  if (actor.scope.kind === 'department' || !scope.every((code) => can(actor, 'checkin.read', code))) throw forbidden('checkin.read');
  if (!unit) return scope;
  const prefixes = actor.scope.kind === 'microgrids' ? prefixesWithin(scope, unit) : scopeCovers(actor.scope, unit) ? [unit] : [];
  if (prefixes.length === 0) throw notFound('org_unit', unit);
  return prefixes;
}

export async function visibleSubject(db: Executor, actor: Actor, id: string): Promise<SubjectRow> {
  const subject = await findSubject(db, id);
  if (!subject || !can(actor, 'checkin.read', subject.microgrid_code)) throw notFound('care_subject', id);
  return subject;
}

export async function visibleAlert(db: Executor, actor: Actor, id: string): Promise<AlertRow> {
  const alert = await findAlert(db, id);
  if (!alert || !can(actor, 'checkin.read', alert.microgrid_code)) throw notFound('care_alert', id);
  return alert;
}
