import { scopeCovers, type Actor } from '../../platform/authz/actor.ts';
import type { Policies } from '../../platform/authz/policy.ts';
import { ADMIN_ROLES, type Role } from '../../platform/authz/roles.ts';

const isAdmin = (actor: Actor) => ADMIN_ROLES.includes(actor.role as Role);

/**
 * Who reads an inbox and who configures where notifications go. An inbox belongs to a person's
 * account (keys and devices have none); channels and dead letters are the admins' of the unit, inside
 * their subtree. A dead letter without a unit (an SMS to a resident that found no gateway) is the
 * district command centre's.
 */
export const inboxPolicies: Policies = {
  'inbox.read': (actor) => actor.type === 'user',
  /** `subject`: the code of the unit whose channels are read or changed. */
  'notify.channel.manage': (actor, unitCode) => isAdmin(actor) && scopeCovers(actor.scope, unitCode as string),
  'notify.dead_letter.list': (actor) => isAdmin(actor),
  /** `subject`: the dead letter's unit code, or null. */
  'notify.dead_letter.retry': (actor, unitCode) =>
    isAdmin(actor) && (unitCode === null ? actor.role === 'district_admin' : scopeCovers(actor.scope, unitCode as string)),
};
