import { businessDate } from '../../platform/clock.ts';
import type { CaseEventRow, CaseRow } from './cases.repository.ts';

/**
 * The counting behind the rates (DOMAIN.md §4, 晒比评): per unit and day, how many cases were
 * reported, dispatched, due for handling, handled, closed, evaluated..., maintained as cases move so
 * a month's figures are a sum of at most 31 rows per unit, never a scan of the cases.
 *
 * Attribution, so that a rate's numerator and denominator always count the same cases:
 * - dispatch figures (dispatched, returned, contacted on time) count on the day of a case's first
 *   dispatch, under the department it first went to;
 * - handling and closure figures (due, handled, handled on time, closed, closed on time, reworked,
 *   parked) count on the day the case fell due for handling: its lead department's first feedback,
 *   or its handling deadline passing without one (seen by the sweeper), whichever came first, under
 *   the lead department of that moment;
 * - evaluations count on the day of the evaluation.
 * Each is counted at most once per case, for the case's district, subdistrict, community and grid and
 * for the department.
 *
 * Two implementations of the same rules: `tallyStep` as each action happens, and `recountCase` from
 * the timeline afterwards (the repair tool, and the property test's witness).
 */
export const MEASURES = [
  'reported',
  'dispatched',
  'returned',
  'contacted_on_time',
  'due_handling',
  'handled',
  'handled_on_time',
  'closed',
  'closed_on_time',
  'reworked',
  'parked',
  'evaluated',
  'solved',
  'satisfied',
] as const;
export type Measure = (typeof MEASURES)[number];

/** Once-per-case counts already made, as bits of `tally_flags`. */
export const TALLY_FLAGS = {
  returned: 1,
  contacted_on_time: 2,
  handled: 4,
  handled_on_time: 8,
  closed: 16,
  closed_on_time: 32,
  reworked: 64,
  parked: 128,
  evaluated: 256,
} as const;

/** The states in which a case is in a department's hands, whose deadline makes it due for handling. */
export const HANDLING_STATES = ['dispatched', 'extension_requested', 'parking_requested'];

export interface Increment {
  unit: string;
  day: string;
  measure: Measure;
}

export interface TallyRules {
  /** Code widths of the area levels, district first (config.orgCodeWidths). */
  widths: number[];
  timeZone: string;
}

type Bookkeeping = Pick<
  CaseRow,
  'tally_dispatch_day' | 'tally_dispatch_department' | 'tally_due_day' | 'tally_due_department' | 'tally_flags'
>;

/** What one step of a case adds to the counters, and the case's own bookkeeping after it. */
export interface TallyOutcome {
  bookkeeping: Partial<Bookkeeping>;
  increments: Increment[];
}

/**
 * The counting of one action (or one escalation, action `escalate`) on a case. `before` is the case
 * as it stood, `after` as it stands after the action's own changes.
 */
export function tallyStep(rules: TallyRules, action: string, before: CaseRow, after: CaseRow, now: Date, rung = 0): TallyOutcome {
  const book: Bookkeeping = {
    tally_dispatch_day: before.tally_dispatch_day,
    tally_dispatch_department: before.tally_dispatch_department,
    tally_due_day: before.tally_due_day,
    tally_due_department: before.tally_due_department,
    tally_flags: before.tally_flags,
  };
  const increments: Increment[] = [];
  const today = businessDate(now, rules.timeZone);
  const count = (measure: Measure, day: string, department: string | null) => {
    for (const unit of unitsOf(rules, before.area_code, department)) increments.push({ unit, day, measure });
  };
  const once = (flag: keyof typeof TALLY_FLAGS) => {
    if (book.tally_flags & TALLY_FLAGS[flag]) return false;
    book.tally_flags |= TALLY_FLAGS[flag];
    return true;
  };
  const dueOn = (day: string, department: string | null) => {
    if (book.tally_due_day !== null) return;
    book.tally_due_day = day;
    book.tally_due_department = department;
    count('due_handling', day, department);
  };
  const dueCounted = () => book.tally_due_day !== null;
  const atDue = (measure: Measure) => count(measure, book.tally_due_day!, book.tally_due_department);
  const atDispatch = (measure: Measure) => count(measure, book.tally_dispatch_day!, book.tally_dispatch_department);

  switch (action) {
    case 'report':
      count('reported', today, null);
      break;
    case 'dispatch':
      if (book.tally_dispatch_day === null) {
        book.tally_dispatch_day = today;
        book.tally_dispatch_department = after.lead_department;
        count('dispatched', today, after.lead_department);
      }
      break;
    case 'return':
      if (book.tally_dispatch_day !== null && once('returned')) atDispatch('returned');
      break;
    case 'contact':
      if (book.tally_dispatch_day !== null && before.respond_by !== null && now.toISOString() <= before.respond_by && once('contacted_on_time'))
        atDispatch('contacted_on_time');
      break;
    case 'escalate':
      if (rung === 1 && HANDLING_STATES.includes(before.state) && before.due_at) dueOn(businessDate(new Date(before.due_at), rules.timeZone), before.lead_department);
      break;
    case 'feedback':
      dueOn(today, before.lead_department);
      if (once('handled')) {
        atDue('handled');
        if (before.handling_due_at !== null && now.toISOString() <= before.handling_due_at && once('handled_on_time')) atDue('handled_on_time');
      }
      break;
    case 'fail_check':
      if (dueCounted() && once('reworked')) atDue('reworked');
      break;
    case 'approve_parking':
      if (dueCounted() && once('parked')) atDue('parked');
      break;
    case 'pass_check':
    case 'close_special':
      if (dueCounted() && once('closed')) {
        atDue('closed');
        if (after.closure_type === 'normal' && once('closed_on_time')) atDue('closed_on_time');
      }
      break;
    case 'evaluate':
      if (once('evaluated')) {
        const department = book.tally_due_department ?? book.tally_dispatch_department;
        count('evaluated', today, department);
        if (after.solved === 1) count('solved', today, department);
        if (after.satisfied === 1) count('satisfied', today, department);
      }
      break;
  }
  return { bookkeeping: changedBookkeeping(before, book), increments };
}

