import type { Actor } from '../../platform/authz/actor.ts';
import { auditContextOf, recordAudit, type AuditEntry } from '../../platform/audit/audit.record.ts';
import type { Trx } from '../../platform/command.ts';
import type { Platform } from '../../platform/context.ts';
import { ulidFactory } from '../../platform/ids.ts';
import { notifyAll, type Notification, type Recipient } from '../../platform/notify/notify.enqueue.ts';
import { normaliseMobile } from '../../platform/notify/notify.sealed.ts';
import { residentsInMessages, workerAccountsOf, type ResidentInMessage } from '../people/people.contact.ts';
import { openContacts, type Contact } from './checkins.personalData.ts';
import { eventsOfAlert, insertAlertEvents, insertAlerts } from './checkins.alertLog.ts';
import {
  findSubject,
  findSubjectsById,
  resolveCheck,
  type AlertEventRow,
  type AlertRow,
  type CheckRow,
  type SubjectRow,
} from './checkins.repository.ts';
import { checkinSettings, overdueAt, rungDueAt, type CheckinSettings } from './checkins.settings.ts';
import {
  OUTCOME_NAMES,
  SERIOUS_OUTCOMES,
  SIGNAL_NAMES,
  WINDOW_NAMES,
  type Outcome,
  type SignalType,
  type WindowName,
} from './checkins.words.ts';

/**
 * The ladder (DOMAIN.md §5): who hears of an alert and when, and what they are told.
 *
 * - raise (the deadline): the caretaker — the accounts of the micro-grid's workers, in-app, and the
 *   micro-grid's own channels; the grid's staff when the micro-grid has no worker with an account;
 * - rung 1 (ack time, default 15 min): the grid's staff; rung 2 (+15): the community;
 * - rung 3 (+15): the emergency contacts by SMS (those marked "phone" are to be called) and the
 *   district command centre;
 * - overdue (default 60 min after the deadline, no outcome): the command centre;
 * - a late sign of life: an all-clear to everyone told so far; the caretaker confirms with one tap;
 * - an outcome: ill, hospital or dead tell the command centre (and a care case is opened); the
 *   family hears the outcome when the ladder reached them, and always when it is serious.
 *
 * A panic button reaches everyone on the ladder at once.
 *
 * Every message is queued in the transaction of the step that sends it, under a dedupe key of the
 * alert, step and recipient. In-app texts carry the subject's masked name and address (what the
 * linked page shows); texts to the family use the name they know. Event details name recipients as
 * units, accounts and contact positions, never a number or a name.
 */
export const LADDER_TOP = 3;

export type RecipientRef = { unit: string } | { user: string } | { contact: number };

const ulid = ulidFactory();

export const refKey = (ref: RecipientRef) =>
  'unit' in ref ? `unit:${ref.unit}` : 'user' in ref ? `user:${ref.user}` : `contact:${ref.contact}`;

export interface AlertPeople {
  subject: SubjectRow;
  resident: ResidentInMessage | undefined;
  caretakers: string[];
  contacts: Contact[];
}

export interface Levels {
  microgrid: string;
  grid: string;
  community: string;
  district: string;
}

export function levelsOf(platform: Platform, microgrid: string): Levels {
  const w = platform.config.orgCodeWidths;
  return { microgrid, grid: microgrid.slice(0, w[3]), community: microgrid.slice(0, w[2]), district: microgrid.slice(0, w[0]) };
}

/** Whoever looks after the subject: the worker accounts of the micro-grid (and its channels), else the grid's staff. */
export function caretakerRefs(levels: Levels, accounts: string[]): RecipientRef[] {
  return accounts.length > 0 ? [...accounts.map((user) => ({ user })), { unit: levels.microgrid }] : [{ unit: levels.grid }];
}

/** Contacts to text (SMS channel and a mobile number), by their position in the plan. */
function textableContacts(contacts: Contact[]): RecipientRef[] {
  return contacts.flatMap((c, i) => (c.channel === 'sms' && normaliseMobile(c.phone) ? [{ contact: i }] : []));
}

export function rungRefs(levels: Levels, rung: number, contacts: Contact[]): RecipientRef[] {
  if (rung === 1) return [{ unit: levels.grid }];
  if (rung === 2) return [{ unit: levels.community }];
  return [...textableContacts(contacts), { unit: levels.district }];
}

