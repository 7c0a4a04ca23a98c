import { forbidden } from '../http/errors.ts';
import type { Actor } from './actor.ts';

/**
 * The policy core: one small rule per action, all evaluated through `can`. Modules declare their
 * rules in their manifest; routes call `authorize` before any command or query.
 */
export type Rule = (actor: Actor, subject?: unknown) => boolean;
export type Policies = Record<string, Rule>;

const rules = new Map<string, Rule>();

export function registerPolicies(policies: Policies): void {
  for (const [action, rule] of Object.entries(policies)) {
    if (rules.has(action) && rules.get(action) !== rule) throw new Error(`policy ${action} declared twice`);
    rules.set(action, rule);
  }
}

/** Unknown actions are denied: forgetting to declare a rule must never open a door. */
export function can(actor: Actor, action: string, subject?: unknown): boolean {
  const rule = rules.get(action);
  return rule ? rule(actor, subject) : false;
}

export function authorize(actor: Actor, action: string, subject?: unknown): void {
  if (!can(actor, action, subject)) throw forbidden(action);
}
