import { authorize } from '../../../platform/authz/policy.ts';
import { runAudited, type By } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { staleVersion } from '../../../platform/http/errors.ts';
import { saveSettings } from '../checkins.repository.ts';
import { checkinSettings, type CheckinSettings } from '../checkins.settings.ts';

/** The district's administrators change the curtain pact's defaults and timing; the version guards concurrent edits. */
export async function updateCheckinSettings(
  platform: Platform,
  by: By,
  input: { version: number; settings: Partial<CheckinSettings> },
): Promise<{ settings: CheckinSettings; version: number }> {
  authorize(by.actor, 'checkin.configure');
  return runAudited(platform, by, async (trx) => {
    const current = await checkinSettings(trx);
    if (current.version !== input.version) throw staleVersion(current.version);
    const settings = { ...current.settings, ...input.settings };
    if (!(await saveSettings(trx, JSON.stringify(settings), input.version, platform.clock.now().toISOString())))
      throw staleVersion(input.version + 1);
    return {
      result: { settings, version: input.version + 1 },
      audit: { action: 'checkin.settings', objectType: 'care_setting', objectId: '1', summary: { changed: Object.keys(input.settings) } },
    };
  });
}