const HHMM = new Map<string, Intl.DateTimeFormat>();
export function localTime(iso: string, timeZone: string): string {
  let format = HHMM.get(timeZone);
  if (!format)
    HHMM.set(timeZone, (format = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hour12: false })));
  return format.format(new Date(iso));
}

/** The masked name and address, as the alert's page shows them to its units. */
function who(people: AlertPeople): string {
  const r = people.resident;
  return r ? `${r.name}（${r.address}）` : '关爱对象';
}

function windowName(window: WindowName | null): string {
  return window ? WINDOW_NAMES[window] : '';
}

export interface Message {
  title: string;
  body: string;
}

/** Sends `message(ref)` to each recipient under `key`:<recipient>; contacts by SMS through the district's gateway. */
export function sendTo(
  platform: Platform,
  trx: Trx,
  alert: AlertRow,
  refs: RecipientRef[],
  people: AlertPeople,
  key: string,
  message: (ref: RecipientRef) => Message,
): Promise<void> {
  return notifyAll(platform, trx, notificationsTo(alert, refs, people, key, message));
}

/** The notifications `sendTo` queues, for callers that queue those of many alerts at once. */
export function notificationsTo(
  alert: AlertRow,
  refs: RecipientRef[],
  people: AlertPeople,
  key: string,
  message: (ref: RecipientRef) => Message,
): Notification[] {
  return refs.flatMap((ref): Notification[] => {
    let recipient: Recipient;
    if ('contact' in ref) {
      const contact = people.contacts[ref.contact];
      if (!contact || !normaliseMobile(contact.phone)) return [];
      recipient = { phone: contact.phone, name: contact.name };
    } else recipient = ref;
    const { title, body } = message(ref);
    return [
      {
        recipient,
        title,
        body,
        ...('contact' in ref ? {} : { link: `/checkins/alerts/${alert.id}` }),
        dedupeKey: `checkin-alert:${alert.id}:${key}:${refKey(ref)}`,
      },
    ];
  });
}

/** The subjects, their residents, caretakers and (opened) contacts of a set of alerts, read at once. */
export async function peopleOf(
  platform: Platform,
  trx: Trx,
  subjectIds: string[],
  withContacts: boolean,
): Promise<Map<string, AlertPeople>> {
  const subjects = await findSubjectsById(trx, subjectIds);
  const residents = await residentsInMessages(
    trx,
    subjects.map((s) => s.resident_id),
  );
  const accounts = await workerAccountsOf(trx, [...new Set(subjects.map((s) => s.microgrid_code))]);
  return new Map(
    subjects.map((subject) => [
      subject.id,
      {
        subject,
        resident: residents.get(subject.resident_id),
        caretakers: accounts.get(subject.microgrid_code) ?? [],
        contacts: withContacts ? openContacts(platform, subject) : [],
      },
    ]),
  );
}

export async function audit(platform: Platform, trx: Trx, actor: Actor, requestId: string | null, entry: AuditEntry): Promise<void> {
  await recordAudit(trx, platform.database.kind, platform.clock, auditContextOf(actor, requestId), entry);
}

/** Whole minutes from `from` to `to` (0 when not after). */
export const minutesBetween = (from: string, to: Date) => Math.max(0, Math.floor((to.getTime() - Date.parse(from)) / 60_000));

export function alertEvent(alertId: string, step: string, actor: Actor, at: string, details: Record<string, unknown>): AlertEventRow {
  return {
    alert_id: alertId,
    step,
    at,
    actor_id: actor.type === 'user' ? actor.id : null,
    actor_label: `${actor.type}:${actor.label}`,
    details: JSON.stringify(details),
  };
}

// ── Raising ──────────────────────────────────────────────────────────────────────────────────────

/**
 * Raises an alert for each check just claimed as `alerted` (claimDueChecks) and tells each subject's
 * caretaker. `lateMinutes` records how long after its deadline each was raised: the gap when the
 * server was down. One audit record for the batch.
 */
