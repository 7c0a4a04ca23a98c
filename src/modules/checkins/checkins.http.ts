import type { Actor } from '../../platform/authz/actor.ts';

/** What the curtain pact's route files share: the OpenAPI tag, and who is acting for a request. */
export const tags = ['checkins'];
export const by = (request: { actor?: Actor | null; id: string }) => ({ actor: request.actor!, requestId: request.id });
