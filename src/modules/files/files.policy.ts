import type { Actor } from '../../platform/authz/actor.ts';
import type { Policies } from '../../platform/authz/policy.ts';

/** Staff attach photos to what they report and handle; integrations and devices do not upload. */
export const filePolicies: Policies = {
  'files.upload': (actor: Actor) => actor.type === 'user',
  'files.read': (actor: Actor) => actor.type === 'user' || actor.role === 'integration',
};