export async function raiseClaimed(
  platform: Platform,
  trx: Trx,
  claimed: CheckRow[],
  now: Date,
  actor: Actor,
  requestId: string | null,
): Promise<AlertRow[]> {
  const alerted = claimed.filter((check) => check.state === 'alerted');
  if (claimed.length === 0) return [];
  const at = now.toISOString();
  const { settings } = await checkinSettings(trx);
  const people = await peopleOf(platform, trx, [...new Set(alerted.map((c) => c.subject_id))], false);
  const alerts: AlertRow[] = alerted.map((check) => ({
    id: ulid(now.getTime()),
    kind: 'missed',
    check_id: check.id,
    signal_key: null,
    subject_id: check.subject_id,
    microgrid_code: check.microgrid_code,
    day: check.day,
    window_name: check.window_name,
    due_at: check.due_at,
    raised_at: at,
    late_minutes: minutesBetween(check.due_at, now),
    rung: 0,
    next_rung_at: rungDueAt(settings, check.due_at, 1),
    overdue_due_at: overdueAt(settings, check.due_at),
    ...unanswered(at),
  }));
  await insertAlerts(trx, alerts);
  const events: AlertEventRow[] = [];
  const notifications: Notification[] = [];
  for (const alert of alerts) {
    const who = people.get(alert.subject_id)!;
    const refs = caretakerRefs(levelsOf(platform, alert.microgrid_code), who.caretakers);
    events.push(alertEvent(alert.id, 'raise', actor, at, { recipients: refs, lateMinutes: alert.late_minutes, dueAt: alert.due_at }));
    notifications.push(...notificationsTo(alert, refs, who, 'raise', () => raiseMessage(platform, settings, alert, who)));
  }
  await insertAlertEvents(trx, events);
  // The caretakers of the whole batch in a few statements: a deadline raises thousands at once.
  await notifyAll(platform, trx, notifications);
  await audit(platform, trx, actor, requestId, {
    action: 'checkin.raise',
    objectType: 'care_check',
    summary: {
      alerts: alerts.map((a) => a.id),
      away: claimed.length - alerted.length,
      maxLateMinutes: Math.max(0, ...alerts.map((a) => a.late_minutes)),
    },
  });
  return alerts;
}

function raiseMessage(platform: Platform, settings: CheckinSettings, alert: AlertRow, people: AlertPeople): Message {
  const late = alert.late_minutes > 1 ? `（系统恢复后补发，已超过截止时间${alert.late_minutes}分钟）` : '';
  return {
    title: '关爱对象未报平安',
    body: `${who(people)}${windowName(alert.window_name)}未在${localTime(alert.due_at, platform.config.timeZone)}前报平安${late}，请在${settings.ackMinutes}分钟内确认，并上门或电话查看。`,
  };
}

/** A panic button: an urgent alert to everyone on the ladder at once (once per signal). */
export async function raisePanic(
  platform: Platform,
  trx: Trx,
  subject: SubjectRow,
  signalKey: string,
  ts: string,
  day: string,
  actor: Actor,
  requestId: string | null,
): Promise<AlertRow> {
  const now = platform.clock.now();
  const at = now.toISOString();
  const { settings } = await checkinSettings(trx);
  const people = (await peopleOf(platform, trx, [subject.id], true)).get(subject.id)!;
  const alert: AlertRow = {
    id: ulid(now.getTime()),
    kind: 'panic',
    check_id: null,
    signal_key: signalKey,
    subject_id: subject.id,
    microgrid_code: subject.microgrid_code,
    day,
    window_name: null,
    due_at: ts < at ? ts : at,
    raised_at: at,
    late_minutes: minutesBetween(ts < at ? ts : at, now),
    rung: LADDER_TOP,
    next_rung_at: null,
    overdue_due_at: overdueAt(settings, ts < at ? ts : at),
    ...unanswered(at),
  };
  await insertAlerts(trx, [alert]);
  const levels = levelsOf(platform, subject.microgrid_code);
  const refs = dedupeRefs([
    ...caretakerRefs(levels, people.caretakers),
    { unit: levels.grid },
    { unit: levels.community },
    ...rungRefs(levels, LADDER_TOP, people.contacts),
  ]);
  await insertAlertEvents(trx, [
    alertEvent(alert.id, 'raise', actor, at, { recipients: refs, lateMinutes: alert.late_minutes, dueAt: alert.due_at, panic: true }),
  ]);
  await sendTo(platform, trx, alert, refs, people, 'raise', (ref) =>
    'contact' in ref
      ? { title: '紧急求助', body: `${people.resident?.nameForMessage ?? '您的家人'}按下了紧急求助按钮，社区工作人员正赶往查看。` }
      : { title: '紧急求助', body: `${who(people)}按下了紧急求助按钮，请立即上门查看。` },
  );
  await audit(platform, trx, actor, requestId, {
    action: 'checkin.panic',
    objectType: 'care_alert',
    objectId: alert.id,
    summary: { recipients: refs.length },
  });
  return alert;
}

