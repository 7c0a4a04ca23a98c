import type { LimitUnit } from './cases.calendar.ts';

/** A category of the catalogue (案件分类): a major (大类, 2 digits) or a leaf (小类, 4 digits) under it. */
export interface CaseCategoryTable {
  code: string;
  parent_code: string | null;
  name: string;
  /** 0 for care and personal matters: never in Open311, never in public lists. */
  public: number;
  /** 0 hides it from new reports; old cases keep it. */
  active: number;
  sort: number;
  created_at: string;
  updated_at: string;
  version: number;
}

/** A filing condition (立案条件) of a leaf category, with its handling limit and closing condition. */
export interface CaseConditionTable {
  code: string;
  category_code: string;
  name: string;
  limit_amount: number;
  limit_unit: LimitUnit;
  closing: string;
  sort: number;
  created_at: string;
  updated_at: string;
  version: number;
}

/**
 * A routing rule: cases of a category (in an area, when `area_code` is set: that unit and below) go
 * to a lead department with co-handlers (问题联处). The most specific area wins.
 */
export interface CaseRouteTable {
  id: string;
  category_code: string;
  /** '' for the whole district. */
  area_code: string;
  lead_department: string;
  /** JSON array of department codes. */
  co_handlers: string;
  created_at: string;
  updated_at: string;
  version: number;
}

/** A day that differs from the Monday-Friday rule: a public holiday, or a weekend day worked (调休). */
export interface WorkCalendarDayTable {
  day: string;
  kind: 'holiday' | 'workday';
  name: string;
}

export type CaseSource = 'worker' | 'staff' | 'hotline' | 'open311' | 'resident';
export type ClosureType = 'normal' | 'overdue' | 'error' | 'special';

/** A reported problem (案件) and where it stands. Times are ISO-8601 UTC. */
export interface DispatchCaseTable {
  id: string;
  source: CaseSource;
  state: string;
  category_code: string;
  condition_code: string | null;
  /** Copied from the category when reported or filed. */
  public: number;
  /** The micro-grid the location falls in, or the deepest unit known. */
  area_code: string;
  lng: number | null;
  lat: number | null;
  address: string;
  description: string;
  /** JSON array of attachment references. */
  attachments: string;
  reporter_user_id: string | null;
  /** A caller or Open311 client's name and contact, as given; masked on read. */
  reporter_name: string | null;
  reporter_contact_enc: string | null;
  /** External reference: the 12345 order number or Open311 token. */
  external_ref: string | null;
  /** A deadline the source set (a 12345 order's 办理时限): handling is due by it if that is sooner. */
  external_due_at: string | null;
  lead_department: string | null;
  /** Increments every time the state changes, so an escalation belongs to one stay in one state. */
  stage_seq: number;
  stage_started_at: string;
  /** When the current stage must be done; null when it has no limit. */
  stage_due_at: string | null;
  /** When the sweeper next looks at this case: the stage deadline, then each rung of escalation. */
  due_at: string | null;
  /** Escalation rungs already climbed in this stage. */
  rung: number;
  /** Handling deadline of the current dispatch (after extensions), for on-time figures. */
  handling_due_at: string | null;
  dispatched_at: string | null;
  handled_at: string | null;
  closed_at: string | null;
  closure_type: ClosureType | null;
  solved: number | null;
  satisfied: number | null;
  evaluated_at: string | null;
  /** When the reporter must have been contacted (响应时限) for the response rate. */
  respond_by: string | null;
  /** The counting of this case in the rates (cases.tally.ts): the day and department each part was counted under. */
  tally_dispatch_day: string | null;
  tally_dispatch_department: string | null;
  tally_due_day: string | null;
  tally_due_department: string | null;
  /** Bits of TALLY_FLAGS: which once-per-case counts were made. */
  tally_flags: number;
  created_at: string;
  updated_at: string;
  version: number;
}

/** How many times something counted by the rates happened in a unit on a day (in the district's zone). */
export interface CaseTallyTable {
  unit_code: string;
  day: string;
  measure: string;
  count: number;
}

export interface CaseRateSettingTable {
  id: number;
  /** JSON: weights per rate and exclusions (cases.rates.ts RateSettings). */
  settings: string;
  updated_at: string;
  version: number;
}

/** A department working a case: the lead, or a co-handler (问题联处). */
export interface CaseHandlerTable {
  case_id: string;
  department_code: string;
  role: 'lead' | 'co';
  dispatched_at: string;
  /** When this department reported its part done; null while working. */
  done_at: string | null;
  note: string | null;
}

/** The timeline: every action taken on a case, with who, when, why and the next deadline. */
export interface CaseEventTable {
  id: string;
  case_id: string;
  action: string;
  from_state: string;
  to_state: string;
  actor_id: string;
  actor_label: string;
  actor_role: string;
  /** The actor's unit or department; for escalations, the unit the case climbed to. */
  unit_code: string | null;
  note: string | null;
  /** JSON: attachments and the action's own details (department, closure type, rating...). */
  details: string;
  deadline: string | null;
  at: string;
}

/** One rung of escalation: unique per case, stage stay and rung, so it happens exactly once. */
export interface CaseEscalationTable {
  case_id: string;
  stage_seq: number;
  rung: number;
  state: string;
  to_unit: string;
  due_at: string;
  at: string;
}

declare module '../../platform/db/database.ts' {
  interface Tables {
    case_category: CaseCategoryTable;
    case_condition: CaseConditionTable;
    case_route: CaseRouteTable;
    work_calendar_day: WorkCalendarDayTable;
    dispatch_case: DispatchCaseTable;
    case_handler: CaseHandlerTable;
    case_event: CaseEventTable;
    case_escalation: CaseEscalationTable;
    case_tally: CaseTallyTable;
    case_rate_setting: CaseRateSettingTable;
  }
}
