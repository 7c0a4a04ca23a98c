import type { AuditEntry } from '../../platform/audit/audit.record.ts';
import type { ChannelSettings } from '../../platform/notify/notify.sealed.ts';
import type { ChannelRow } from './inbox.repository.ts';

/**
 * What the audit trail keeps of a channel change: which channel, where it points (the host only: the
 * rest of the URL is the robot's key), whether it signs, how many numbers; never a secret or a number.
 */
export function channelAudit(action: string, row: ChannelRow, settings: ChannelSettings, fields?: string[]): AuditEntry {
  return {
    action,
    objectType: 'notify_channel',
    objectId: row.id,
    summary: {
      unitCode: row.unit_code,
      kind: row.kind,
      name: row.name,
      host: new URL(settings.url).host,
      hasSecret: settings.secret !== null,
      phones: settings.phones.length,
      enabled: row.enabled === 1,
      ...(fields ? { fields } : {}),
    },
  };
}
