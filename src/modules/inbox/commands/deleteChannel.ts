import { can } from '../../../platform/authz/policy.ts';
import { runAudited, type By } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { notFound } from '../../../platform/http/errors.ts';
import { openChannel } from '../../../platform/notify/notify.sealed.ts';
import { channelAudit } from '../inbox.audit.ts';
import { deleteChannelRow, findChannel } from '../inbox.repository.ts';

/**
 * Removes a channel. Messages already queued for it become dead letters when the dispatcher reaches
 * them ("channel deleted"); nothing new is queued for it.
 */
export async function deleteChannel(platform: Platform, by: By, id: string): Promise<void> {
  await runAudited(platform, by, async (trx) => {
    const channel = await findChannel(trx, id);
    if (!channel || !can(by.actor, 'notify.channel.manage', channel.unit_code)) throw notFound('notify_channel', id);
    await deleteChannelRow(trx, id);
    return { result: undefined, audit: channelAudit('notify.delete_channel', channel, openChannel(platform, channel)) };
  });
}
