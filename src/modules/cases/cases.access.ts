import type { Actor } from '../../platform/authz/actor.ts';
import { can } from '../../platform/authz/policy.ts';
import { notFound } from '../../platform/http/errors.ts';
import { findCase, handlersOf, type CaseHandlerRow, type CaseRow, type Executor } from './cases.repository.ts';
import type { CaseContext } from './cases.workflow.ts';

/** The case if the caller may see it; otherwise 404, as if it did not exist. */
export async function visibleCase(db: Executor, actor: Actor, caseId: string): Promise<{ kase: CaseRow; handlers: CaseHandlerRow[] }> {
  const kase = await findCase(db, caseId);
  const handlers = kase ? await handlersOf(db, caseId) : [];
  const subject = kase && { areaCode: kase.area_code, reporterUserId: kase.reporter_user_id, departments: handlers.map((h) => h.department_code) };
  if (!kase || !can(actor, 'case.read', subject)) throw notFound('case', caseId);
  return { kase, handlers };
}

export function caseContext(actor: Actor, kase: CaseRow, handlers: CaseHandlerRow[]): CaseContext {
  return {
    actor,
    areaCode: kase.area_code,
    reporterUserId: kase.reporter_user_id,
    leadDepartment: kase.lead_department,
    handlers: handlers.map((h) => ({ departmentCode: h.department_code, role: h.role, done: h.done_at !== null })),
  };
}