function dedupeRefs(refs: RecipientRef[]): RecipientRef[] {
  const seen = new Set<string>();
  return refs.filter((ref) => !seen.has(refKey(ref)) && seen.add(refKey(ref)));
}

// ── Climbing ─────────────────────────────────────────────────────────────────────────────────────

/** The message of a rung; contacts get a text in words their family uses. */
export function rungMessage(platform: Platform, alert: AlertRow, rung: number, people: AlertPeople, ref: RecipientRef): Message {
  if ('contact' in ref) {
    const contact = people.contacts[ref.contact];
    return {
      title: '家人未报平安',
      body: `${contact?.name ?? ''}您好：您的家人${people.resident?.nameForMessage ?? ''}今天${windowName(alert.window_name)}未按时报平安，社区工作人员正在联系查看。如您知道情况，请尽快与社区联系。`,
    };
  }
  const minutes = Math.round((platform.clock.now().getTime() - Date.parse(alert.due_at)) / 60_000);
  const calls = people.contacts.filter((c) => c.channel === 'phone').length;
  const callNote = rung >= LADDER_TOP && calls > 0 ? `另有${calls}位紧急联系人需电话联系（见预警详情）。` : '';
  return {
    title: '关爱预警升级',
    body: `${who(people)}${windowName(alert.window_name)}未报平安，截止后${minutes}分钟仍无人确认（第${rung}级升级），请立即跟进。${callNote}`,
  };
}

export function overdueMessage(platform: Platform, settings: CheckinSettings, alert: AlertRow, people: AlertPeople): Message {
  return {
    title: '关爱预警超时未处置',
    body: `${who(people)}${alert.kind === 'panic' ? '紧急求助' : `${windowName(alert.window_name)}未报平安`}，已超过${settings.overdueMinutes}分钟仍无处置结果，请指挥中心督办。`,
  };
}

/** Everyone an alert's raise, rungs and overdue flag reached so far. */
export async function notifiedSoFar(trx: Trx, alertId: string): Promise<RecipientRef[]> {
  const events = await eventsOfAlert(trx, alertId);
  const refs = events
    .filter((e) => e.step === 'raise' || e.step.startsWith('rung:') || e.step === 'overdue')
    .flatMap((e) => (JSON.parse(e.details) as { recipients?: RecipientRef[] }).recipients ?? []);
  return dedupeRefs(refs);
}

// ── A late sign of life ──────────────────────────────────────────────────────────────────────────

/**
 * A sign of life after the deadline: the climb stops, everyone told so far hears the all-clear, and
 * the caretaker is asked to confirm with one tap (the alert stays open for a person's outcome).
 * False when the alert already had a late signal or an outcome.
 */
export async function signalAlert(
  platform: Platform,
  trx: Trx,
  alert: AlertRow,
  signal: { ts: string; type: SignalType; source: string },
  actor: Actor,
  requestId: string | null,
): Promise<boolean> {
  const now = platform.clock.now().toISOString();
  const updated = await trx
    .updateTable('care_alert')
    .set((eb) => ({
      signal_at: signal.ts,
      signal_type: signal.type,
      next_rung_at: null,
      overdue_due_at: null,
      updated_at: now,
      version: eb('version', '+', 1),
    }))
    .where('id', '=', alert.id)
    .where('signal_at', 'is', null)
    .where('outcome', 'is', null)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) return false;
  const refs = await notifiedSoFar(trx, alert.id);
  const needContacts = refs.some((ref) => 'contact' in ref);
  const people = (await peopleOf(platform, trx, [alert.subject_id], needContacts)).get(alert.subject_id)!;
  const caretakers = new Set(caretakerRefs(levelsOf(platform, alert.microgrid_code), people.caretakers).map(refKey));
  await insertAlertEvents(trx, [
    alertEvent(alert.id, 'signal', actor, now, { type: signal.type, source: signal.source, ts: signal.ts, recipients: refs }),
  ]);
  const when = localTime(signal.ts, platform.config.timeZone);
  await sendTo(platform, trx, alert, refs, people, 'all-clear', (ref) => {
    if ('contact' in ref)
      return { title: '家人已报平安', body: `您的家人${people.resident?.nameForMessage ?? ''}已于${when}报平安，请放心。` };
    const confirm = caretakers.has(refKey(ref)) ? '请一键确认平安，或上门查看后记录结果。' : '预警已停止升级。';
    return { title: '已收到平安信号', body: `${who(people)}已于${when}通过${SIGNAL_NAMES[signal.type]}报平安。${confirm}` };
  });
  await audit(platform, trx, actor, requestId, {
    action: 'checkin.alert_signal',
    objectType: 'care_alert',
    objectId: alert.id,
    summary: { type: signal.type, source: signal.source, allClear: refs.length },
  });
  return true;
}

