import type { ModuleManifest } from '../../platform/module.ts';
import { filePolicies } from './files.policy.ts';
import { filesRoutes } from './files.routes.ts';

/** Photos and attachments: uploaded once, stored by content, referenced from cases and errands. */
export const filesModule: ModuleManifest = {
  name: 'files',
  policies: filePolicies,
  routes: filesRoutes,
};
