import { authorize } from '../../../platform/authz/policy.ts';
import { runAudited, type By } from '../../../platform/command.ts';
import { ulidFactory } from '../../../platform/ids.ts';
import type { Platform } from '../../../platform/context.ts';
import { unprocessable } from '../../../platform/http/errors.ts';
import { once } from '../../../platform/idempotency.ts';
import { notify } from '../../../platform/notify/notify.enqueue.ts';
import { encryptField } from '../../../platform/pii/pii.crypto.ts';
import { piiKeysOf } from '../../../platform/pii/pii.keys.ts';
import type { Crs } from '../../org/org.crs.ts';
import { locatePoint, lookupUnit } from '../../org/org.queries.ts';
import { dueAfter, stageLimit, tallyRules, workCalendar } from '../cases.deadlines.ts';
import { tallyStep } from '../cases.tally.ts';
import { requireAttachments } from '../cases.rules.ts';
import { addTallies, findCase, findCategory, insertCase, insertEvent, type CaseRow } from '../cases.repository.ts';
import type { CaseSource } from '../cases.tables.ts';

const ulid = ulidFactory();

export interface CaseReport {
  categoryCode: string;
  description: string;
  /** Where it is: a point (a phone's GPS, in its coordinate system), or a unit when there is none. */
  location?: { lng: number; lat: number; crs: Crs };
  areaCode?: string;
  address?: string;
  attachments?: string[];
  /** Someone reporting through staff or a hotline: name and phone or other contact. */
  reporter?: { name: string; contact?: string };
}

export interface ReportOptions {
  source?: CaseSource;
  /** A phone's retry key: the same key gives the same case. */
  idempotencyKey?: string;
  /** The hotline order number or another system's id, unique. */
  externalRef?: string;
  /** When the problem was reported, if before now (a hotline call imported later). */
  reportedAt?: Date;
  /** A handling deadline set by the source (12345's 办理时限). */
  externalDeadline?: Date;
}

/**
 * A problem reported (信息收集/上报, DOMAIN.md §4 stage 1): placed in its micro-grid by its location,
 * put before the grid staff to verify within the verification limit, recorded on the timeline.
 */
