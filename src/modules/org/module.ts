import type { ModuleManifest } from '../../platform/module.ts';
import { orgPolicies } from './org.policy.ts';
import { orgRoutes } from './org.routes.ts';

/** The organisation tree: districts down to micro-grids, and departments (DOMAIN.md §3). */
export const orgModule: ModuleManifest = {
  name: 'org',
  policies: orgPolicies,
  routes: orgRoutes,
};
