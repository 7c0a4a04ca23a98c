import type { Actor } from '../../platform/authz/actor.ts';
import { authorize, can } from '../../platform/authz/policy.ts';
import type { Platform } from '../../platform/context.ts';
import { notFound } from '../../platform/http/errors.ts';
import { usernamesById } from '../accounts/accounts.queries.ts';
import { monthBounds } from '../cases/cases.rankings.ts';
import { getVisibleUnit, lookupUnits } from '../org/org.queries.ts';
import { careResidents, type CareResident } from '../people/people.contact.ts';
import { readPrefixes, visibleAlert, visibleSubject } from './checkins.access.ts';
import { maskContacts, openContacts, type MaskedContact } from './checkins.personalData.ts';
import {
  alertsOfChecks,
  awaysOf,
  checksOfDay,
  checksOfSubject,
  countCheckedSubjects,
  countChecks,
  devicesOf,
  eventsOfAlert,
  findSubjectsById,
  listAlerts,
  listSubjects,
  type AlertRow,
  type CheckRow,
  type Executor,
  type SubjectRow,
} from './checkins.repository.ts';
import { rejectionsBetween } from './checkins.signalLog.ts';
import { subscriberState } from './checkins.mqtt.ts';
import { checkinSettings, type Window } from './checkins.settings.ts';
import { addDays, localInstant, today } from './checkins.windows.ts';
import {
  FALSE_ALARMS,
  OUTCOMES,
  type AwayReason,
  type CheckState,
  type DeviceKind,
  type Outcome,
  type SignalType,
} from './checkins.words.ts';

/** The read side of the curtain pact: rosters, the day's lists and boards, alerts, history, monthly figures. Masked throughout. */

// ── Subjects ─────────────────────────────────────────────────────────────────────────────────────

export interface SubjectView {
  id: string;
  residentId: string;
  householdId: string | null;
  microgridCode: string;
  /** Masked, as in the registry. */
  name: string;
  gender: 'male' | 'female' | null;
  birthYear: number | null;
  phone: string | null;
  address: string;
  buildingAddress: string | null;
  plan: {
    morningWindow: Window;
    eveningWindow: Window | null;
    signals: SignalType[];
    waterLitres: number | null;
    powerKwh: number | null;
  };
  contacts: MaskedContact[];
  hasHealthNotes: boolean;
  linkIssuedAt: string | null;
  enrolledVia: 'staff' | 'tags';
  removedAt: string | null;
  createdAt: string;
  version: number;
}

export function presentSubject(platform: Platform, row: SubjectRow, resident: CareResident | undefined): SubjectView {
  return {
    id: row.id,
    residentId: row.resident_id,
    householdId: resident?.householdId ?? null,
    microgridCode: row.microgrid_code,
    name: resident?.name ?? '*',
    gender: resident?.gender ?? null,
    birthYear: resident?.birthYear ?? null,
    phone: resident?.phone ?? null,
    address: resident?.address ?? '',
    buildingAddress: resident?.buildingAddress ?? null,
    plan: {
      morningWindow: { start: row.morning_start, end: row.morning_end },
      eveningWindow: row.evening_start && row.evening_end ? { start: row.evening_start, end: row.evening_end } : null,
      signals: JSON.parse(row.signals) as SignalType[],
      waterLitres: row.water_litres,
      powerKwh: row.power_kwh,
    },
    contacts: maskContacts(openContacts(platform, row)),
    hasHealthNotes: row.health_notes_enc !== null,
    linkIssuedAt: row.link_issued_at,
    enrolledVia: row.enrolled_via,
    removedAt: row.removed_at,
    createdAt: row.created_at,
    version: row.version,
  };
}

export async function presentSubjects(platform: Platform, db: Executor, rows: SubjectRow[]): Promise<SubjectView[]> {
  const residents = await careResidents(
    platform,
    db,
    rows.map((r) => r.resident_id),
  );
  return rows.map((row) => presentSubject(platform, row, residents.get(row.resident_id)));
}

