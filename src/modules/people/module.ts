import type { ModuleManifest } from '../../platform/module.ts';
import { peoplePolicies } from './people.policy.ts';
import { peopleRoutes } from './people.routes.ts';

/** Who lives where and who looks after them: buildings, households, residents, workers (DOMAIN.md §3, §10). */
export const peopleModule: ModuleManifest = {
  name: 'people',
  policies: peoplePolicies,
  routes: peopleRoutes,
};
