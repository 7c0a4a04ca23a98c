import { scopeCovers, type Actor } from '../../platform/authz/actor.ts';
import { OFFICE_ROLES, type Role } from '../../platform/authz/roles.ts';
import { defineWorkflow } from '../../platform/workflow/workflow.ts';
import type { AreaLevel } from '../org/org.tables.ts';

/**
 * The case loop of DOMAIN.md §4 as one state machine (GB/T 30428's stages, as 12345 hotlines run
 * them): report → verify or refuse → file → dispatch → handle (return, extension, parking) →
 * feedback → check → close or rework → evaluate. Every action is a transition; the screens offer
 * what `allowedActions` lists and the API refuses anything else with the list.
 */
export const CASE_STATES = [
  'reported', // 上报, awaiting verification (受理/核实)
  'verified', // 已核实, awaiting filing (立案)
  'refused', // 不予受理
  'filed', // 已立案, awaiting dispatch (派遣)
  'returned', // 回退: the department says it is not theirs; awaiting a second dispatch
  'dispatched', // 处置中: the lead department (and co-handlers) at work
  'extension_requested', // 延期申请, awaiting approval; the handling clock runs on
  'parking_requested', // 挂账申请, awaiting approval
  'parked', // 挂账: long-term, approved; no clock
  'fed_back', // 已反馈: awaiting the on-site check (核查)
  'closed', // 已结案: awaiting the reporter's evaluation (回访)
  'evaluated', // 已评价
] as const;
export type CaseState = (typeof CASE_STATES)[number];

export const OPEN_STATES: readonly CaseState[] = CASE_STATES.filter((s) => s !== 'refused' && s !== 'closed' && s !== 'evaluated');

/** What a rule needs to decide: who asks, and the case as it stands. */
export interface CaseContext {
  actor: Actor;
  areaCode: string;
  reporterUserId: string | null;
  leadDepartment: string | null;
  handlers: readonly { departmentCode: string; role: 'lead' | 'co'; done: boolean }[];
}

const covers = (c: CaseContext) => c.actor.scope.kind === 'unit' && scopeCovers(c.actor.scope, c.areaCode);
const hasRole = (c: CaseContext, roles: readonly Role[]) => roles.includes(c.actor.role as Role);

/** Grid staff and the offices above them, in whose area the case lies. */
const office = (c: CaseContext) => hasRole(c, OFFICE_ROLES) && covers(c);
/** Extensions and parking are approved by the subdistrict or the district (审批). */
const approver = (c: CaseContext) => hasRole(c, ['subdistrict_admin', 'district_admin']) && covers(c);
/** Supervision notes (督办) come from the subdistrict, the district command centre and leaders. */
const supervisor = (c: CaseContext) => hasRole(c, ['subdistrict_admin', 'district_admin', 'leader']) && covers(c);
const department = (c: CaseContext) => c.actor.role === 'department_staff' && c.actor.scope.kind === 'department';
const lead = (c: CaseContext) => department(c) && c.actor.scope.kind === 'department' && c.actor.scope.code === c.leadDepartment;
const coHandlerAtWork = (c: CaseContext) =>
  department(c) && c.handlers.some((h) => h.role === 'co' && !h.done && c.actor.scope.kind === 'department' && h.departmentCode === c.actor.scope.code);
const reporterOrOffice = (c: CaseContext) => (c.reporterUserId !== null && c.actor.id === c.reporterUserId) || office(c);

const coHandlersStillWorking = (c: CaseContext) =>
  c.handlers.some((h) => h.role === 'co' && !h.done) ? 'Co-handling departments have not all reported their part yet.' : null;

export const caseWorkflow = defineWorkflow<CaseState, CaseContext>({
  name: 'case',
  initial: 'reported',
  states: {
    reported: { timeLimit: 'verify' },
    verified: { timeLimit: 'file' },
    refused: { final: true },
    filed: { timeLimit: 'dispatch' },
    returned: { timeLimit: 'dispatch' },
    dispatched: { timeLimit: 'handling' },
    extension_requested: {},
    parking_requested: {},
    parked: {},
    fed_back: { timeLimit: 'check' },
    closed: {},
    evaluated: { final: true },
  },
  transitions: [
    { action: 'verify', from: ['reported'], to: 'verified', who: office },
    { action: 'refuse', from: ['reported', 'verified'], to: 'refused', who: office, needsNote: true },
    { action: 'file', from: ['verified'], to: 'filed', who: office },
    { action: 'dispatch', from: ['filed', 'returned'], to: 'dispatched', who: office },
    { action: 'return', from: ['dispatched'], to: 'returned', who: lead, needsNote: true },
    { action: 'contact', from: ['dispatched'], who: lead },
    { action: 'co_feedback', from: ['dispatched', 'extension_requested'], who: coHandlerAtWork, needsNote: true },
    { action: 'feedback', from: ['dispatched'], to: 'fed_back', who: lead, guard: coHandlersStillWorking, needsNote: true },
    { action: 'request_extension', keepsDeadline: true, from: ['dispatched'], to: 'extension_requested', who: lead, needsNote: true },
    { action: 'approve_extension', from: ['extension_requested'], to: 'dispatched', who: approver },
    { action: 'reject_extension', keepsDeadline: true, from: ['extension_requested'], to: 'dispatched', who: approver, needsNote: true },
    { action: 'request_parking', keepsDeadline: true, from: ['dispatched'], to: 'parking_requested', who: lead, needsNote: true },
    { action: 'approve_parking', from: ['parking_requested'], to: 'parked', who: approver },
    { action: 'reject_parking', keepsDeadline: true, from: ['parking_requested'], to: 'dispatched', who: approver, needsNote: true },
    { action: 'resume', from: ['parked'], to: 'dispatched', who: office },
    { action: 'pass_check', from: ['fed_back'], to: 'closed', who: office },
    { action: 'fail_check', from: ['fed_back'], to: 'dispatched', who: office, needsNote: true },
    {
      action: 'close_special',
      from: ['reported', 'verified', 'filed', 'returned', 'dispatched', 'extension_requested', 'parking_requested', 'parked', 'fed_back'],
      to: 'closed',
      who: approver,
      needsNote: true,
    },
    { action: 'evaluate', from: ['closed'], to: 'evaluated', who: reporterOrOffice },
    { action: 'supervise', from: OPEN_STATES, who: supervisor, needsNote: true },
  ],
});

/**
 * Who a stage's overdue whistle goes to, rung by rung (DOMAIN.md §4: worker → grid staff → community
 * → subdistrict → district command centre): the area units above the case's micro-grid, starting one
 * level above whoever holds the stage. Verification, filing and checking are the grid staff's; the
 * dispatch is the community's; handling is a department's, answered for by the subdistrict first.
 */
export const ESCALATION_LADDER: Partial<Record<CaseState, readonly AreaLevel[]>> = {
  reported: ['community', 'subdistrict', 'district'],
  verified: ['community', 'subdistrict', 'district'],
  filed: ['subdistrict', 'district'],
  returned: ['subdistrict', 'district'],
  dispatched: ['subdistrict', 'district'],
  extension_requested: ['subdistrict', 'district'],
  parking_requested: ['subdistrict', 'district'],
  fed_back: ['community', 'subdistrict', 'district'],
};
