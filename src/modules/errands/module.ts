import type { ModuleManifest } from '../../platform/module.ts';
import { sweepOverdueErrands } from './commands/sweepOverdue.ts';
import { errandPolicies } from './errands.policy.ts';
import { errandsRoutes } from './errands.routes.ts';

/** How often errands past their promise are looked for (the grid is told once per errand). */
const OVERDUE_SWEEP_SECONDS = 60;

/**
 * Errands (帮办代办, DOMAIN.md §4), the light sibling of cases: a worker does something for a
 * household (renew a certificate, collect medicine, fill in a form), logged with a promise, marked
 * done, confirmed by the resident (recorded by the worker, or by the resident's one-time link), and
 * counted per worker and unit, month by month.
 */
export const errandsModule: ModuleManifest = {
  name: 'errands',
  policies: errandPolicies,
  routes: errandsRoutes,
  jobs: (platform) => [
    {
      name: 'errands.sweep-overdue',
      everySeconds: OVERDUE_SWEEP_SECONDS,
      run: async () => {
        await sweepOverdueErrands(platform);
      },
    },
  ],
};