function changedBookkeeping(before: Bookkeeping, after: Bookkeeping): Partial<Bookkeeping> {
  const changed: Partial<Bookkeeping> = {};
  for (const key of Object.keys(after) as (keyof Bookkeeping)[]) {
    if (after[key] !== before[key]) Object.assign(changed, { [key]: after[key] });
  }
  return changed;
}

/** The units a case counts for: its district, subdistrict, community and grid, and a department. */
export function unitsOf(rules: TallyRules, areaCode: string, department: string | null): string[] {
  const units = new Set<string>();
  for (const width of rules.widths.slice(0, 4)) if (areaCode.length >= width) units.add(areaCode.slice(0, width));
  if (department) units.add(department);
  return [...units];
}

/**
 * The same counting, re-derived from a case's timeline alone (events in order): what the counters
 * should hold for this case. Used to repair counters and to check them.
 */
export function recountCase(rules: TallyRules, areaCode: string, events: readonly CaseEventRow[]): Increment[] {
  const increments: Increment[] = [];
  const count = (measure: Measure, day: string, department: string | null) => {
    for (const unit of unitsOf(rules, areaCode, department)) increments.push({ unit, day, measure });
  };
  const dayOf = (iso: string) => businessDate(new Date(iso), rules.timeZone);
  let dispatch: { day: string; department: string } | null = null;
  let due: { day: string; department: string | null } | null = null;
  let lead: string | null = null;
  let respondBy: string | null = null;
  let handlingDeadline: string | null = null;
  const seen = new Set<string>();
  const first = (what: string) => {
    if (seen.has(what)) return false;
    seen.add(what);
    return true;
  };

  for (const event of events) {
    const details = JSON.parse(event.details) as Record<string, unknown>;
    if (event.to_state === 'dispatched' && event.action !== 'escalate') handlingDeadline = event.deadline;
    switch (event.action) {
      case 'report':
        count('reported', dayOf(event.at), null);
        break;
      case 'dispatch':
        lead = details.leadDepartment as string;
        respondBy = (details.respondBy as string | undefined) ?? null;
        if (!dispatch) {
          dispatch = { day: dayOf(event.at), department: lead };
          count('dispatched', dispatch.day, lead);
        }
        break;
      case 'return':
        if (dispatch && first('returned')) count('returned', dispatch.day, dispatch.department);
        lead = null;
        break;
      case 'contact':
        if (dispatch && respondBy && event.at <= respondBy && first('contacted')) count('contacted_on_time', dispatch.day, dispatch.department);
        break;
      case 'escalate':
        if (!due && details.rung === 1 && HANDLING_STATES.includes(event.from_state)) {
          due = { day: dayOf(details.dueAt as string), department: lead };
          count('due_handling', due.day, due.department);
        }
        break;
      case 'feedback':
        if (!due) {
          due = { day: dayOf(event.at), department: event.unit_code };
          count('due_handling', due.day, due.department);
        }
        if (first('handled')) {
          count('handled', due.day, due.department);
          if (handlingDeadline && event.at <= handlingDeadline) count('handled_on_time', due.day, due.department);
        }
        break;
      case 'fail_check':
        if (due && first('reworked')) count('reworked', due.day, due.department);
        break;
      case 'approve_parking':
        if (due && first('parked')) count('parked', due.day, due.department);
        break;
      case 'pass_check':
      case 'close_special':
        if (due && first('closed')) {
          count('closed', due.day, due.department);
          if (details.closureType === 'normal') count('closed_on_time', due.day, due.department);
        }
        break;
      case 'evaluate':
        if (first('evaluated')) {
          const department = due?.department ?? dispatch?.department ?? null;
          count('evaluated', dayOf(event.at), department);
          if (details.solved === true) count('solved', dayOf(event.at), department);
          if (details.satisfied === true) count('satisfied', dayOf(event.at), department);
        }
        break;
    }
  }
  return increments;
}
