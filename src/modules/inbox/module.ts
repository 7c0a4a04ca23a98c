import type { ModuleManifest } from '../../platform/module.ts';
import { notifyDispatchJob } from '../../platform/notify/notify.dispatch.ts';
import { inboxPolicies } from './inbox.policy.ts';
import { inboxRoutes } from './inbox.routes.ts';

/**
 * Notifications as people see and steer them (docs/notifications.md): the in-app inbox, each unit's
 * WeCom / DingTalk / SMS channels, the dead letters; and the dispatcher that sends the outbox.
 */
export const inboxModule: ModuleManifest = {
  name: 'inbox',
  policies: inboxPolicies,
  routes: inboxRoutes,
  jobs: (platform) => [notifyDispatchJob(platform)],
};
