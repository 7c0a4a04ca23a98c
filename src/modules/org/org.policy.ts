import { scopeCovers, type Actor } from '../../platform/authz/actor.ts';
import type { Policies } from '../../platform/authz/policy.ts';
import { ADMIN_ROLES, type Role } from '../../platform/authz/roles.ts';
import type { OrgUnit } from './org.repository.ts';

const isAdmin = (actor: Actor) => ADMIN_ROLES.includes(actor.role as Role);

/** Who may see and shape the organisation tree. */
export const orgPolicies: Policies = {
  /** Anyone signed in sees the units inside their scope. */
  'org.read': (actor, unit) => scopeCovers(actor.scope, (unit as OrgUnit).code),
  /** Admins add units below their own unit; departments are the district's business. */
  'org.create': (actor, unit) => {
    const { code, level } = unit as Pick<OrgUnit, 'code' | 'level'>;
    if (level === 'department') return actor.role === 'district_admin' && scopeCovers(actor.scope, code);
    return isAdmin(actor) && actor.scope.kind === 'unit' && code.startsWith(actor.scope.code) && code !== actor.scope.code;
  },
  'org.update': (actor, unit) => isAdmin(actor) && scopeCovers(actor.scope, (unit as OrgUnit).code),
};
