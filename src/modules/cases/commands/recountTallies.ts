import { runAudited, type By } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { tallyRules } from '../cases.deadlines.ts';
import { caseAreasAfter, replaceAllTallies, timelinesOf } from '../cases.repository.ts';
import { recountCase, type Increment } from '../cases.tally.ts';

const PAGE = 1000;

/**
 * Rebuilds every counter of the rates from the cases' timelines (after a restore, a change of the
 * counting rules, or to check them): what `cases.tally.ts` would have counted, case by case.
 */
export async function recountTallies(platform: Platform, by: By): Promise<{ cases: number; increments: number }> {
  return runAudited(platform, by, async (trx) => {
    const increments: Increment[] = [];
    let cases = 0;
    for (let after = ''; ;) {
      const page = await caseAreasAfter(trx, after, PAGE);
      if (page.length === 0) break;
      const timelines = await timelinesOf(
        trx,
        page.map((c) => c.id),
      );
      for (const kase of page) increments.push(...recountCase(tallyRules(platform), kase.area_code, timelines.get(kase.id) ?? []));
      cases += page.length;
      after = page[page.length - 1].id;
    }
    await replaceAllTallies(trx, increments);
    return {
      result: { cases, increments: increments.length },
      audit: { action: 'case.recount_tallies', objectType: 'case_tally', objectId: null, summary: { cases } },
    };
  });
}
