import type { BoardRow } from '../../shared/checkins.ts';
import { SHOWN_COLOURS } from '../../shared/checkins.ts';
import type { Role } from '../../shared/model.ts';

/** The console's side of the curtain pact (窗帘之约): who may act, and how a unit's day is coloured. */

const OFFICES: readonly Role[] = ['grid_staff', 'community_admin', 'subdistrict_admin', 'district_admin'];

/** Offices acknowledge alerts, record outcomes, change plans, reveal contacts and enrol (the server decides; this hides refused buttons). */
export const isCareOffice = (role: Role) => OFFICES.includes(role);
/** Devices carry API keys: district and subdistrict administrators register and retire them. */
export const managesDevices = (role: Role) => role === 'district_admin' || role === 'subdistrict_admin';

/** How the board and the map see a unit's day: what most needs someone first. */
export type UnitDay = 'alert' | 'waiting' | 'safe' | 'none';

export function unitDay(row: BoardRow | undefined): UnitDay {
  if (!row || row.checks === 0) return 'none';
  if (row.openAlerts > 0 || row.overdue > 0) return 'alert';
  if (row.waiting > 0) return 'waiting';
  return 'safe';
}

export const UNIT_DAY_COLOURS: Record<UnitDay, string> = {
  alert: SHOWN_COLOURS.alert,
  waiting: SHOWN_COLOURS.waiting,
  safe: SHOWN_COLOURS.safe,
  none: SHOWN_COLOURS.none,
};

/** Today in the business zone (Asia/Shanghai), as the server counts days. */
export function businessToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(),
  );
}