export async function reportCase(
  platform: Platform,
  by: By,
  report: CaseReport,
  options: ReportOptions = {},
): Promise<{ kase: CaseRow; replayed: boolean; categoryName: string }> {
  const { db } = platform.database;
  const now = platform.clock.now();
  const call = options.idempotencyKey ? { callerId: by.actor.id, key: options.idempotencyKey, request: report } : null;
  // The row this call inserted; answered as is once committed, without reading it back.
  let inserted: CaseRow | undefined;
  let categoryName: string | undefined;
  const answer = await once<{ id: string }>(db, call, now, async (remember) => {
    const { areaCode, point } = await placeOf(platform, report);
    await requireAttachments(platform, report.attachments);
    authorize(by.actor, 'case.report', areaCode);
    const category = await findCategory(db, report.categoryCode);
    if (!category || category.parent_code === null || !category.active) {
      throw unprocessable('case.unknown_category', 'Choose a category from the catalogue (a 小类 in use).', {
        categoryCode: report.categoryCode,
      });
    }
    categoryName = category.name;
    const address = report.address?.trim() || (await placeName(platform, areaCode));
    const id = await runAudited(platform, by, async (trx) => {
      const due = dueAfter(await workCalendar(platform, trx), now, await stageLimit(trx, 'verify', null));
      const at = now.toISOString();
      // A call taken earlier is dated by the call; its stages are timed from now, when it reaches us.
      const reportedAt = options.reportedAt && options.reportedAt < now ? options.reportedAt.toISOString() : at;
      const row: CaseRow = {
        id: ulid(now.getTime()),
        source: options.source ?? (by.actor.role === 'microgrid_worker' ? 'worker' : 'staff'),
        state: 'reported',
        category_code: category.code,
        condition_code: null,
        public: category.public,
        area_code: areaCode,
        lng: point?.[0] ?? null,
        lat: point?.[1] ?? null,
        address,
        description: report.description.trim(),
        attachments: JSON.stringify(report.attachments ?? []),
        reporter_user_id: by.actor.type === 'user' ? by.actor.id : null,
        reporter_name: report.reporter?.name ?? null,
        reporter_contact_enc: report.reporter?.contact
          ? encryptField(piiKeysOf(platform), report.reporter.contact, 'dispatch_case.reporter_contact')
          : null,
        external_ref: options.externalRef ?? null,
        external_due_at: options.externalDeadline?.toISOString() ?? null,
        lead_department: null,
        stage_seq: 1,
        stage_started_at: at,
        stage_due_at: due,
        due_at: due,
        rung: 0,
        handling_due_at: null,
        dispatched_at: null,
        handled_at: null,
        closed_at: null,
        closure_type: null,
        solved: null,
        satisfied: null,
        evaluated_at: null,
        respond_by: null,
        tally_dispatch_day: null,
        tally_dispatch_department: null,
        tally_due_day: null,
        tally_due_department: null,
        tally_flags: 0,
        created_at: reportedAt,
        updated_at: at,
        version: 1,
      };
      await insertCase(trx, row);
      inserted = row;
      await addTallies(trx, tallyStep(tallyRules(platform), 'report', row, row, new Date(reportedAt)).increments);
      await insertEvent(trx, {
        case_id: row.id,
        action: 'report',
        from_state: '',
        to_state: 'reported',
        actor_id: by.actor.id,
        actor_label: by.actor.label,
        actor_role: by.actor.role,
        unit_code: null,
        note: null,
        details: JSON.stringify({ source: row.source, ...(report.attachments?.length ? { attachments: report.attachments } : {}) }),
        deadline: due,
        at: reportedAt,
      });
      await notify(platform, trx, {
        recipient: { unit: areaCode.slice(0, platform.config.orgCodeWidths[3]) },
        title: '新上报问题待核实',
        body: `${row.address}：${row.description.slice(0, 60)}`,
        link: `/cases/${row.id}`,
        dedupeKey: `case:${row.id}:report`,
      });
      await remember(trx, 201, { id: row.id });
      return {
        result: row.id,
        audit: {
          action: 'case.report',
          objectType: 'case',
          objectId: row.id,
          summary: { source: row.source, categoryCode: category.code, areaCode },
        },
      };
    });
    return { status: 201, body: { id }, replayed: false };
  });
  // Not replayed: this call's own transaction committed the row. A replay reads the first call's case.
  const fresh = !answer.replayed && inserted?.id === answer.body.id;
  const kase = fresh ? inserted! : (await findCase(db, answer.body.id))!;
  const name = fresh ? categoryName! : ((await findCategory(db, kase.category_code))?.name ?? kase.category_code);
  return { kase, replayed: answer.replayed, categoryName: name };
}

/**
 * The micro-grid a point falls in (and the point in WGS-84, as stored), or the area unit named; a
 * place outside the district is refused.
 */
async function placeOf(platform: Platform, report: CaseReport): Promise<{ areaCode: string; point: [number, number] | null }> {
  const { db } = platform.database;
  if (report.location) {
    const { lng, lat, crs } = report.location;
    const found = await locatePoint(db, [lng, lat], crs);
    if (!found) throw unprocessable('case.outside_area', 'This location is outside every micro-grid of the district.', { lng, lat });
    return { areaCode: found.path[found.path.length - 1].code, point: [found.point[0], found.point[1]] };
  }
  const unit = report.areaCode ? await lookupUnit(db, report.areaCode) : undefined;
  if (!unit || unit.level === 'department') {
    throw unprocessable('case.place_required', 'Give the location, or the micro-grid or unit it is in.', {
      areaCode: report.areaCode ?? null,
    });
  }
  return { areaCode: unit.code, point: null };
}

async function placeName(platform: Platform, areaCode: string): Promise<string> {
  return (await lookupUnit(platform.database.db, areaCode))?.name ?? areaCode;
}
