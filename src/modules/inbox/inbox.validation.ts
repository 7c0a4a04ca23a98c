import { badRequest } from '../../platform/http/errors.ts';
import { normaliseMobile, type ChannelSettings } from '../../platform/notify/notify.sealed.ts';
import type { ChannelKind } from '../../platform/notify/notify.tables.ts';

/**
 * The settings a channel of this kind takes, checked and normalised: WeCom robots have no secret,
 * DingTalk robots may sign with one, an SMS gateway needs its token; only SMS channels have numbers,
 * written in E.164 whichever way they were typed.
 */
export function channelSettings(kind: ChannelKind, given: { url: string; secret: string | null; phones: string[] }): ChannelSettings {
  if (kind === 'wecom' && given.secret !== null)
    throw badRequest('notify.secret_not_used', 'A WeCom robot takes no secret: its key is in the URL.');
  if (kind === 'sms' && given.secret === null) throw badRequest('notify.token_required', "An SMS channel needs the gateway's token.");
  if (kind !== 'sms' && given.phones.length > 0) throw badRequest('notify.phones_not_used', 'Only an SMS channel has phone numbers.');
  const phones = given.phones.map((phone, index) => {
    const e164 = normaliseMobile(phone);
    if (!e164) throw badRequest('notify.bad_phone', 'A phone number is not a mainland mobile number.', { index });
    return e164;
  });
  return { url: given.url, secret: given.secret, phones: [...new Set(phones)] };
}
