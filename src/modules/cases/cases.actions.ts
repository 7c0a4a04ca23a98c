import type { Actor } from '../../platform/authz/actor.ts';
import type { Trx } from '../../platform/command.ts';
import type { Platform } from '../../platform/context.ts';
import { badRequest, unprocessable } from '../../platform/http/errors.ts';
import type { Notification } from '../../platform/notify/notify.enqueue.ts';
import { lookupUnits } from '../org/org.queries.ts';
import type { Limit, WorkCalendar } from './cases.calendar.ts';
import { dueAfter, STAGE_LIMITS } from './cases.deadlines.ts';
import {
  findCategory,
  findCondition,
  latestEventDetails,
  markHandlerDone,
  reopenHandlers,
  replaceHandlers,
  routeFor,
  type CaseHandlerRow,
  type CaseRow,
} from './cases.repository.ts';
import type { ClosureType } from './cases.tables.ts';

/**
 * What each action of the case workflow does besides moving the state (the engine decides whether
 * it may happen; this says what it changes): filing sets the category and its handling limit,
 * dispatch picks the departments, an approved extension moves the handling deadline, closing
 * decides the closure type, an evaluation records the reporter's answer. Actions not listed here
 * only move the state and record their note.
 */
export interface ActionInput {
  note?: string;
  attachments?: string[];
  categoryCode?: string;
  conditionCode?: string;
  leadDepartment?: string;
  coHandlers?: string[];
  extension?: Limit;
  closureType?: 'error' | 'special';
  solved?: boolean;
  satisfied?: boolean;
}

export interface Step {
  platform: Platform;
  trx: Trx;
  kase: CaseRow;
  handlers: CaseHandlerRow[];
  actor: Actor;
  input: ActionInput;
  now: Date;
  calendar: WorkCalendar;
}

export interface Outcome {
  changes?: Partial<CaseRow>;
  /** Recorded on the timeline event. */
  details?: Record<string, unknown>;
  /** Replaces the running deadline of the same stage (an approved extension). */
  deadline?: string;
  /** Who hears about it, beyond the timeline. */
  notifications?: Omit<Notification, 'dedupeKey'>[];
}

type Effect = (step: Step) => Promise<Outcome>;

const link = (kase: CaseRow) => `/cases/${kase.id}`;
const shortText = (kase: CaseRow) => `${kase.address}：${kase.description.slice(0, 60)}`;
const area = (step: Step) => step.kase.area_code;

