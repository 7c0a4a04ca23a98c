import { scopeCovers, type Actor } from '../../platform/authz/actor.ts';
import type { Policies } from '../../platform/authz/policy.ts';
import { OFFICE_ROLES, type Role } from '../../platform/authz/roles.ts';

/** What a rule needs to know about an errand. */
export interface ErrandSubject {
  microgridCode: string;
  workerUserId: string;
}

/** Offices and leaders follow the errands of their area (DOMAIN.md §2: grid staff "follow workers' errands"). */
const FOLLOWING_ROLES: readonly Role[] = [...OFFICE_ROLES, 'leader'];

const follows = (actor: Actor, code: string) =>
  actor.scope.kind === 'unit' && FOLLOWING_ROLES.includes(actor.role as Role) && scopeCovers(actor.scope, code);

/** Who may log, see, work and count errands (帮办代办, DOMAIN.md §4). */
export const errandPolicies: Policies = {
  /** A worker, for a household of a micro-grid they serve. `subject`: the household's micro-grid. */
  'errand.log': (actor: Actor, microgridCode) => actor.role === 'microgrid_worker' && scopeCovers(actor.scope, microgridCode as string),
  /** The worker who took it on; the offices of its area. */
  'errand.read': (actor: Actor, subject) => {
    const errand = subject as ErrandSubject;
    if (actor.role === 'microgrid_worker') return actor.type === 'user' && actor.id === errand.workerUserId;
    return follows(actor, errand.microgridCode);
  },
  /** Marking done, recording the resident's confirmation, cancelling: the errand's own worker alone. */
  'errand.work': (actor: Actor, subject) =>
    actor.role === 'microgrid_worker' && actor.type === 'user' && actor.id === (subject as ErrandSubject).workerUserId,
  /** Lists: workers (their own errands) and the offices of an area. */
  'errand.list': (actor: Actor) =>
    actor.role === 'microgrid_worker' || (actor.scope.kind === 'unit' && FOLLOWING_ROLES.includes(actor.role as Role)),
  /** A unit's monthly counts: the offices and leaders of its area, a worker for the micro-grids they serve. `subject`: the unit. */
  'errand.counts': (actor: Actor, unitCode) =>
    (actor.role === 'microgrid_worker' && scopeCovers(actor.scope, unitCode as string)) || follows(actor, unitCode as string),
};
