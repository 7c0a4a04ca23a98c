import { sql, type Transaction } from 'kysely';
import type { Db, DbKind, Tables } from '../../platform/db/database.ts';
import { forUpdateSkipLocked } from '../../platform/db/dialect.ts';
import { insertInBatches } from '../../platform/db/batch.ts';
import { underPrefixes } from '../../platform/db/prefix.ts';
import { runReusable, selectReusable, wroteOneRow } from '../../platform/db/reusable.ts';
import type {
  CareAlertEventTable,
  CareAlertTable,
  CareAwayTable,
  CareCheckTable,
  CareDeviceTable,
  CareSignalTable,
  CareSubjectTable,
} from './checkins.tables.ts';
import type { CheckState, SignalType } from './checkins.words.ts';
import './checkins.tables.ts';

/**
 * The curtain pact's SQL for the roster (subjects, away periods, devices), the checks and the settings;
 * the alerts' is in checkins.alertLog.ts, the signals' in checkins.signalLog.ts. Scoped reads take code
 * prefixes; nothing here decides who may act.
 */
export type Executor = Db | Transaction<Tables>;
export type SubjectRow = CareSubjectTable;
export type AwayRow = CareAwayTable;
export type DeviceRow = CareDeviceTable;
export type CheckRow = CareCheckTable;
export type AlertRow = CareAlertTable;
export type AlertEventRow = CareAlertEventTable;
export type SignalRow = CareSignalTable;

const IN_CHUNK = 500;

/** Reads `values` (deduplicated) in chunks of IN_CHUNK: IN lists stay under both databases' limits. */
export async function inChunks<T>(values: string[], read: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const rows: T[] = [];
  const unique = [...new Set(values)];
  for (let i = 0; i < unique.length; i += IN_CHUNK) rows.push(...(await read(unique.slice(i, i + IN_CHUNK))));
  return rows;
}

const changed = (result: { numUpdatedRows: bigint }) => Number(result.numUpdatedRows) === 1;

// Queries named `reusable` below run on every signal (a device's message, a tick): they go through
// runReusable (platform/db/reusable.ts), compiled once, their values listed in the order the SQL takes them.

// ── Subjects ─────────────────────────────────────────────────────────────────────────────────────

export function insertSubjects(db: Executor, rows: SubjectRow[]): Promise<void> {
  return insertInBatches(db, 'care_subject', rows);
}

/** Reusable. */
export async function findSubject(db: Executor, id: string): Promise<SubjectRow | undefined> {
  const [subject] = await selectReusable(db, 'care subject by id', [id], () =>
    db.selectFrom('care_subject').selectAll().where('id', '=', id),
  );
  return subject;
}

export function findSubjectsById(db: Executor, ids: string[]): Promise<SubjectRow[]> {
  return inChunks(ids, (chunk) => db.selectFrom('care_subject').selectAll().where('id', 'in', chunk).execute());
}

/** These subjects, by id. */
export async function subjectsById(db: Executor, ids: string[]): Promise<Map<string, SubjectRow>> {
  return new Map((await findSubjectsById(db, ids)).map((subject) => [subject.id, subject]));
}

export function findSubjectsByResidents(db: Executor, residentIds: string[]): Promise<SubjectRow[]> {
  return inChunks(residentIds, (chunk) => db.selectFrom('care_subject').selectAll().where('resident_id', 'in', chunk).execute());
}

export function findSubjectByLinkHash(db: Executor, hash: string): Promise<SubjectRow | undefined> {
  return db.selectFrom('care_subject').selectAll().where('link_hash', '=', hash).executeTakeFirst();
}

/** Writes a subject's changes if nobody changed it since `version` was read. */
export async function updateSubject(db: Executor, id: string, version: number, changes: Partial<SubjectRow>): Promise<boolean> {
  return changed(
    await db
      .updateTable('care_subject')
      .set({ ...changes, version: version + 1 })
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst(),
  );
}

export interface SubjectFilter {
  prefixes: string[];
  includeRemoved?: boolean;
  after?: string;
  limit: number;
}