/** The roster of the caller's scope (or a unit of it), by micro-grid. */
export async function subjectsFor(
  platform: Platform,
  actor: Actor,
  query: { unit?: string; includeRemoved?: boolean; after?: string; limit: number },
): Promise<{ items: SubjectView[]; nextCursor: string | null }> {
  const { db } = platform.database;
  const rows = await listSubjects(db, {
    prefixes: readPrefixes(actor, query.unit),
    includeRemoved: query.includeRemoved,
    after: query.after,
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  return { items: await presentSubjects(platform, db, page), nextCursor: rows.length > query.limit ? page[page.length - 1].id : null };
}

export interface SubjectDetail extends SubjectView {
  away: { id: string; startsAt: string; endsAt: string; reason: AwayReason; note: string | null }[];
  devices: { id: string; kind: DeviceKind; name: string; createdAt: string; retiredAt: string | null }[];
}

export async function subjectDetail(platform: Platform, actor: Actor, id: string): Promise<SubjectDetail> {
  const { db } = platform.database;
  const row = await visibleSubject(db, actor, id);
  const [view] = await presentSubjects(platform, db, [row]);
  const away = await awaysOf(db, id, platform.clock.now().toISOString());
  const devices = await devicesOf(db, [id]);
  return {
    ...view,
    away: away.map((a) => ({ id: a.id, startsAt: a.starts_at, endsAt: a.ends_at, reason: a.reason, note: a.note })),
    devices: devices.map((d) => ({ id: d.id, kind: d.kind, name: d.name, createdAt: d.created_at, retiredAt: d.retired_at })),
  };
}

// ── Alerts ───────────────────────────────────────────────────────────────────────────────────────

export type AlertStatus = 'open' | 'acknowledged' | 'signalled' | 'resolved';

export function alertStatus(alert: AlertRow): AlertStatus {
  if (alert.outcome) return 'resolved';
  if (alert.signal_at) return 'signalled';
  if (alert.acknowledged_at) return 'acknowledged';
  return 'open';
}

export interface AlertView {
  id: string;
  kind: 'missed' | 'panic';
  subjectId: string;
  microgridCode: string;
  day: string;
  window: 'morning' | 'evening' | null;
  dueAt: string;
  raisedAt: string;
  /** Minutes between the deadline and the raising: the gap when the server was down. */
  lateMinutes: number;
  rung: number;
  nextRungAt: string | null;
  status: AlertStatus;
  overdue: boolean;
  overdueAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  signalAt: string | null;
  signalType: SignalType | null;
  /** A late sign of life came: the caretaker confirms with one tap (outcome `safe`). */
  awaitingConfirmation: boolean;
  outcome: Outcome | null;
  outcomeNote: string | null;
  outcomeBy: string | null;
  outcomeAt: string | null;
  caseId: string | null;
  name: string;
  address: string;
  phone: string | null;
  version: number;
}

async function presentAlerts(platform: Platform, db: Executor, rows: AlertRow[], subjects?: Map<string, SubjectRow>): Promise<AlertView[]> {
  const subjectRows =
    subjects ??
    new Map(
      (
        await findSubjectsById(
          db,
          rows.map((a) => a.subject_id),
        )
      ).map((s) => [s.id, s]),
    );
  const residents = await careResidents(
    platform,
    db,
    [...subjectRows.values()].map((s) => s.resident_id),
  );
  const users = await usernamesById(platform.database.db, [
    ...new Set(rows.flatMap((a) => [a.acknowledged_by, a.outcome_by].filter((v): v is string => v !== null))),
  ]);
  return rows.map((alert) => {
    const subject = subjectRows.get(alert.subject_id);
    const resident = subject ? residents.get(subject.resident_id) : undefined;
    const status = alertStatus(alert);
    return {
      id: alert.id,
      kind: alert.kind,
      subjectId: alert.subject_id,
      microgridCode: alert.microgrid_code,
      day: alert.day,
      window: alert.window_name,
      dueAt: alert.due_at,
      raisedAt: alert.raised_at,
      lateMinutes: alert.late_minutes,
      rung: alert.rung,
      nextRungAt: alert.next_rung_at,
      status,
      overdue: alert.overdue_at !== null,
      overdueAt: alert.overdue_at,
      acknowledgedAt: alert.acknowledged_at,
      acknowledgedBy: alert.acknowledged_by ? (users.get(alert.acknowledged_by) ?? alert.acknowledged_by) : null,
      signalAt: alert.signal_at,
      signalType: alert.signal_type,
      awaitingConfirmation: status === 'signalled',
      outcome: alert.outcome,
      outcomeNote: alert.outcome_note,
      outcomeBy: alert.outcome_by ? (users.get(alert.outcome_by) ?? alert.outcome_by) : null,
      outcomeAt: alert.outcome_at,
      caseId: alert.case_id,
      name: resident?.name ?? '*',
      address: resident?.address ?? '',
      phone: resident?.phone ?? null,
      version: alert.version,
    };
  });
}

export async function presentAlert(platform: Platform, alert: AlertRow): Promise<AlertView> {
  return (await presentAlerts(platform, platform.database.db, [alert]))[0];
}

export interface AlertDetail extends AlertView {
  /** The emergency contacts, masked (reveal them to call), in order. */
  contacts: MaskedContact[];
  timeline: { step: string; at: string; actor: string; details: Record<string, unknown> }[];
}

/** Steps taken in the same instant, in the order they happen. */
function stepRank(step: string): number {
  if (step.startsWith('rung:')) return Number(step.slice(5));
  return { raise: 0, overdue: 10, ack: 11, signal: 12, outcome: 13, case: 14 }[step] ?? 20;
}

/** An alert with its timeline: raise, rungs (recipients, lateness), acknowledgement, late signal, outcome, case. */
export async function alertDetail(platform: Platform, actor: Actor, id: string): Promise<AlertDetail> {
  const { db } = platform.database;
  const alert = await visibleAlert(db, actor, id);
  const [view] = await presentAlerts(platform, db, [alert]);
  const subject = await visibleSubject(db, actor, alert.subject_id).catch(() => null);
  const events = (await eventsOfAlert(db, id)).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : stepRank(a.step) - stepRank(b.step)));
  return {
    ...view,
    contacts: subject ? maskContacts(openContacts(platform, subject)) : [],
    timeline: events.map((e) => ({
      step: e.step,
      at: e.at,
      actor: e.actor_label,
      details: JSON.parse(e.details) as Record<string, unknown>,
    })),
  };
}

