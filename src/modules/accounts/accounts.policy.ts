import { scopeCovers, type Actor } from '../../platform/authz/actor.ts';
import type { Policies } from '../../platform/authz/policy.ts';
import { ADMIN_ROLES, type Role } from '../../platform/authz/roles.ts';

/** What an account is about, for the rules below: its role and where it is scoped. */
export interface AccountSubject {
  role: Role;
  scopeCode: string | null;
  microgrids: string[];
}

/** Roles only the district command centre hands out. */
const DISTRICT_GRANTED: readonly Role[] = ['district_admin', 'leader', 'department_staff', 'enterprise_liaison', 'project_officer'];

const isAdmin = (actor: Actor) => ADMIN_ROLES.includes(actor.role as Role);

function coversAccount(actor: Actor, subject: AccountSubject): boolean {
  const codes = subject.role === 'microgrid_worker' ? subject.microgrids : [subject.scopeCode ?? ''];
  return codes.length > 0 && codes.every((code) => code !== '' && scopeCovers(actor.scope, code));
}

function mayGrant(actor: Actor, subject: AccountSubject): boolean {
  return isAdmin(actor) && coversAccount(actor, subject) && (actor.role === 'district_admin' || !DISTRICT_GRANTED.includes(subject.role));
}

/** Who may see and manage accounts and API keys: admins, inside their own subtree. */
export const accountPolicies: Policies = {
  'user.list': (actor) => isAdmin(actor) || actor.role === 'leader',
  'user.read': (actor, subject) => (isAdmin(actor) || actor.role === 'leader') && coversAccount(actor, subject as AccountSubject),
  'user.create': (actor, subject) => mayGrant(actor, subject as AccountSubject),
  'user.update': (actor, subject) => mayGrant(actor, subject as AccountSubject),
  'apikey.list': (actor) => actor.role === 'district_admin' || actor.role === 'subdistrict_admin',
  'apikey.manage': (actor, scopeCode) =>
    (actor.role === 'district_admin' || actor.role === 'subdistrict_admin') && scopeCovers(actor.scope, scopeCode as string),
};