// ── Acknowledgement and outcome ──────────────────────────────────────────────────────────────────

/** Someone the ladder reached takes the alert on: the climb stops. False when already taken (or ended). */
export async function acknowledgeIn(platform: Platform, trx: Trx, alert: AlertRow, actor: Actor): Promise<boolean> {
  const now = platform.clock.now().toISOString();
  const updated = await trx
    .updateTable('care_alert')
    .set((eb) => ({ acknowledged_at: now, acknowledged_by: actor.id, next_rung_at: null, updated_at: now, version: eb('version', '+', 1) }))
    .where('id', '=', alert.id)
    .where('acknowledged_at', 'is', null)
    .where('outcome', 'is', null)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) return false;
  await insertAlertEvents(trx, [
    alertEvent(alert.id, 'ack', actor, now, { lateMinutes: minutesBetween(alert.due_at, platform.clock.now()) }),
  ]);
  return true;
}

/**
 * The outcome a person recorded: the alert ends (no more rungs, no overdue flag), its check is
 * resolved; a serious outcome tells the command centre and wants a care case (opened after commit,
 * commands/respondToAlert.ts); the family hears it when the ladder reached them, and always when it
 * is serious. False when an outcome was recorded already.
 */
export async function recordOutcomeIn(
  platform: Platform,
  trx: Trx,
  alert: AlertRow,
  outcome: Outcome,
  note: string | null,
  actor: Actor,
): Promise<AlertRow | null> {
  const now = platform.clock.now();
  const at = now.toISOString();
  const serious = SERIOUS_OUTCOMES.includes(outcome);
  const changes = {
    outcome,
    outcome_note: note,
    outcome_by: actor.id,
    outcome_at: at,
    next_rung_at: null,
    overdue_due_at: null,
    case_wanted: serious ? 1 : 0,
    updated_at: at,
  };
  const updated = await trx
    .updateTable('care_alert')
    .set((eb) => ({ ...changes, version: eb('version', '+', 1) }))
    .where('id', '=', alert.id)
    .where('outcome', 'is', null)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) return null;
  if (alert.check_id) await resolveCheck(trx, alert.check_id, at);
  const told = await notifiedSoFar(trx, alert.id);
  const subject = await findSubject(trx, alert.subject_id);
  const contacts = subject ? openContacts(platform, subject) : [];
  const family = serious ? textableContacts(contacts) : told.filter((ref) => 'contact' in ref);
  const people = (await peopleOf(platform, trx, [alert.subject_id], family.length > 0)).get(alert.subject_id)!;
  const refs: RecipientRef[] = [...family, ...(serious ? [{ unit: levelsOf(platform, alert.microgrid_code).district }] : [])];
  await insertAlertEvents(trx, [
    alertEvent(alert.id, 'outcome', actor, at, { outcome, minutesAfterDeadline: minutesBetween(alert.due_at, now), recipients: refs }),
  ]);
  await sendTo(platform, trx, alert, refs, people, 'outcome', (ref) => {
    if ('contact' in ref) {
      return serious
        ? {
            title: '家人情况通知',
            body: `您的家人${people.resident?.nameForMessage ?? ''}的情况需要您尽快与社区联系，工作人员已在现场处置。`,
          }
        : {
            title: '家人平安',
            body: `您的家人${people.resident?.nameForMessage ?? ''}已由工作人员确认：${OUTCOME_NAMES[outcome]}，请放心。`,
          };
    }
    return { title: '关爱对象需要救助', body: `${who(people)}：${OUTCOME_NAMES[outcome]}。已转为关爱服务案件，请指挥中心跟进。` };
  });
  return { ...alert, ...changes, version: alert.version + 1 };
}

/** What a newly raised alert has not had yet: an acknowledgement, a late signal, an outcome, a case. */
function unanswered(at: string) {
  return {
    overdue_at: null,
    acknowledged_at: null,
    acknowledged_by: null,
    signal_at: null,
    signal_type: null,
    outcome: null,
    outcome_note: null,
    outcome_by: null,
    outcome_at: null,
    case_wanted: 0,
    case_id: null,
    created_at: at,
    updated_at: at,
    version: 1,
  };
}
