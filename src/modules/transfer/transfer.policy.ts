import type { Actor } from '../../platform/authz/actor.ts';
import { can, type Policies } from '../../platform/authz/policy.ts';
import { OFFICE_ROLES, type Role } from '../../platform/authz/roles.ts';

const PERSONAL_FIELDS = ['idNumber', 'phone', 'healthNotes'];

/** Who may bring a register in or take one out (导入导出). */
export const transferPolicies: Policies = {
  /** The office roles that keep the registry; each row is then checked by the org and people rules it touches. */
  'transfer.import': (actor: Actor) => OFFICE_ROLES.includes(actor.role as Role),
  /** `subject`: the unit code exported; reading the registry there is what an export shows. */
  'transfer.export': (actor: Actor, code) => can(actor, 'people.read', code),
  /** Personal data in clear: only for whoever may reveal every personal field across the whole unit. */
  'transfer.export_unmasked': (actor: Actor, code) =>
    can(actor, 'people.reveal', { microgridCode: code as string, fields: PERSONAL_FIELDS }),
};
