import { systemActor } from '../../../src/platform/authz/actor.ts';
import type { Platform } from '../../../src/platform/context.ts';
import { notify, type Notification } from '../../../src/platform/notify/notify.enqueue.ts';
import { createChannel, type NewChannel } from '../../../src/modules/inbox/commands/createChannel.ts';

export const bySystem = { actor: systemActor('test'), requestId: null };

/** Queues notifications in one transaction of their own, as a command would in its. */
export function enqueue(platform: Platform, ...notifications: Notification[]): Promise<void> {
  return platform.database.db.transaction().execute(async (trx) => {
    for (const notification of notifications) await notify(platform, trx, notification);
  });
}

/** A channel added by the system (audited like any other). */
export function channel(platform: Platform, fields: Partial<NewChannel> & Pick<NewChannel, 'unitCode' | 'kind' | 'url'>) {
  return createChannel(platform, bySystem, { name: `${fields.kind} 渠道`, enabled: true, ...fields });
}

export function outbox(platform: Platform) {
  return platform.database.db.selectFrom('notify_outbox').selectAll().orderBy('id').execute();
}
