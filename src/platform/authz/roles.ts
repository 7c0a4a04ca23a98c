/**
 * The roles of DOMAIN.md §2 and the kind of scope each one has:
 * - `unit`: one org unit and its subtree (office roles);
 * - `microgrids`: the micro-grids a worker serves;
 * - `department`: a department, seeing what is dispatched to it.
 */
export const ROLES = [
  'microgrid_worker',
  'grid_staff',
  'community_admin',
  'subdistrict_admin',
  'department_staff',
  'enterprise_liaison',
  'project_officer',
  'district_admin',
  'leader',
] as const;

export type Role = (typeof ROLES)[number];
export type ScopeKind = 'unit' | 'microgrids' | 'department';

export const ROLE_SCOPE_KIND: Record<Role, ScopeKind> = {
  microgrid_worker: 'microgrids',
  grid_staff: 'unit',
  community_admin: 'unit',
  subdistrict_admin: 'unit',
  department_staff: 'department',
  enterprise_liaison: 'unit',
  project_officer: 'unit',
  district_admin: 'unit',
  leader: 'unit',
};

/**
 * The office roles of an area, from the full-time grid staff up to the district: they keep the
 * registry and may see a resident's personal data, one audited reveal at a time.
 */
export const OFFICE_ROLES: readonly Role[] = ['grid_staff', 'community_admin', 'subdistrict_admin', 'district_admin'];

/** Roles that administer accounts and the organisation inside their own subtree. */
export const ADMIN_ROLES: readonly Role[] = ['district_admin', 'subdistrict_admin', 'community_admin'];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
