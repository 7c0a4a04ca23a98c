import { scopeCovers, type Actor } from '../../platform/authz/actor.ts';
import type { Policies } from '../../platform/authz/policy.ts';
import { OFFICE_ROLES, type Role } from '../../platform/authz/roles.ts';

/**
 * Who may do what in the curtain pact (DOMAIN.md §2, §5). `subject` is the micro-grid (or unit) the
 * thing belongs to, unless said otherwise.
 */

const isWorker = (actor: Actor) => actor.role === 'microgrid_worker' && actor.type === 'user';
const isOffice = (actor: Actor) => actor.scope.kind === 'unit' && OFFICE_ROLES.includes(actor.role as Role);
const covers = (actor: Actor, code: unknown) => typeof code === 'string' && scopeCovers(actor.scope, code);

export interface RevealSubject {
  microgridCode: string;
  fields: string[];
}

export const checkinPolicies: Policies = {
  /** The roster, the day's checks, alerts and history: workers for their micro-grids, offices and leaders for their area. */
  'checkin.read': (actor, code) =>
    covers(actor, code) && (isWorker(actor) || isOffice(actor) || (actor.role === 'leader' && actor.scope.kind === 'unit')),
  /** Enrolling, editing plans, taking off the roster, issuing the personal link: the offices of the area. */
  'checkin.manage': (actor, code) => covers(actor, code) && isOffice(actor),
  /** Away periods: the worker usually hears first ("she is at her daughter's"); the offices too. */
  'checkin.away': (actor, code) => covers(actor, code) && (isWorker(actor) || isOffice(actor)),
  /** Ticking a subject off (seen in person): the worker, or grid staff on a visit. */
  'checkin.tick': (actor, code) => covers(actor, code) && (isWorker(actor) || (isOffice(actor) && actor.role === 'grid_staff')),
  /** Acknowledging an alert and recording its outcome: whoever the ladder reaches (worker, grid, community, subdistrict, district). */
  'checkin.respond': (actor, code) => covers(actor, code) && actor.type === 'user' && (isWorker(actor) || isOffice(actor)),
  /** Revealing contacts (to call the family) or health notes: offices; a worker the contacts only. */
  'checkin.reveal': (actor, subject) => {
    const { microgridCode, fields } = subject as RevealSubject;
    if (!covers(actor, microgridCode)) return false;
    if (isWorker(actor)) return fields.every((field) => field === 'contacts');
    return isOffice(actor);
  },
  /** Devices carry API keys: registered by those who issue keys (district and subdistrict admins). */
  'checkin.devices': (actor, code) => covers(actor, code) && (actor.role === 'district_admin' || actor.role === 'subdistrict_admin'),
  /** The district's settings and the rejected-signal counts. */
  'checkin.configure': (actor) => actor.role === 'district_admin' && actor.type === 'user',
  /** Monthly figures: the offices and leaders of an area. */
  'checkin.figures': (actor, code) => covers(actor, code) && (isOffice(actor) || actor.role === 'leader'),
  /** A device's own events, with its device key. */
  'checkin.device_event': (actor) => actor.type === 'apikey' && actor.role === 'device',
  /** Replies from the SMS gateway, with an integration key; matched only to subjects inside the key's unit. */
  'checkin.sms': (actor) => actor.type === 'apikey' && actor.role === 'integration',
};
