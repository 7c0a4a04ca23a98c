import { monotonicFactory } from 'ulid';
import { authorize } from '../../../platform/authz/policy.ts';
import { runAudited, type By } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { badRequest } from '../../../platform/http/errors.ts';
import { sealChannel } from '../../../platform/notify/notify.sealed.ts';
import type { ChannelKind } from '../../../platform/notify/notify.tables.ts';
import { lookupUnit } from '../../org/org.queries.ts';
import { channelAudit } from '../inbox.audit.ts';
import { insertChannel, type ChannelRow } from '../inbox.repository.ts';
import { channelSettings } from '../inbox.validation.ts';

/** Ids in creation order even within one millisecond: a unit's channels list in the order they were added. */
const ulid = monotonicFactory();

export interface NewChannel {
  unitCode: string;
  kind: ChannelKind;
  name: string;
  url: string;
  secret?: string;
  phones?: string[];
  enabled: boolean;
}

/** Adds an external channel to a unit; its URL, secret and numbers are sealed before they are written. */
export async function createChannel(platform: Platform, by: By, input: NewChannel): Promise<ChannelRow> {
  authorize(by.actor, 'notify.channel.manage', input.unitCode);
  if (!(await lookupUnit(platform.database.db, input.unitCode))) {
    throw badRequest('notify.unknown_unit', `There is no unit ${input.unitCode}.`, { unitCode: input.unitCode });
  }
  const settings = channelSettings(input.kind, { url: input.url, secret: input.secret ?? null, phones: input.phones ?? [] });
  const at = platform.clock.now().toISOString();
  const row: ChannelRow = {
    id: ulid(),
    unit_code: input.unitCode,
    kind: input.kind,
    name: input.name.trim(),
    ...sealChannel(platform, settings),
    enabled: input.enabled ? 1 : 0,
    created_at: at,
    updated_at: at,
    version: 1,
  };
  return runAudited(platform, by, async (trx) => {
    await insertChannel(trx, row);
    return { result: row, audit: channelAudit('notify.create_channel', row, settings) };
  });
}
