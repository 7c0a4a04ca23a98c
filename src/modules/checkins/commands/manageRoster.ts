import { authorize } from '../../../platform/authz/policy.ts';
import { scopePrefixes } from '../../../platform/authz/actor.ts';
import { runAudited, type By, type Trx } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { prefixesWithin } from '../../../platform/db/prefix.ts';
import { conflict, staleVersion, unprocessable } from '../../../platform/http/errors.ts';
import { ulidFactory } from '../../../platform/ids.ts';
import { normaliseMobile } from '../../../platform/notify/notify.sealed.ts';
import { getVisibleUnit } from '../../org/org.queries.ts';
import { residentsTagged } from '../../people/people.contact.ts';
import { residentDetail } from '../../people/people.queries.ts';
import { visibleSubject } from '../checkins.access.ts';
import { openContacts, openNotes, sealContacts, sealNotes, type Contact } from '../checkins.personalData.ts';
import {
  deletePendingChecks,
  findSubjectsByResidents,
  insertChecks,
  insertSubjects,
  updateSubject,
  awaysOverlapping,
  type SubjectRow,
} from '../checkins.repository.ts';
import { checkinSettings, type Window } from '../checkins.settings.ts';
import { addDays, checksToPlan, today } from '../checkins.windows.ts';
import type { CareTag, SignalType } from '../checkins.words.ts';

/** The roster (DOMAIN.md §5): who is under care, and their plan. */

const ulid = ulidFactory();

export interface PlanInput {
  morningWindow?: Window;
  eveningWindow?: Window | null;
  signals?: SignalType[];
  /** null: the district's setting. */
  waterLitres?: number | null;
  powerKwh?: number | null;
  /** In the order they are to be tried; replaces the list. */
  contacts?: ContactInput[];
  /** null removes them. */
  healthNotes?: string | null;
}

export type ContactInput = Omit<Contact, 'relation'> & { relation?: string | null };

/** Contacts as stored: trimmed, an SMS contact with a mainland mobile number. */
function cleanContacts(contacts: ContactInput[]): Contact[] {
  return contacts.map((c, index) => {
    const phone = c.phone.replace(/[\s-]/g, '');
    if (c.channel === 'sms' && !normaliseMobile(phone)) {
      throw unprocessable('checkin.bad_contact_phone', 'A contact to be texted needs a mainland mobile number.', { index });
    }
    if (!/^\+?\d{5,20}$/.test(phone)) throw unprocessable('checkin.bad_contact_phone', 'A contact needs a phone number.', { index });
    return { name: c.name.trim(), phone, relation: c.relation?.trim() || null, channel: c.channel };
  });
}

/** The plan's columns from the input, over `base` (the current row, or the district's defaults). */
function planColumns(
  platform: Platform,
  input: PlanInput,
  base: Pick<SubjectRow, 'morning_start' | 'morning_end' | 'evening_start' | 'evening_end' | 'signals' | 'water_litres' | 'power_kwh'>,
) {
  const columns: Partial<SubjectRow> = {};
  if (input.morningWindow) Object.assign(columns, { morning_start: input.morningWindow.start, morning_end: input.morningWindow.end });
  if (input.eveningWindow !== undefined) {
    Object.assign(columns, { evening_start: input.eveningWindow?.start ?? null, evening_end: input.eveningWindow?.end ?? null });
  }
  const morning = { start: columns.morning_start ?? base.morning_start, end: columns.morning_end ?? base.morning_end };
  const evening = 'evening_start' in columns ? columns.evening_start : base.evening_start;
  if (evening && evening < morning.end) {
    throw unprocessable('checkin.windows_overlap', 'The evening window opens after the morning deadline.');
  }
  if (input.signals) columns.signals = JSON.stringify([...new Set(input.signals)]);
  if (input.waterLitres !== undefined) columns.water_litres = input.waterLitres;
  if (input.powerKwh !== undefined) columns.power_kwh = input.powerKwh;
  if (input.contacts !== undefined) columns.contacts_enc = sealContacts(platform, cleanContacts(input.contacts));
  if (input.healthNotes !== undefined) columns.health_notes_enc = sealNotes(platform, input.healthNotes?.trim() || null);
  return columns;
}

/** What changed, for the audit trail: field names only, never the values. */
const changedFields = (input: PlanInput) => Object.keys(input).filter((key) => input[key as keyof PlanInput] !== undefined);

