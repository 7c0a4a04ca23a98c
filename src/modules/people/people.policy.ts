import { scopeCovers, type Actor } from '../../platform/authz/actor.ts';
import type { Policies } from '../../platform/authz/policy.ts';
import { OFFICE_ROLES, type Role } from '../../platform/authz/roles.ts';

/** Office roles look after residents, and workers their own micro-grids. */
const REGISTRY_ROLES: readonly Role[] = ['microgrid_worker', ...OFFICE_ROLES];

export interface RevealSubject {
  microgridCode: string;
  fields: string[];
}

/** Who may see the people registry, and who may reveal personal data (DOMAIN.md §10). */
export const peoplePolicies: Policies = {
  /** `subject`: the code of the unit (or a resident's micro-grid) being read. */
  'people.read': (actor: Actor, code) => REGISTRY_ROLES.includes(actor.role as Role) && scopeCovers(actor.scope, code as string),
  /** Registering and editing households: the office roles of the area (workers report, staff record). */
  'people.write': (actor: Actor, code) => OFFICE_ROLES.includes(actor.role as Role) && scopeCovers(actor.scope, code as string),
  /** A worker may reveal a phone number in their own micro-grids, to call the household; nothing else. */
  'people.reveal': (actor: Actor, subject) => {
    const { microgridCode, fields } = subject as RevealSubject;
    if (!scopeCovers(actor.scope, microgridCode)) return false;
    if (actor.role === 'microgrid_worker') return fields.every((field) => field === 'phone');
    return OFFICE_ROLES.includes(actor.role as Role);
  },
};
