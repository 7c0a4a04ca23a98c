import type { Actor } from '../../platform/authz/actor.ts';
import type { Platform } from '../../platform/context.ts';
import { getVisibleUnit, lookupUnits } from '../org/org.queries.ts';
import { careResidents } from '../people/people.contact.ts';
import { readPrefixes } from './checkins.access.ts';
import { alertStatus, type AlertStatus } from './checkins.queries.ts';
import { alertsByCheck, listAlerts } from './checkins.alertLog.ts';
import {
  checksOfDay,
  checksOfSubject,
  countCheckedSubjects,
  countChecks,
  subjectsById,
  type AlertRow,
  type CheckRow,
  type Executor,
  type SubjectRow,
} from './checkins.repository.ts';
import { addDays, localInstant, today } from './checkins.windows.ts';
import type { CheckState, Outcome, SignalType } from './checkins.words.ts';

/**
 * The curtain pact's day, as the people who watch it see it: the summary of a scope, the worker's
 * list in walking order, the board per unit, and what the subject's own page shows. Masked throughout.
 */

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
  const subjects = await subjectsById(
    db,
    shown.map((c) => c.subject_id),
  );
  const residents = await careResidents(
    platform,
    db,
    [...subjects.values()].map((s) => s.resident_id),
  );
  const alerts = await alertsByCheck(
    db,
    shown.map((c) => c.id),
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