/** Plans today's and tomorrow's checks of these subjects (from `planned_from` on), away ones as away. */
async function planAhead(platform: Platform, trx: Trx, subjects: SubjectRow[]): Promise<void> {
  const now = platform.clock.now();
  const day = today(now, platform.config.timeZone);
  const rows = subjects.flatMap((s) =>
    checksToPlan(s, [day, addDays(day, 1)], platform.config.timeZone, () => ulid(now.getTime()), now.toISOString()),
  );
  if (rows.length === 0) return;
  const aways = await awaysOverlapping(trx, [...new Set(rows.map((r) => r.subject_id))], now.toISOString(), addDays(day, 3));
  for (const row of rows) {
    if (aways.some((a) => a.subject_id === row.subject_id && a.starts_at <= row.due_at && a.ends_at > row.due_at)) row.state = 'away';
  }
  await insertChecks(trx, rows);
}

async function newSubject(
  platform: Platform,
  trx: Trx,
  resident: { id: string; microgridCode: string },
  input: PlanInput,
  via: SubjectRow['enrolled_via'],
): Promise<SubjectRow> {
  const { settings } = await checkinSettings(trx);
  const at = platform.clock.now().toISOString();
  const base = {
    morning_start: settings.morningWindow.start,
    morning_end: settings.morningWindow.end,
    evening_start: settings.eveningWindow?.start ?? null,
    evening_end: settings.eveningWindow?.end ?? null,
    signals: JSON.stringify(settings.signals),
    water_litres: null,
    power_kwh: null,
  };
  return {
    id: ulid(),
    resident_id: resident.id,
    microgrid_code: resident.microgridCode,
    ...base,
    contacts_enc: null,
    health_notes_enc: null,
    link_hash: null,
    link_issued_at: null,
    enrolled_via: via,
    planned_from: at,
    removed_at: null,
    created_at: at,
    updated_at: at,
    version: 1,
    ...planColumns(platform, input, base),
  };
}

/**
 * Puts a resident of the registry under care with a plan (the district's defaults where the input
 * says nothing). A resident taken off the roster before comes back with their old plan and contacts,
 * changed by the input. Today's and tomorrow's checks are planned at once, from now on.
 */
export async function enrolSubject(platform: Platform, by: By, input: { residentId: string; plan?: PlanInput }): Promise<SubjectRow> {
  const resident = await residentDetail(platform, by.actor, input.residentId); // 404 outside the scope
  authorize(by.actor, 'checkin.manage', resident.microgridCode);
  return runAudited(platform, by, async (trx) => {
    const [existing] = await findSubjectsByResidents(trx, [resident.id]);
    const at = platform.clock.now().toISOString();
    let subject: SubjectRow;
    if (existing && existing.removed_at === null) {
      throw conflict('checkin.already_enrolled', 'This resident is already under care.', { subjectId: existing.id });
    }
    if (existing) {
      const changes = {
        ...planColumns(platform, input.plan ?? {}, existing),
        microgrid_code: resident.microgridCode,
        removed_at: null,
        planned_from: at,
        updated_at: at,
      };
      if (!(await updateSubject(trx, existing.id, existing.version, changes))) throw staleVersion(existing.version + 1);
      subject = { ...existing, ...changes, version: existing.version + 1 };
    } else {
      subject = await newSubject(platform, trx, resident, input.plan ?? {}, 'staff');
      await insertSubjects(trx, [subject]);
    }
    await planAhead(platform, trx, [subject]);
    return {
      result: subject,
      audit: {
        action: 'checkin.enrol',
        objectType: 'care_subject',
        objectId: subject.id,
        summary: {
          residentId: resident.id,
          microgridCode: subject.microgrid_code,
          again: existing !== undefined,
          fields: changedFields(input.plan ?? {}),
        },
      },
    };
  });
}

/**
 * Enrols, with the district's default plan, every resident under a unit tagged with any of `tags`
 * who is not on the roster yet. Residents taken off the roster stay off (someone decided so).
 */
