import { systemActor } from '../../../platform/authz/actor.ts';
import { runAudited } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { notify } from '../../../platform/notify/notify.enqueue.ts';
import { householdLabels } from '../../people/people.contact.ts';
import { KIND_NAMES } from '../errands.kinds.ts';
import { listNewlyOverdue, markOverdueNotified } from '../errands.repository.ts';

const sweeper = systemActor('errand-sweeper');
const BATCH = 200;

class Raced extends Error {}

/**
 * Errands not done by their promise show as overdue in every list; the grid's staff are also told
 * once, in their inbox, so someone follows up (DOMAIN.md §2: grid staff "follow workers' errands").
 * Safe on several instances: the flag is taken by a conditional update, the message deduplicated.
 */
export async function sweepOverdueErrands(platform: Platform): Promise<{ notified: number }> {
  let notified = 0;
  const gridWidth = platform.config.orgCodeWidths[3];
  const when = new Intl.DateTimeFormat('zh-CN', {
    timeZone: platform.config.timeZone,
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });
  for (;;) {
    const now = platform.clock.now();
    const due = await listNewlyOverdue(platform.database.db, now.toISOString(), BATCH);
    if (due.length === 0) return { notified };
    const addresses = await householdLabels(
      platform.database.db,
      due.map((errand) => errand.household_id),
    );
    let progressed = 0;
    for (const errand of due) {
      try {
        await runAudited(platform, { actor: sweeper, requestId: null }, async (trx) => {
          if (!(await markOverdueNotified(trx, errand.id, now.toISOString()))) throw new Raced();
          const address = addresses.get(errand.household_id)?.address;
          await notify(platform, trx, {
            recipient: { unit: errand.microgrid_code.slice(0, gridWidth) },
            title: '帮办事项超期未办结',
            // What was promised stays out: the free text may name people; kind and address suffice to follow up.
            body: `${KIND_NAMES[errand.kind]}${address ? `（${address}）` : ''}承诺于 ${when.format(new Date(errand.promised_by))} 前办好，至今未办结。`,
            dedupeKey: `errand:${errand.id}:overdue`,
          });
          return {
            result: null,
            audit: {
              action: 'errand.overdue',
              objectType: 'errand',
              objectId: errand.id,
              summary: { microgridCode: errand.microgrid_code },
            },
          };
        });
        notified++;
        progressed++;
      } catch (error) {
        if (!(error instanceof Raced)) throw error;
      }
    }
    // Everything left is being handled by another instance this very moment.
    if (progressed === 0) return { notified };
  }
}
