import type { Actor } from '../../platform/authz/actor.ts';
import { authorize } from '../../platform/authz/policy.ts';
import type { Platform } from '../../platform/context.ts';
import { usernamesById } from '../accounts/accounts.queries.ts';
import { careResidents, type CareResident } from '../people/people.contact.ts';
import { readPrefixes, visibleAlert, visibleSubject } from './checkins.access.ts';
import { maskContacts, openContacts, type MaskedContact } from './checkins.personalData.ts';
import { eventsOfAlert, listAlerts } from './checkins.alertLog.ts';
import { awaysOf, devicesOf, subjectsById, listSubjects, type AlertRow, type Executor, type SubjectRow } from './checkins.repository.ts';
import { rejectionsBetween } from './checkins.signalLog.ts';
import { subscriberState } from './checkins.mqtt.ts';
import { checkinSettings, type Window } from './checkins.settings.ts';
import { addDays, localInstant, today } from './checkins.windows.ts';
import type { AwayReason, DeviceKind, Outcome, SignalType } from './checkins.words.ts';

/**
 * The read side of the curtain pact: the roster and its subjects, alerts with their timelines, rejected
 * signals, settings. Masked throughout. The day (summary, lists, board) is in checkins.board.ts, history
 * and monthly figures in checkins.figures.ts.
 */

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
    (await subjectsById(
      db,
      rows.map((a) => a.subject_id),
    ));
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