export async function enrolTagged(
  platform: Platform,
  by: By,
  input: { unitCode: string; tags: CareTag[] },
): Promise<{ enrolled: number; alreadyEnrolled: number; removedBefore: number }> {
  const unit = await getVisibleUnit(platform.database.db, by.actor, input.unitCode);
  authorize(by.actor, 'checkin.manage', unit.code);
  return runAudited(platform, by, async (trx) => {
    const residents = await residentsTagged(trx, prefixesWithin(scopePrefixes(by.actor.scope), unit.code), input.tags);
    const existing = new Map(
      (
        await findSubjectsByResidents(
          trx,
          residents.map((r) => r.id),
        )
      ).map((s) => [s.resident_id, s]),
    );
    const fresh: SubjectRow[] = [];
    for (const resident of residents) {
      if (!existing.has(resident.id)) fresh.push(await newSubject(platform, trx, resident, {}, 'tags'));
    }
    await insertSubjects(trx, fresh);
    await planAhead(platform, trx, fresh);
    const removedBefore = [...existing.values()].filter((s) => s.removed_at !== null).length;
    const result = { enrolled: fresh.length, alreadyEnrolled: existing.size - removedBefore, removedBefore };
    return {
      result,
      audit: { action: 'checkin.enrol_tagged', objectType: 'org_unit', objectId: unit.code, summary: { tags: input.tags, ...result } },
    };
  });
}

/**
 * Changes a plan. New windows apply from now: the checks still ahead are planned again, a deadline
 * already passed keeps its check. Contacts are replaced as a list; health notes null removes them.
 */
export async function updatePlan(platform: Platform, by: By, id: string, input: PlanInput & { version: number }): Promise<SubjectRow> {
  return runAudited(platform, by, async (trx) => {
    const subject = await visibleSubject(trx, by.actor, id);
    authorize(by.actor, 'checkin.manage', subject.microgrid_code);
    if (subject.removed_at !== null) throw conflict('checkin.not_enrolled', 'This person is no longer under care.');
    if (subject.version !== input.version) throw staleVersion(subject.version);
    const { version: _version, ...plan } = input;
    const at = platform.clock.now().toISOString();
    const windowsChange = plan.morningWindow !== undefined || plan.eveningWindow !== undefined;
    const changes: Partial<SubjectRow> = {
      ...planColumns(platform, plan, subject),
      updated_at: at,
      ...(windowsChange ? { planned_from: at } : {}),
    };
    if (!(await updateSubject(trx, id, subject.version, changes))) throw staleVersion(subject.version + 1);
    const updated = { ...subject, ...changes, version: subject.version + 1 };
    if (windowsChange) {
      await deletePendingChecks(trx, id, at);
      await planAhead(platform, trx, [updated]);
    }
    return {
      result: updated,
      audit: { action: 'checkin.plan', objectType: 'care_subject', objectId: id, summary: { fields: changedFields(plan) } },
    };
  });
}

/** Takes a person off the roster: checks still ahead are dropped, their link stops working; open alerts still need an outcome. */
export async function removeSubject(platform: Platform, by: By, id: string, version: number): Promise<SubjectRow> {
  return runAudited(platform, by, async (trx) => {
    const subject = await visibleSubject(trx, by.actor, id);
    authorize(by.actor, 'checkin.manage', subject.microgrid_code);
    if (subject.removed_at !== null) throw conflict('checkin.not_enrolled', 'This person is no longer under care.');
    if (subject.version !== version) throw staleVersion(subject.version);
    const at = platform.clock.now().toISOString();
    const changes = { removed_at: at, link_hash: null, link_issued_at: null, updated_at: at };
    if (!(await updateSubject(trx, id, version, changes))) throw staleVersion(version + 1);
    await deletePendingChecks(trx, id, at);
    return {
      result: { ...subject, ...changes, version: version + 1 },
      audit: { action: 'checkin.remove', objectType: 'care_subject', objectId: id, summary: {} },
    };
  });
}

export type RevealField = 'contacts' | 'healthNotes';

/**
 * Shows a subject's contacts (to call the family) or health notes in clear to a role that needs
 * them, recording who saw which fields and why in the same transaction. The values never reach the
 * audit trail or the logs.
 */
export async function revealSubject(
  platform: Platform,
  by: By,
  id: string,
  fields: RevealField[],
  reason: string,
): Promise<{ contacts?: Contact[]; healthNotes?: string | null }> {
  return runAudited(platform, by, async (trx) => {
    const subject = await visibleSubject(trx, by.actor, id);
    authorize(by.actor, 'checkin.reveal', { microgridCode: subject.microgrid_code, fields });
    const shown: { contacts?: Contact[]; healthNotes?: string | null } = {};
    if (fields.includes('contacts')) shown.contacts = openContacts(platform, subject);
    if (fields.includes('healthNotes')) shown.healthNotes = openNotes(platform, subject);
    return { result: shown, audit: { action: 'checkin.reveal', objectType: 'care_subject', objectId: id, summary: { fields, reason } } };
  });
}
