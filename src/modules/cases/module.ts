import type { ModuleManifest } from '../../platform/module.ts';
import { sweepDeadlines } from './commands/sweepDeadlines.ts';
import { casePolicies } from './cases.policy.ts';
import { casesRoutes } from './cases.routes.ts';

/**
 * Cases (吹哨报到, DOMAIN.md §4): every reported problem verified, filed, dispatched to the
 * department that owns it, timed at every stage, escalated when a limit passes, checked, closed and
 * evaluated by the reporter.
 */
export const casesModule: ModuleManifest = {
  name: 'cases',
  policies: casePolicies,
  routes: casesRoutes,
  jobs: (platform) => [
    {
      name: 'cases.sweep-deadlines',
      everySeconds: platform.config.caseSweepIntervalSeconds,
      run: async () => {
        await sweepDeadlines(platform);
      },
    },
  ],
};
