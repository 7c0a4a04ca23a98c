import type { ModuleManifest } from '../../platform/module.ts';
import { deleteExpiredSessions } from './accounts.repository.ts';
import { authenticate } from './accounts.authenticate.ts';
import { accountPolicies } from './accounts.policy.ts';
import { accountsRoutes } from './accounts.routes.ts';

/** Staff accounts, sessions and API keys: who may sign in and what they may reach (DOMAIN.md §2). */
export const accountsModule: ModuleManifest = {
  name: 'accounts',
  policies: accountPolicies,
  routes: accountsRoutes,
  authenticate,
  jobs: (platform) => [
    {
      name: 'accounts.expire-sessions',
      everySeconds: 3600,
      run: async () => {
        await deleteExpiredSessions(platform.database.db, platform.clock.now().toISOString());
      },
    },
  ],
};
