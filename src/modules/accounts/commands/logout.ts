import { runAudited, type By } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { deleteSession } from '../accounts.repository.ts';
import { sha256 } from '../accounts.secrets.ts';

/** Ends the session the token belongs to. */
export async function logout(platform: Platform, by: By, sessionToken: string): Promise<void> {
  await runAudited(platform, by, async (trx) => {
    await deleteSession(trx, sha256(sessionToken));
    return { result: null, audit: { action: 'auth.logout', objectType: 'user', objectId: by.actor.id } };
  });
}
