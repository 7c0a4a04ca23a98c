import { authorize } from '../../../platform/authz/policy.ts';
import { runAudited, type By } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { staleVersion } from '../../../platform/http/errors.ts';
import { rateSettings } from '../cases.rankings.ts';
import type { RateName, RateSettings } from '../cases.rates.ts';
import { saveRateSettings } from '../cases.repository.ts';

export interface RateSettingsChange {
  /** 0 while the defaults are in use. */
  version: number;
  weights?: Partial<Record<RateName, number>>;
  excludeParkedFromOnTimeClosure?: boolean;
}

/** Changes the weights and exclusions of the monthly score (the district's decision, audited). */
export async function updateRateSettings(platform: Platform, by: By, change: RateSettingsChange): Promise<{ settings: RateSettings; version: number }> {
  authorize(by.actor, 'case.configure');
  return runAudited(platform, by, async (trx) => {
    const current = await rateSettings(trx);
    if (current.version !== change.version) throw staleVersion(current.version);
    const settings: RateSettings = {
      weights: { ...current.settings.weights, ...change.weights },
      excludeParkedFromOnTimeClosure: change.excludeParkedFromOnTimeClosure ?? current.settings.excludeParkedFromOnTimeClosure,
    };
    if (!(await saveRateSettings(trx, JSON.stringify(settings), change.version, platform.clock.now().toISOString()))) throw staleVersion(current.version + 1);
    return {
      result: { settings, version: change.version + 1 },
      audit: { action: 'case.rate_settings', objectType: 'rate_settings', objectId: '1', summary: { ...settings } },
    };
  });
}