/** Subjects under the prefixes, by micro-grid then id (the index's order); the cursor is an id. */
export async function listSubjects(db: Executor, filter: SubjectFilter): Promise<SubjectRow[]> {
  let query = db.selectFrom('care_subject').selectAll().where(underPrefixes('microgrid_code', filter.prefixes));
  if (!filter.includeRemoved) query = query.where('removed_at', 'is', null);
  if (filter.after) {
    const cursor = await findSubject(db, filter.after);
    if (!cursor) return [];
    query = query.where((eb) =>
      eb.or([
        eb('microgrid_code', '>', cursor.microgrid_code),
        eb.and([eb('microgrid_code', '=', cursor.microgrid_code), eb('id', '>', cursor.id)]),
      ]),
    );
  }
  return query.orderBy('microgrid_code').orderBy('id').limit(filter.limit).execute();
}

/** Every subject under care, a page at a time in id order (planning). */
export function activeSubjectsAfter(db: Executor, after: string, limit: number): Promise<SubjectRow[]> {
  return db
    .selectFrom('care_subject')
    .selectAll()
    .where('removed_at', 'is', null)
    .where('id', '>', after)
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function moveSubject(db: Executor, id: string, microgridCode: string, at: string): Promise<void> {
  await db.updateTable('care_subject').set({ microgrid_code: microgridCode, updated_at: at }).where('id', '=', id).execute();
  await db
    .updateTable('care_check')
    .set({ microgrid_code: microgridCode })
    .where('subject_id', '=', id)
    .where('state', '=', 'waiting')
    .execute();
}

export async function countSubjects(db: Executor, prefixes: string[]): Promise<number> {
  const row = await db
    .selectFrom('care_subject')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(underPrefixes('microgrid_code', prefixes))
    .where('removed_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// ── Away periods ─────────────────────────────────────────────────────────────────────────────────

export async function insertAway(db: Executor, row: AwayRow): Promise<void> {
  await db.insertInto('care_away').values(row).execute();
}

export function findAway(db: Executor, id: string): Promise<AwayRow | undefined> {
  return db.selectFrom('care_away').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function deleteAway(db: Executor, id: string): Promise<boolean> {
  const result = await db.deleteFrom('care_away').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** A subject's away periods ending after `from`, soonest first. */
export function awaysOf(db: Executor, subjectId: string, from = ''): Promise<AwayRow[]> {
  return db
    .selectFrom('care_away')
    .selectAll()
    .where('subject_id', '=', subjectId)
    .where('ends_at', '>', from)
    .orderBy('starts_at')
    .execute();
}

/** Away periods of these subjects that overlap [from, to). */
export function awaysOverlapping(db: Executor, subjectIds: string[], from: string, to: string): Promise<AwayRow[]> {
  return inChunks(subjectIds, (chunk) =>
    db
      .selectFrom('care_away')
      .selectAll()
      .where('subject_id', 'in', chunk)
      .where('starts_at', '<', to)
      .where('ends_at', '>', from)
      .execute(),
  );
}

/** Waiting checks of a subject due inside [from, to) become away. */
export async function pauseChecks(db: Executor, subjectId: string, from: string, to: string, at: string): Promise<number> {
  const result = await db
    .updateTable('care_check')
    .set((eb) => ({ state: 'away' as CheckState, updated_at: at, version: eb('version', '+', 1) }))
    .where('subject_id', '=', subjectId)
    .where('state', '=', 'waiting')
    .where('due_at', '>=', from)
    .where('due_at', '<', to)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Away checks of a subject due inside [from, to) and still ahead wait again (an away period removed). */
export async function resumeChecks(db: Executor, subjectId: string, from: string, to: string, at: string): Promise<void> {
  await db
    .updateTable('care_check')
    .set((eb) => ({ state: 'waiting' as CheckState, updated_at: at, version: eb('version', '+', 1) }))
    .where('subject_id', '=', subjectId)
    .where('state', '=', 'away')
    .where('due_at', '>=', from > at ? from : at)
    .where('due_at', '<', to)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('care_away')
            .select('care_away.id')
            .whereRef('care_away.subject_id', '=', 'care_check.subject_id')
            .whereRef('care_away.starts_at', '<=', 'care_check.due_at')
            .whereRef('care_away.ends_at', '>', 'care_check.due_at'),
        ),
      ),
    )
    .execute();
}

// ── Devices ──────────────────────────────────────────────────────────────────────────────────────

export async function insertDevice(db: Executor, row: DeviceRow): Promise<void> {
  await db.insertInto('care_device').values(row).execute();
}

/** Reusable. */
export async function findDevice(db: Executor, id: string): Promise<DeviceRow | undefined> {
  const [device] = await selectReusable(db, 'care device by id', [id], () => db.selectFrom('care_device').selectAll().where('id', '=', id));
  return device;
}

/** What a signal needs to know of the subject it speaks for. */
export type SignalSubject = Pick<SubjectRow, 'id' | 'microgrid_code' | 'signals' | 'water_litres' | 'power_kwh' | 'removed_at'>;

export interface DeviceSender {
  device: Pick<DeviceRow, 'id' | 'kind' | 'retired_at'>;
  subject: SignalSubject;
}

/** Reusable: a device and its subject in one read (every device message asks), or undefined for an unknown id. */
export async function findDeviceSender(db: Executor, id: string): Promise<DeviceSender | undefined> {
  const [row] = await selectReusable(db, 'care device with its subject', [id], () =>
    db
      .selectFrom('care_device')
      .innerJoin('care_subject', 'care_subject.id', 'care_device.subject_id')
      .select([
        'care_device.kind',
        'care_device.retired_at',
        'care_device.subject_id',
        'care_subject.microgrid_code',
        'care_subject.signals',
        'care_subject.water_litres',
        'care_subject.power_kwh',
        'care_subject.removed_at',
      ])
      .where('care_device.id', '=', id),
  );
  if (!row) return undefined;
  const { kind, retired_at, subject_id, ...subject } = row;
  return { device: { id, kind, retired_at }, subject: { id: subject_id, ...subject } };
}

export function findDeviceByApiKey(db: Executor, apiKeyId: string): Promise<DeviceRow | undefined> {
  return db.selectFrom('care_device').selectAll().where('api_key_id', '=', apiKeyId).where('retired_at', 'is', null).executeTakeFirst();
}

export function devicesOf(db: Executor, subjectIds: string[]): Promise<DeviceRow[]> {
  return inChunks(subjectIds, (chunk) => db.selectFrom('care_device').selectAll().where('subject_id', 'in', chunk).orderBy('id').execute());
}

export async function retireDeviceRow(db: Executor, id: string, at: string): Promise<boolean> {
  return changed(
    await db.updateTable('care_device').set({ retired_at: at }).where('id', '=', id).where('retired_at', 'is', null).executeTakeFirst(),
  );
}

// ── Checks ───────────────────────────────────────────────────────────────────────────────────────

/** Plans checks; one already planned for the subject, day and window is left as it is. */
export async function insertChecks(db: Executor, rows: CheckRow[]): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < rows.length; i += 1000) {
    const result = await db
      .insertInto('care_check')
      .values(rows.slice(i, i + 1000))
      .onConflict((oc) => oc.columns(['subject_id', 'day', 'window_name']).doNothing())
      .executeTakeFirst();
    inserted += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return inserted;
}

/** How many checks each of these subjects has on each day of [fromDay, toDay], keyed `<subject> <day>`. */
export async function checksPlanned(db: Executor, subjectIds: string[], fromDay: string, toDay: string): Promise<Map<string, number>> {
  const rows = await inChunks(subjectIds, (chunk) =>
    db
      .selectFrom('care_check')
      .select(['subject_id', 'day', (eb) => eb.fn.countAll<number>().as('n')])
      .where('subject_id', 'in', chunk)
      .where('day', '>=', fromDay)
      .where('day', '<=', toDay)
      .groupBy(['subject_id', 'day'])
      .execute(),
  );
  return new Map(rows.map((row) => [`${row.subject_id} ${row.day}`, Number(row.n)]));
}

export function findCheck(db: Executor, id: string): Promise<CheckRow | undefined> {
  return db.selectFrom('care_check').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The check whose window holds `ts` (opened at or before, deadline after). */
export function checkOpenAt(db: Executor, subjectId: string, ts: string): Promise<CheckRow | undefined> {
  return db
    .selectFrom('care_check')
    .selectAll()
    .where('subject_id', '=', subjectId)
    .where('opens_at', '<=', ts)
    .where('due_at', '>', ts)
    .orderBy('due_at')
    .limit(1)
    .executeTakeFirst();
}

/** The latest check whose deadline passed at `ts`, if its deadline was after `since`. */
export function checkDueBefore(db: Executor, subjectId: string, ts: string, since: string): Promise<CheckRow | undefined> {
  return db
    .selectFrom('care_check')
    .selectAll()
    .where('subject_id', '=', subjectId)
    .where('due_at', '<=', ts)
    .where('due_at', '>', since)
    .orderBy('due_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** What a signal needs to know of the checks it may speak for. */
export type SignalCheck = Pick<CheckRow, 'id' | 'state' | 'opens_at' | 'due_at'>;

/** Reusable: a subject's checks opened by `ts` whose deadline is after `since`, soonest deadline first. */
export function checksOpenedBy(db: Executor, subjectId: string, ts: string, since: string): Promise<SignalCheck[]> {
  return selectReusable(db, 'care checks opened by, due after', [subjectId, ts, since], () =>
    db
      .selectFrom('care_check')
      .select(['id', 'state', 'opens_at', 'due_at'])
      .where('subject_id', '=', subjectId)
      .where('opens_at', '<=', ts)
      .where('due_at', '>', since)
      .orderBy('due_at'),
  );
}

/** Reusable. A waiting check is safe: false when it was not waiting any more (another signal, the deadline). */
export async function markCheckSafe(db: Executor, id: string, at: string, via: SignalType, now: string): Promise<boolean> {
  const safe: CheckState = 'safe';
  const waiting: CheckState = 'waiting';
  return wroteOneRow(
    await runReusable(db, 'care check safe if waiting', [safe, at, via, now, 1, id, waiting], () =>
      db
        .updateTable('care_check')
        .set((eb) => ({ state: safe, safe_at: at, safe_via: via, updated_at: now, version: eb('version', '+', 1) }))
        .where('id', '=', id)
        .where('state', '=', waiting),
    ),
  );
}

export async function resolveCheck(db: Executor, id: string, now: string): Promise<void> {
  await db
    .updateTable('care_check')
    .set((eb) => ({ state: 'resolved' as CheckState, updated_at: now, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('state', '=', 'alerted')
    .execute();
}

/** Waiting and away checks of a subject whose deadline is still ahead: dropped (a subject removed, a plan changed). */
export async function deletePendingChecks(db: Executor, subjectId: string, after: string): Promise<void> {
  await db
    .deleteFrom('care_check')
    .where('subject_id', '=', subjectId)
    .where('state', 'in', ['waiting', 'away'])
    .where('due_at', '>', after)
    .execute();
}

/**
 * Claims up to `limit` waiting checks whose deadline passed (only those in `ids`, when given): each
 * becomes `alerted`, or `away` when an away period covers its deadline, in one statement. On
 * PostgreSQL the candidates are locked and rows another instance is claiming are skipped (named
 * ones are waited for instead, so the caller then sees the other's alert); the
 * conditions are repeated on the UPDATE, so a check claimed meanwhile drops out on both databases
 * (the MATERIALIZED CTE as in notify.dispatch.ts). Exactly one transaction gets each check.
 */
export function claimDueChecks(db: Executor, kind: DbKind, now: string, limit: number, ids?: string[]): Promise<CheckRow[]> {
  let due = db.selectFrom('care_check').select('id').where('state', '=', 'waiting').where('due_at', '<=', now);
  if (ids) due = due.where('id', 'in', ids);
  const candidates = due.orderBy('due_at').orderBy('id').limit(limit);
  // The state repeated as an expression no index serves, so the claimed rows are found by id: on the
  // (state, due_at) index SQLite walked every check still due for each batch (docs/benchmarks.md).
  const stillWaiting = sql<CheckState>`coalesce(state, '')`;
  return db
    .with(
      (cte) => cte('due').materialized(),
      // Named checks (a signal's) wait for a sweeper claiming them to commit, then find them claimed;
      // a sweep passes over what another is claiming.
      () => (ids ? (kind === 'postgres' ? candidates.forUpdate() : candidates) : forUpdateSkipLocked(candidates, kind)),
    )
    .updateTable('care_check')
    .set((eb) => ({
      state: sql<CheckState>`case when exists (select 1 from care_away where care_away.subject_id = care_check.subject_id and care_away.starts_at <= care_check.due_at and care_away.ends_at > care_check.due_at) then 'away' else 'alerted' end`,
      updated_at: now,
      version: eb('version', '+', 1),
    }))
    .where('id', 'in', (eb) => eb.selectFrom('due').select('due.id'))
    .where(stillWaiting, '=', 'waiting')
    .where('due_at', '<=', now)
    .returningAll()
    .execute();
}

export interface CheckFilter {
  prefixes: string[];
  day: string;
  subjectIds?: string[];
}

export function checksOfDay(db: Executor, filter: CheckFilter): Promise<CheckRow[]> {
  let query = db.selectFrom('care_check').selectAll().where(underPrefixes('microgrid_code', filter.prefixes)).where('day', '=', filter.day);
  if (filter.subjectIds) query = query.where('subject_id', 'in', filter.subjectIds);
  return query.orderBy('due_at').orderBy('id').execute();
}

/** Checks of a day under the prefixes, counted per micro-grid and state. */
export async function countChecks(db: Executor, prefixes: string[], day: string) {
  const rows = await db
    .selectFrom('care_check')
    .select(['microgrid_code', 'state', (eb) => eb.fn.countAll<number>().as('n')])
    .where(underPrefixes('microgrid_code', prefixes))
    .where('day', '=', day)
    .groupBy(['microgrid_code', 'state'])
    .execute();
  return rows.map((row) => ({ microgridCode: row.microgrid_code, state: row.state, count: Number(row.n) }));
}

/** People with a check on `day`, per micro-grid under the prefixes (a person lives in one micro-grid). */
export async function countCheckedSubjects(db: Executor, prefixes: string[], day: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('care_check')
    .select(['microgrid_code', (eb) => eb.fn.count<number>('subject_id').distinct().as('n')])
    .where(underPrefixes('microgrid_code', prefixes))
    .where('day', '=', day)
    .groupBy('microgrid_code')
    .execute();
  return new Map(rows.map((row) => [row.microgrid_code, Number(row.n)]));
}

export function checksOfSubject(db: Executor, subjectId: string, fromDay: string, toDay: string): Promise<CheckRow[]> {
  return db
    .selectFrom('care_check')
    .selectAll()
    .where('subject_id', '=', subjectId)
    .where('day', '>=', fromDay)
    .where('day', '<=', toDay)
    .orderBy('day', 'desc')
    .orderBy('due_at', 'desc')
    .execute();
}

// ── Settings ─────────────────────────────────────────────────────────────────────────────────────

/** Reusable (a meter's reading, a panic read them). */
export async function findSettings(db: Executor) {
  const [row] = await selectReusable(db, 'care settings', [1], () =>
    db.selectFrom('care_setting').select(['settings', 'version']).where('id', '=', 1),
  );
  return row;
}

/** Saves the settings over `version` (0: none stored yet); false when someone saved first. */
export async function saveSettings(db: Executor, settings: string, version: number, at: string): Promise<boolean> {
  if (version === 0) {
    const result = await db
      .insertInto('care_setting')
      .values({ id: 1, settings, updated_at: at, version: 1 })
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }
  return changed(
    await db
      .updateTable('care_setting')
      .set({ settings, updated_at: at, version: version + 1 })
      .where('id', '=', 1)
      .where('version', '=', version)
      .executeTakeFirst(),
  );
}
