import { can } from '../../../platform/authz/policy.ts';
import { runAudited, type By } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { notFound, staleVersion } from '../../../platform/http/errors.ts';
import { openChannel, sealChannel } from '../../../platform/notify/notify.sealed.ts';
import { channelAudit } from '../inbox.audit.ts';
import { findChannel, updateChannelRow, type ChannelRow } from '../inbox.repository.ts';
import { channelSettings } from '../inbox.validation.ts';

export interface ChannelChanges {
  version: number;
  name?: string;
  url?: string;
  /** A new secret or token; null removes it (DingTalk signing); left out, it stays. */
  secret?: string | null;
  phones?: string[];
  enabled?: boolean;
}

/** Renames, re-points, re-keys, disables or enables a channel; a stale version gets 409. */
export async function updateChannel(platform: Platform, by: By, id: string, changes: ChannelChanges): Promise<ChannelRow> {
  return runAudited(platform, by, async (trx) => {
    const before = await findChannel(trx, id);
    if (!before || !can(by.actor, 'notify.channel.manage', before.unit_code)) throw notFound('notify_channel', id);
    if (before.version !== changes.version) throw staleVersion(before.version);
    const current = openChannel(platform, before);
    const settings = channelSettings(before.kind, {
      url: changes.url ?? current.url,
      secret: changes.secret === undefined ? current.secret : changes.secret,
      phones: changes.phones ?? current.phones,
    });
    const after: ChannelRow = {
      ...before,
      name: changes.name?.trim() ?? before.name,
      ...sealChannel(platform, settings),
      enabled: changes.enabled === undefined ? before.enabled : changes.enabled ? 1 : 0,
      updated_at: platform.clock.now().toISOString(),
      version: before.version + 1,
    };
    const { id: _id, version: _version, ...columns } = after;
    if (!(await updateChannelRow(trx, id, before.version, columns))) throw staleVersion(before.version);
    const fields = Object.keys(changes).filter((key) => key !== 'version');
    return { result: after, audit: channelAudit('notify.update_channel', after, settings, fields) };
  });
}
