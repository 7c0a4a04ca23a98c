import type { ModuleManifest } from '../../platform/module.ts';
import { checkinPolicies } from './checkins.policy.ts';
import { deviceSubscriberServices } from './checkins.mqtt.ts';
import { checkinsRoutes } from './checkins.routes.ts';
import { sweepCheckins } from './commands/sweepCheckins.ts';

/**
 * The curtain pact (窗帘之约, DOMAIN.md §5): people living alone under care, a daily sign of life
 * (the worker's tick, their own link or SMS reply, a door, curtain, water or power sensor), and when
 * none comes by the deadline an alert that climbs from the worker to the grid, the community, the
 * family and the command centre until a person has checked and recorded the outcome.
 */
export const checkinsModule: ModuleManifest = {
  name: 'checkins',
  policies: checkinPolicies,
  routes: checkinsRoutes,
  jobs: (platform) => [
    {
      name: 'checkins.sweep',
      everySeconds: platform.config.checkinSweepIntervalSeconds,
      run: async () => {
        await sweepCheckins(platform);
      },
    },
  ],
  // The devices' MQTT subscriber, when MQTT_URL is set.
  services: deviceSubscriberServices,
};
