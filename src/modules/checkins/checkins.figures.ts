import type { Actor } from '../../platform/authz/actor.ts';
import { authorize, can } from '../../platform/authz/policy.ts';
import type { Platform } from '../../platform/context.ts';
import { notFound } from '../../platform/http/errors.ts';
import { monthBounds } from '../cases/cases.rankings.ts';
import { getVisibleUnit, lookupUnits } from '../org/org.queries.ts';
import { visibleSubject } from './checkins.access.ts';
import { alertStatus, presentSubjects, type AlertStatus, type SubjectView } from './checkins.queries.ts';
import { alertsByCheck, listAlerts } from './checkins.alertLog.ts';
import { checksOfSubject, type AlertRow } from './checkins.repository.ts';
import { addDays, today } from './checkins.windows.ts';
import { FALSE_ALARMS, OUTCOMES, type CheckState, type Outcome, type SignalType } from './checkins.words.ts';

/** The curtain pact over time: a subject's last 30 days (the console's calendar) and a unit's monthly figures. */

export interface HistoryDay {
  day: string;
  checks: {
    window: 'morning' | 'evening';
    state: CheckState;
    dueAt: string;
    safeAt: string | null;
    safeVia: SignalType | null;
    alert: { id: string; status: AlertStatus; outcome: Outcome | null; outcomeAt: string | null } | null;
  }[];
}

/** A subject's last `days` days, newest first (the console's 30-day calendar). */
export async function historyFor(
  platform: Platform,
  actor: Actor,
  id: string,
  days: number,
): Promise<{ subject: SubjectView; days: HistoryDay[] }> {
  const { db } = platform.database;
  const row = await visibleSubject(db, actor, id);
  const last = today(platform.clock.now(), platform.config.timeZone);
  const checks = await checksOfSubject(db, id, addDays(last, 1 - days), last);
  const alerts = await alertsByCheck(
    db,
    checks.map((c) => c.id),
  );
  const byDay = new Map<string, HistoryDay>();
  for (const check of checks) {
    const day = byDay.get(check.day) ?? { day: check.day, checks: [] };
    const alert = alerts.get(check.id);
    day.checks.push({
      window: check.window_name,
      state: check.state,
      dueAt: check.due_at,
      safeAt: check.safe_at,
      safeVia: check.safe_via,
      alert: alert ? { id: alert.id, status: alertStatus(alert), outcome: alert.outcome, outcomeAt: alert.outcome_at } : null,
    });
    byDay.set(check.day, day);
  }
  const [subject] = await presentSubjects(platform, db, [row]);
  return { subject, days: [...byDay.values()] };
}

export interface Figures {
  alerts: number;
  panics: number;
  resolved: number;
  open: number;
  overdue: number;
  /** Alerts whose outcome showed the person fine (safe, overslept, away, device fault), of those resolved. */
  falseAlarms: number;
  falseAlarmShare: number | null;
  /** Median minutes from the deadline to a person's outcome. */
  medianMinutesToOutcome: number | null;
  /** Resolved within the hour of the deadline (the promise of DOMAIN.md §5). */
  withinHour: number;
  outcomes: Record<Outcome, number>;
}

function figuresOf(alerts: AlertRow[]): Figures {
  const outcomes = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  const minutes: number[] = [];
  let falseAlarms = 0;
  for (const alert of alerts) {
    if (!alert.outcome) continue;
    outcomes[alert.outcome]++;
    if (FALSE_ALARMS.includes(alert.outcome)) falseAlarms++;
    minutes.push((Date.parse(alert.outcome_at!) - Date.parse(alert.due_at)) / 60_000);
  }
  minutes.sort((a, b) => a - b);
  const resolved = minutes.length;
  const median =
    resolved === 0 ? null : resolved % 2 ? minutes[(resolved - 1) / 2] : (minutes[resolved / 2 - 1] + minutes[resolved / 2]) / 2;
  return {
    alerts: alerts.length,
    panics: alerts.filter((a) => a.kind === 'panic').length,
    resolved,
    open: alerts.length - resolved,
    overdue: alerts.filter((a) => a.overdue_at !== null).length,
    falseAlarms,
    falseAlarmShare: resolved === 0 ? null : Math.round((falseAlarms / resolved) * 1000) / 1000,
    medianMinutesToOutcome: median === null ? null : Math.round(median * 10) / 10,
    withinHour: minutes.filter((m) => m <= 60).length,
    outcomes,
  };
}

/** A unit's month: alerts, false-alarm share, median minutes to a person's outcome, outcomes; and each unit one level down. */
export async function monthlyFigures(
  platform: Platform,
  actor: Actor,
  query: { unit: string; month: string },
): Promise<{
  unit: { code: string; name: string; level: string };
  month: string;
  totals: Figures;
  units: ({ code: string; name: string } & Figures)[];
}> {
  const { db } = platform.database;
  const unit = await getVisibleUnit(db, actor, query.unit);
  if (!can(actor, 'checkin.figures', unit.code)) throw notFound('org_unit', query.unit);
  authorize(actor, 'checkin.figures', unit.code);
  const { fromInstant, toInstant } = monthBounds(query.month, platform.config.timeZone);
  const alerts = await listAlerts(db, { prefixes: [unit.code], from: fromInstant, to: toInstant, limit: 1_000_000 });
  const widths = platform.config.orgCodeWidths;
  const childWidth = widths[widths.indexOf(unit.code.length) + 1];
  const groups = new Map<string, AlertRow[]>();
  if (childWidth)
    for (const alert of alerts)
      groups.set(alert.microgrid_code.slice(0, childWidth), [...(groups.get(alert.microgrid_code.slice(0, childWidth)) ?? []), alert]);
  const names = await lookupUnits(db, [...groups.keys()]);
  return {
    unit: { code: unit.code, name: unit.name, level: unit.level },
    month: query.month,
    totals: figuresOf(alerts),
    units: [...groups.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([code, rows]) => ({ code, name: names.get(code)?.name ?? code, ...figuresOf(rows) })),
  };
}
