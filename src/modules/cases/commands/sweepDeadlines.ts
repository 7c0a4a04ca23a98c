import { systemActor } from '../../../platform/authz/actor.ts';
import { runAudited } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { isUniqueViolation } from '../../../platform/db/dialect.ts';
import { notify } from '../../../platform/notify/notify.enqueue.ts';
import { AREA_LEVELS } from '../../org/org.tables.ts';
import { dueAfter, stageLimit, tallyRules, workCalendar } from '../cases.deadlines.ts';
import { addTallies, findCase, insertEscalation, insertEvent, listDueCases, type DueCase } from '../cases.repository.ts';
import { tallyStep } from '../cases.tally.ts';
import { caseWorkflow, ESCALATION_LADDER, type CaseState } from '../cases.workflow.ts';

const sweeper = systemActor('case-sweeper');
const BATCH = 200;

export interface SweepResult {
  escalated: number;
}

/**
 * The case clock (DOMAIN.md §4 "the whistle is blown one level up, automatically"): every case whose
 * stage deadline (or next rung) has passed climbs one rung — the case is overdue, the unit one level
 * up is told and the climb is on the timeline — and its next rung is due one more stage limit later.
 *
 * Safe on several instances: a rung is taken by a conditional update on (stage stay, rung) and
 * recorded under a primary key of (case, stage stay, rung), so exactly one sweeper climbs it. A
 * deadline that passed while the server was down is found by the first sweep after start, and so are
 * any further rungs that fell due meanwhile, each climbed once and marked late.
 */
export async function sweepDeadlines(platform: Platform): Promise<SweepResult> {
  let escalated = 0;
  for (;;) {
    const now = platform.clock.now();
    const due = await listDueCases(platform.database.db, now.toISOString(), BATCH);
    if (due.length === 0) return { escalated };
    let progressed = 0;
    for (const kase of due) {
      const climbed = await climbOneRung(platform, kase, now);
      if (climbed !== 'raced') progressed++;
      if (climbed === 'climbed') escalated++;
    }
    // Everything left due is being handled by another instance this very moment.
    if (progressed === 0) return { escalated };
  }
}

async function climbOneRung(platform: Platform, kase: DueCase, now: Date): Promise<'climbed' | 'ended' | 'raced'> {
  const ladder = ESCALATION_LADDER[kase.state as CaseState] ?? [];
  const rung = kase.rung + 1;
  const widths = platform.config.orgCodeWidths;
  try {
    return await runAudited(platform, { actor: sweeper, requestId: null }, async (trx) => {
      if (rung > ladder.length) {
        // Top of the ladder: the case stays overdue, nobody left to climb to.
        const ended = await trx
          .updateTable('dispatch_case')
          .set({ due_at: null })
          .where('id', '=', kase.id)
          .where('stage_seq', '=', kase.stage_seq)
          .where('rung', '=', kase.rung)
          .executeTakeFirst();
        if (Number(ended.numUpdatedRows) !== 1) throw new Raced();
        return { result: 'ended' as const, audit: { action: 'case.ladder_top', objectType: 'case', objectId: kase.id, summary: { rung: kase.rung } } };
      }
      const level = ladder[rung - 1];
      const toUnit = kase.area_code.slice(0, widths[AREA_LEVELS.indexOf(level)]);
      const limitName = caseWorkflow.states[kase.state as CaseState]?.timeLimit ?? 'handling';
      const limit = await stageLimit(trx, limitName, kase.condition_code);
      const nextDue = rung < ladder.length ? dueAfter(await workCalendar(platform, trx), new Date(kase.due_at), limit) : null;
      const current = await findCase(trx, kase.id);
      if (!current) throw new Raced();
      const tally = tallyStep(tallyRules(platform), 'escalate', current, current, now, rung);
      const taken = await trx
        .updateTable('dispatch_case')
        // A new version too: whoever acts on the case next must see it climbed (and its counts moved).
        .set({ rung, due_at: nextDue, ...tally.bookkeeping, version: current.version + 1 })
        .where('id', '=', kase.id)
        .where('version', '=', current.version)
        .where('stage_seq', '=', kase.stage_seq)
        .where('rung', '=', kase.rung)
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) !== 1) throw new Raced();
      await addTallies(trx, tally.increments);
      const at = now.toISOString();
      await insertEscalation(trx, { case_id: kase.id, stage_seq: kase.stage_seq, rung, state: kase.state, to_unit: toUnit, due_at: kase.due_at, at });
      const lateMinutes = Math.round((now.getTime() - Date.parse(kase.due_at)) / 60_000);
      await insertEvent(trx, {
        case_id: kase.id,
        action: 'escalate',
        from_state: kase.state,
        to_state: kase.state,
        actor_id: sweeper.id,
        actor_label: sweeper.label,
        actor_role: 'system',
        unit_code: toUnit,
        note: null,
        details: JSON.stringify({ rung, level, dueAt: kase.due_at, lateMinutes }),
        deadline: nextDue,
        at,
      });
      await notify(platform, trx, {
        recipient: { unit: toUnit },
        title: '案件超时升级',
        body: `案件已超过办理时限（第${rung}级升级），请督促办理。`,
        link: `/cases/${kase.id}`,
        dedupeKey: `case:${kase.id}:escalate:${kase.stage_seq}:${rung}`,
      });
      return {
        result: 'climbed' as const,
        audit: { action: 'case.escalate', objectType: 'case', objectId: kase.id, summary: { state: kase.state, rung, toUnit, lateMinutes } },
      };
    });
  } catch (error) {
    if (error instanceof Raced || isUniqueViolation(error)) return 'raced';
    throw error;
  }
}

/** Another instance took this rung first (or the case moved on): nothing to do. */
class Raced extends Error {}