/** Alerts of the caller's scope whose deadline falls on `date` (or in the days up to it), newest first. */
export async function alertsFor(
  platform: Platform,
  actor: Actor,
  query: { date?: string; days: number; unit?: string; state?: 'open' | 'resolved'; after?: string; limit: number },
): Promise<{ items: AlertView[]; nextCursor: string | null }> {
  const { db } = platform.database;
  const tz = platform.config.timeZone;
  const last = query.date ?? today(platform.clock.now(), tz);
  const from = localInstant(addDays(last, 1 - query.days), '00:00', tz).toISOString();
  const to = localInstant(addDays(last, 1), '00:00', tz).toISOString();
  const rows = await listAlerts(db, {
    prefixes: readPrefixes(actor, query.unit),
    from,
    to,
    open: query.state === undefined ? undefined : query.state === 'open',
    after: query.after,
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  return { items: await presentAlerts(platform, db, page), nextCursor: rows.length > query.limit ? page[page.length - 1].id : null };
}

// ── The day ──────────────────────────────────────────────────────────────────────────────────────

export interface Tally {
  subjects: number;
  checks: number;
  safe: number;
  waiting: number;
  alerted: number;
  resolved: number;
  away: number;
}

const emptyTally = (): Tally => ({ subjects: 0, checks: 0, safe: 0, waiting: 0, alerted: 0, resolved: 0, away: 0 });

/**
 * The day's checks of the caller's scope (or a unit of it) by state: `{date, subjects, safe, waiting,
 * alerted, resolved, away}`, where subjects counts people and the states count checks (one per
 * person and window), plus the open and overdue alerts of the day.
 */
export async function summaryFor(
  platform: Platform,
  actor: Actor,
  query: { date?: string; unit?: string },
): Promise<Tally & { date: string; openAlerts: number; overdue: number }> {
  const { db } = platform.database;
  const date = query.date ?? today(platform.clock.now(), platform.config.timeZone);
  const prefixes = readPrefixes(actor, query.unit);
  const tally = emptyTally();
  for (const row of await countChecks(db, prefixes, date)) {
    tally[row.state as CheckState] += row.count;
    tally.checks += row.count;
  }
  for (const n of (await countCheckedSubjects(db, prefixes, date)).values()) tally.subjects += n;
  const alerts = await dayAlerts(platform, db, prefixes, date);
  return {
    date,
    ...tally,
    openAlerts: alerts.filter((a) => a.outcome === null).length,
    overdue: alerts.filter((a) => a.overdue_at !== null && a.outcome === null).length,
  };
}

async function dayAlerts(platform: Platform, db: Executor, prefixes: string[], date: string): Promise<AlertRow[]> {
  const tz = platform.config.timeZone;
  return listAlerts(db, {
    prefixes,
    from: localInstant(date, '00:00', tz).toISOString(),
    to: localInstant(addDays(date, 1), '00:00', tz).toISOString(),
    limit: 100_000,
  });
}

export interface TodayItem {
  checkId: string;
  subjectId: string;
  window: 'morning' | 'evening';
  opensAt: string;
  dueAt: string;
  state: CheckState;
  safeAt: string | null;
  safeVia: SignalType | null;
  alert: { id: string; status: AlertStatus; overdue: boolean; rung: number; outcome: Outcome | null } | null;
  name: string;
  gender: 'male' | 'female' | null;
  birthYear: number | null;
  phone: string | null;
  /** The registry's person: the worker calls them through the people module's audited reveal. */
  residentId: string | null;
  householdId: string | null;
  address: string;
  /** The building, for the worker's "all seen" (`POST /ticks {buildingIds}`); null when not placed in one. */
  buildingId: string | null;
  buildingAddress: string | null;
  lng: number | null;
  lat: number | null;
  microgridCode: string;
}

/** At most this many checks in one day's list: a worker has tens, a grid a few hundred. */
const TODAY_LIMIT = 2000;

/**
 * The day's checks in walking order (building, then address), with each one's alert: the worker's
 * H5 list. A worker gets their micro-grids; an office a unit of its area (its whole area by default).
 */
export async function todayFor(
  platform: Platform,
  actor: Actor,
  query: { date?: string; unit?: string },
): Promise<{ date: string; items: TodayItem[]; truncated: boolean }> {
  const { db } = platform.database;
  const date = query.date ?? today(platform.clock.now(), platform.config.timeZone);
  const checks: CheckRow[] = await checksOfDay(db, { prefixes: readPrefixes(actor, query.unit), day: date });
  const truncated = checks.length > TODAY_LIMIT;
  const shown = checks.slice(0, TODAY_LIMIT);
  const subjects = new Map(
    (
      await findSubjectsById(
        db,
        shown.map((c) => c.subject_id),
      )
    ).map((s) => [s.id, s]),
  );
  const residents = await careResidents(
    platform,
    db,
    [...subjects.values()].map((s) => s.resident_id),
  );
  const alerts = new Map(
    (
      await alertsOfChecks(
        db,
        shown.map((c) => c.id),
      )
    ).map((a) => [a.check_id!, a]),
  );
  const items = shown.map((check): TodayItem => {
    const subject = subjects.get(check.subject_id);
    const resident = subject ? residents.get(subject.resident_id) : undefined;
    const alert = alerts.get(check.id);
    return {
      checkId: check.id,
      subjectId: check.subject_id,
      window: check.window_name,
      opensAt: check.opens_at,
      dueAt: check.due_at,
      state: check.state,
      safeAt: check.safe_at,
      safeVia: check.safe_via,
      alert: alert
        ? { id: alert.id, status: alertStatus(alert), overdue: alert.overdue_at !== null, rung: alert.rung, outcome: alert.outcome }
        : null,
      name: resident?.name ?? '*',
      gender: resident?.gender ?? null,
      birthYear: resident?.birthYear ?? null,
      phone: resident?.phone ?? null,
      residentId: subject?.resident_id ?? null,
      householdId: resident?.householdId ?? null,
      address: resident?.address ?? '',
      buildingId: resident?.buildingId ?? null,
      buildingAddress: resident?.buildingAddress ?? null,
      lng: resident?.lng ?? null,
      lat: resident?.lat ?? null,
      microgridCode: check.microgrid_code,
    };
  });
  const walk = (item: TodayItem) => [item.microgridCode, item.buildingAddress ?? item.address, item.address, item.subjectId, item.window];
  items.sort((a, b) => {
    const [ka, kb] = [walk(a), walk(b)];
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i].localeCompare(kb[i], 'zh-CN', { numeric: true });
    return 0;
  });
  return { date, items, truncated };
}

export interface BoardRow extends Tally {
  code: string;
  name: string;
  openAlerts: number;
  overdue: number;
}

/**
 * The day's board of a unit: its figures and those of each unit one level down (grids of a
 * community, micro-grids of a grid); for a worker, their micro-grids.
 */
export async function boardFor(
  platform: Platform,
  actor: Actor,
  query: { date?: string; unit?: string },
): Promise<{ date: string; unit: { code: string; name: string; level: string } | null; totals: BoardRow | null; rows: BoardRow[] }> {
  const { db } = platform.database;
  const date = query.date ?? today(platform.clock.now(), platform.config.timeZone);
  const widths = platform.config.orgCodeWidths;
  const prefixes = readPrefixes(actor, query.unit);
  const unitCode = query.unit ?? (actor.scope.kind === 'unit' ? actor.scope.code : undefined);
  const unit = unitCode ? await getVisibleUnit(db, actor, unitCode).catch(() => null) : null;
  const childWidth = unit ? (widths[widths.indexOf(unit.code.length) + 1] ?? unit.code.length) : widths[widths.length - 1];
  const rows = new Map<string, BoardRow>();
  const row = (code: string) => {
    let r = rows.get(code);
    if (!r) rows.set(code, (r = { code, name: code, ...emptyTally(), openAlerts: 0, overdue: 0 }));
    return r;
  };
  for (const count of await countChecks(db, prefixes, date)) {
    const r = row(count.microgridCode.slice(0, childWidth));
    r[count.state as CheckState] += count.count;
    r.checks += count.count;
  }
  for (const [code, n] of await countCheckedSubjects(db, prefixes, date)) row(code.slice(0, childWidth)).subjects += n;
  for (const alert of await dayAlerts(platform, db, prefixes, date)) {
    if (alert.outcome !== null) continue;
    const r = row(alert.microgrid_code.slice(0, childWidth));
    r.openAlerts++;
    if (alert.overdue_at !== null) r.overdue++;
  }
  const names = await lookupUnits(db, [...rows.keys()]);
  for (const r of rows.values()) r.name = names.get(r.code)?.name ?? r.code;
  const list = [...rows.values()].sort((a, b) => (a.code < b.code ? -1 : 1));
  let totals: BoardRow | null = null;
  if (unit) {
    totals = { code: unit.code, name: unit.name, ...emptyTally(), openAlerts: 0, overdue: 0 };
    for (const r of list)
      for (const key of ['subjects', 'checks', 'safe', 'waiting', 'alerted', 'resolved', 'away', 'openAlerts', 'overdue'] as const)
        totals[key] += r[key];
  }
  return { date, unit: unit ? { code: unit.code, name: unit.name, level: unit.level } : null, totals, rows: list };
}

// ── History and figures ──────────────────────────────────────────────────────────────────────────

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
  const alerts = new Map(
    (
      await alertsOfChecks(
        db,
        checks.map((c) => c.id),
      )
    ).map((a) => [a.check_id!, a]),
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

/** Rejected signals per day, channel and reason (district administrators). */
export async function rejectionCounts(platform: Platform, actor: Actor, query: { from: string; to: string }) {
  authorize(actor, 'checkin.configure');
  const rows = await rejectionsBetween(platform.database.db, query.from, query.to);
  return {
    from: query.from,
    to: query.to,
    rows: rows.map((r) => ({ day: r.day, channel: r.channel, reason: r.reason, count: Number(r.count) })),
    mqtt: subscriberState(platform),
  };
}

export async function settingsFor(platform: Platform, actor: Actor) {
  authorize(actor, 'checkin.configure');
  return checkinSettings(platform.database.db);
}

/** When the subject behind a link reported today, local `HH:MM` (for their page), or null. */
export async function checkedInToday(platform: Platform, subject: SubjectRow): Promise<string | null> {
  const day = today(platform.clock.now(), platform.config.timeZone);
  const safe = (await checksOfSubject(platform.database.db, subject.id, day, day)).filter((c) => c.safe_at !== null);
  if (safe.length === 0) return null;
  const latest = safe
    .map((c) => c.safe_at!)
    .sort()
    .at(-1)!;
  return new Intl.DateTimeFormat('en-GB', { timeZone: platform.config.timeZone, hour: '2-digit', minute: '2-digit', hour12: false }).format(
    new Date(latest),
  );
}
