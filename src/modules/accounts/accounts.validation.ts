import { ROLE_SCOPE_KIND, type Role } from '../../platform/authz/roles.ts';
import type { Db } from '../../platform/db/database.ts';
import { unprocessable } from '../../platform/http/errors.ts';
import { lookupUnits } from '../org/org.queries.ts';

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
export function checkScopeFitsRole(db: Db, role: Role, scopeCode: string | null, microgrids: string[]): Promise<void> {
  return checkScopesFitRoles(db, [{ role, scopeCode, microgrids }]);
}

/** The scope an account of this role must name, before anything is looked up or authorised. */
export function requireScope(role: Role, scopeCode: string | null, microgrids: string[]): void {
  if (ROLE_SCOPE_KIND[role] === 'microgrids') {
    if (microgrids.length === 0) throw unprocessable('user.scope_required', 'A micro-grid worker serves at least one micro-grid.');
  } else if (!scopeCode) {
    throw unprocessable('user.scope_required', `A ${role} account needs a scope unit.`);
  }
}

/** The same rule for many accounts at once, with one lookup of all the codes they name. */
export async function checkScopesFitRoles(
  db: Db,
  accounts: { role: Role; scopeCode: string | null; microgrids: string[] }[],
): Promise<void> {
  const units = await lookupUnits(
    db,
    accounts.flatMap((a) => (a.role === 'microgrid_worker' ? a.microgrids : [a.scopeCode!])),
  );
  for (const account of accounts) {
    requireScope(account.role, account.scopeCode, account.microgrids);
    const kind = ROLE_SCOPE_KIND[account.role];
    const codes = kind === 'microgrids' ? account.microgrids : [account.scopeCode!];
    for (const code of codes) {
      const level = units.get(code)?.level;
      const fits =
        kind === 'microgrids'
          ? level === 'microgrid'
          : kind === 'department'
            ? level === 'department'
            : level !== undefined && level !== 'department';
      if (!fits) throw unprocessable('user.bad_scope', `${code} does not fit a ${account.role} account.`, { code });
    }
  }
}