export const ACTION_EFFECTS: Record<string, Effect> = {
  async file(step) {
    const categoryCode = step.input.categoryCode ?? step.kase.category_code;
    const category = await findCategory(step.trx, categoryCode);
    if (!category || category.parent_code === null) throw unprocessable('case.unknown_category', 'File under a leaf category.', { categoryCode });
    if (!step.input.conditionCode) throw badRequest('case.condition_required', 'Choose the filing condition (立案条件).');
    const condition = await findCondition(step.trx, step.input.conditionCode);
    if (!condition || condition.category_code !== category.code) {
      throw unprocessable('case.unknown_condition', 'This filing condition does not belong to the category.', {
        conditionCode: step.input.conditionCode,
      });
    }
    return {
      changes: { category_code: category.code, condition_code: condition.code, public: category.public },
      details: { categoryCode: category.code, conditionCode: condition.code },
    };
  },

  async dispatch(step) {
    const { lead, co } = await departmentsFor(step);
    const at = step.now.toISOString();
    await replaceHandlers(step.trx, step.kase.id, [
      { case_id: step.kase.id, department_code: lead, role: 'lead', dispatched_at: at, done_at: null, note: null },
      ...co.map((code) => ({ case_id: step.kase.id, department_code: code, role: 'co' as const, dispatched_at: at, done_at: null, note: null })),
    ]);
    const respondBy = dueAfter(step.calendar, step.now, STAGE_LIMITS.respond);
    return {
      changes: { lead_department: lead, dispatched_at: at, handled_at: null, respond_by: respondBy },
      details: { leadDepartment: lead, coHandlers: co, second: step.kase.state === 'returned', respondBy },
      notifications: [lead, ...co].map((code) => ({
        recipient: { unit: code },
        title: code === lead ? '新派遣案件' : '新协办案件',
        body: shortText(step.kase),
        link: link(step.kase),
      })),
    };
  },

  async return(step) {
    await replaceHandlers(step.trx, step.kase.id, []);
    return {
      changes: { lead_department: null },
      notifications: [{ recipient: { unit: community(step) }, title: '案件被回退', body: `${step.input.note}｜${shortText(step.kase)}`, link: link(step.kase) }],
    };
  },

  async co_feedback(step) {
    const department = departmentOf(step.actor);
    await markHandlerDone(step.trx, step.kase.id, department, step.now.toISOString(), step.input.note!);
    return { details: { department } };
  },

  async feedback(step) {
    await markHandlerDone(step.trx, step.kase.id, departmentOf(step.actor), step.now.toISOString(), step.input.note!);
    return {
      changes: { handled_at: step.now.toISOString() },
      notifications: [{ recipient: { unit: grid(step) }, title: '案件待核查', body: shortText(step.kase), link: link(step.kase) }],
    };
  },

  async request_extension(step) {
    const extension = step.input.extension;
    if (!extension || !(extension.amount > 0)) throw badRequest('case.extension_required', 'Say how much more time is needed.');
    return {
      details: { extension },
      notifications: [{ recipient: { unit: subdistrict(step) }, title: '延期申请待审批', body: shortText(step.kase), link: link(step.kase) }],
    };
  },

  async approve_extension(step) {
    const extension = await requestedExtension(step);
    const deadline = dueAfter(step.calendar, new Date(step.kase.handling_due_at ?? step.now.toISOString()), extension);
    return {
      changes: { handling_due_at: deadline },
      deadline,
      details: { extension, deadline },
      notifications: [{ recipient: { unit: step.kase.lead_department! }, title: '延期申请已批准', body: shortText(step.kase), link: link(step.kase) }],
    };
  },

  async reject_extension(step) {
    return { notifications: [{ recipient: { unit: step.kase.lead_department! }, title: '延期申请未批准', body: step.input.note!, link: link(step.kase) }] };
  },

  async request_parking(step) {
    return { notifications: [{ recipient: { unit: subdistrict(step) }, title: '挂账申请待审批', body: shortText(step.kase), link: link(step.kase) }] };
  },

  async resume(step) {
    await reopenHandlers(step.trx, step.kase.id);
    return {};
  },

  async fail_check(step) {
    await reopenHandlers(step.trx, step.kase.id);
    return {
      changes: { handled_at: null },
      details: { rework: true },
      notifications: [{ recipient: { unit: step.kase.lead_department! }, title: '案件核查未通过，请返工', body: step.input.note!, link: link(step.kase) }],
    };
  },

  async pass_check(step) {
    const late = step.kase.handled_at !== null && step.kase.handling_due_at !== null && step.kase.handled_at > step.kase.handling_due_at;
    return closing(step, late ? 'overdue' : 'normal');
  },

  async close_special(step) {
    if (!step.input.closureType) throw badRequest('case.closure_type_required', 'Say whether this is an error (差错) or a special (特殊) closure.');
    await replaceHandlers(step.trx, step.kase.id, []);
    return closing(step, step.input.closureType);
  },

  async evaluate(step) {
    const { solved, satisfied } = step.input;
    if (solved === undefined || satisfied === undefined) throw badRequest('case.rating_required', 'Say whether it is solved and whether the reporter is satisfied.');
    return {
      changes: { solved: solved ? 1 : 0, satisfied: satisfied ? 1 : 0, evaluated_at: step.now.toISOString() },
      details: { solved, satisfied },
    };
  },

  async supervise(step) {
    const units = step.kase.lead_department ? [step.kase.lead_department] : [community(step)];
    return { notifications: units.map((unit) => ({ recipient: { unit }, title: '督办', body: `${step.input.note}｜${shortText(step.kase)}`, link: link(step.kase) })) };
  },
};

function closing(step: Step, closureType: ClosureType): Outcome {
  const reporter = step.kase.reporter_user_id;
  return {
    changes: { closed_at: step.now.toISOString(), closure_type: closureType },
    details: { closureType },
    notifications: reporter ? [{ recipient: { user: reporter }, title: '您上报的问题已结案，请评价', body: shortText(step.kase), link: link(step.kase) }] : [],
  };
}

/** The departments named in the request, or else those of the routing rule for the category and place. */
async function departmentsFor(step: Step): Promise<{ lead: string; co: string[] }> {
  let lead = step.input.leadDepartment;
  let co = step.input.coHandlers ?? [];
  if (!lead) {
    const route = await routeFor(step.trx, step.kase.category_code, step.kase.area_code);
    if (!route) throw badRequest('case.department_required', 'No routing rule for this category here: choose the lead department.');
    lead = route.lead_department;
    co = JSON.parse(route.co_handlers) as string[];
  }
  co = [...new Set(co)].filter((code) => code !== lead);
  const units = await lookupUnits(step.trx, [lead, ...co]);
  const unknown = [lead, ...co].filter((code) => units.get(code)?.level !== 'department');
  if (unknown.length > 0) throw unprocessable('case.unknown_department', 'Dispatch to departments only.', { departments: unknown });
  return { lead, co };
}

async function requestedExtension(step: Step): Promise<Limit> {
  const request = await latestEventDetails(step.trx, step.kase.id, 'request_extension');
  const extension = (request as { extension?: Limit } | null)?.extension;
  if (!extension) throw unprocessable('case.no_extension_request', 'There is no extension request to approve.');
  return extension;
}

function departmentOf(actor: Actor): string {
  return actor.scope.kind === 'department' ? actor.scope.code : '';
}

// The area units above the case, by code width (DOMAIN.md §3: 6, 9, 12, 15, 17 by default).
const ancestorAt = (step: Step, level: number) => area(step).slice(0, step.platform.config.orgCodeWidths[level]);
const subdistrict = (step: Step) => ancestorAt(step, 1);
const community = (step: Step) => ancestorAt(step, 2);
const grid = (step: Step) => ancestorAt(step, 3);
