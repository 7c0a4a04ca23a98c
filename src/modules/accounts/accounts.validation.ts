import { ROLE_SCOPE_KIND, type Role } from '../../platform/authz/roles.ts';
import type { Db } from '../../platform/db/database.ts';
import { unprocessable } from '../../platform/http/errors.ts';
import { lookupUnit } from '../org/org.queries.ts';

export const MIN_PASSWORD_LENGTH = 8;

export function checkPasswordStrength(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw unprocessable('user.weak_password', `A password needs at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
}

/**
 * An account's scope must fit its role: office roles an area unit, department staff a department,
 * workers one or more micro-grids (DOMAIN.md §2).
 */
export async function checkScopeFitsRole(db: Db, role: Role, scopeCode: string | null, microgrids: string[]): Promise<void> {
  requireScope(role, scopeCode, microgrids);
  const kind = ROLE_SCOPE_KIND[role];
  if (kind === 'microgrids') {
    for (const code of microgrids) {
      const unit = await lookupUnit(db, code);
      if (unit?.level !== 'microgrid') throw unprocessable('user.bad_scope', `${code} is not a micro-grid.`, { code });
    }
    return;
  }
  const unit = await lookupUnit(db, scopeCode!);
  const wantsDepartment = kind === 'department';
  if (!unit || (unit.level === 'department') !== wantsDepartment) {
    throw unprocessable('user.bad_scope', wantsDepartment ? `${scopeCode} is not a department.` : `${scopeCode} is not an area unit.`, {
      code: scopeCode,
    });
  }
}

/** The scope an account of this role must name, before anything is looked up or authorised. */
export function requireScope(role: Role, scopeCode: string | null, microgrids: string[]): void {
  if (ROLE_SCOPE_KIND[role] === 'microgrids') {
    if (microgrids.length === 0) throw unprocessable('user.scope_required', 'A micro-grid worker serves at least one micro-grid.');
  } else if (!scopeCode) {
    throw unprocessable('user.scope_required', `A ${role} account needs a scope unit.`);
  }
}
