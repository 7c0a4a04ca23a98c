import { scopeCovers, type Actor } from '../../platform/authz/actor.ts';
import type { Policies } from '../../platform/authz/policy.ts';
import { ADMIN_ROLES, OFFICE_ROLES, type Role } from '../../platform/authz/roles.ts';

/** What a read rule needs to know about a case. */
export interface CaseSubject {
  areaCode: string;
  reporterUserId: string | null;
  /** Departments working it now. */
  departments: readonly string[];
}

const REPORTING_ROLES: readonly Role[] = ['microgrid_worker', ...OFFICE_ROLES];

/**
 * Who may see and report cases (DOMAIN.md §2, §4). The actions on a case are the workflow's own
 * rules (cases.workflow.ts); these are the doors around it.
 */
export const casePolicies: Policies = {
  /**
   * Offices see the cases of their area, leaders too; a department what is dispatched to it now; a
   * worker what they reported and what happens in their micro-grids.
   */
  'case.read': (actor: Actor, subject) => {
    const kase = subject as CaseSubject;
    switch (actor.scope.kind) {
      case 'unit':
        return actor.role !== 'department_staff' && scopeCovers(actor.scope, kase.areaCode);
      case 'department':
        return kase.departments.includes(actor.scope.code);
      case 'microgrids':
        return kase.reporterUserId === actor.id || scopeCovers(actor.scope, kase.areaCode);
    }
  },
  /**
   * Workers report anywhere (a worker is a resident too and walks past other micro-grids); office
   * staff and Open311 clients in their own area. `subject`: the area the report falls in.
   */
  'case.report': (actor: Actor, areaCode) => {
    if (actor.role === 'microgrid_worker') return true;
    // An Open311 client's key reports for the public inside the unit it was issued for.
    if (actor.role === 'open311') return scopeCovers(actor.scope, areaCode as string);
    return REPORTING_ROLES.includes(actor.role as Role) && scopeCovers(actor.scope, areaCode as string);
  },
  /** Monthly rates and rankings (晒比评): the offices and leaders, for the units of their area. */
  'case.rates': (actor: Actor) => actor.scope.kind === 'unit' && (OFFICE_ROLES.includes(actor.role as Role) || actor.role === 'leader'),
  /** The catalogue, routing rules and work calendar are the district's: its administrators edit them. */
  'case.configure': (actor: Actor) => actor.role === 'district_admin',
  /** Anyone signed in with an office, department or worker role reads the catalogue to report or file. */
  'case.catalogue.read': (actor: Actor) => REPORTING_ROLES.includes(actor.role as Role) || actor.role === 'department_staff' || actor.role === 'leader' || ADMIN_ROLES.includes(actor.role as Role),
};
