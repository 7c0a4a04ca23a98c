import { useEffect, useState } from 'react';
import { api } from '../../shared/api.ts';
import type { CaseActionInput, CaseCatalogue, CaseDetail, OrgNode, OrgUnit, Role } from '../../shared/model.ts';
import { useApi } from '../../shared/useApi.ts';

/** The console's reads and writes of cases, and who sees which lists (the server decides; this only arranges the screens). */

export const actOnCase = (id: string, input: CaseActionInput) =>
  api.post<CaseDetail>(`/api/cases/${encodeURIComponent(id)}/actions`, input);

const OFFICE: readonly Role[] = ['grid_staff', 'community_admin', 'subdistrict_admin', 'district_admin'];
const APPROVERS: readonly Role[] = ['subdistrict_admin', 'district_admin'];

export const isOffice = (role: Role) => OFFICE.includes(role);
export const isApprover = (role: Role) => APPROVERS.includes(role);

/** The catalogue (categories and filing conditions), asked once per page load: it changes seldom. */
export function useCatalogue() {
  return useApi<CaseCatalogue>('/api/cases/catalogue');
}

/** Leaf categories by code, with their major's name, for pickers and labels. */
export function leavesOf(catalogue: CaseCatalogue | undefined) {
  return new Map(
    (catalogue?.majors ?? []).flatMap((major) => major.leaves.map((leaf) => [leaf.code, { ...leaf, majorName: major.name }] as const)),
  );
}

// Unit names by code, shared by every table and page: one request per unit per page load.
const names = new Map<string, Promise<string | null>>();

function unitName(code: string): Promise<string | null> {
  let name = names.get(code);
  if (!name) {
    name = api.get<OrgUnit>(`/api/org/units/${encodeURIComponent(code)}`).then(
      (unit) => unit.name,
      () => null, // outside the caller's scope (a department for a community office): the code stands in
    );
    names.set(code, name);
  }
  return name;
}

/** Names of the units given, as they arrive; a unit the caller may not read keeps its code. */
export function useUnitNames(codes: readonly (string | null | undefined)[]): (code: string) => string {
  const wanted = [...new Set(codes.filter((code): code is string => !!code))].sort().join(',');
  const [known, setKnown] = useState<Record<string, string>>({});
  useEffect(() => {
    let current = true;
    for (const code of wanted ? wanted.split(',') : []) {
      void unitName(code).then((name) => {
        if (current && name) setKnown((k) => (k[code] === name ? k : { ...k, [code]: name }));
      });
    }
    return () => {
      current = false;
    };
  }, [wanted]);
  return (code: string) => known[code] ?? code;
}

/**
 * The departments a dispatcher may pick from: the district's units of level `department`, which the
 * org tree lists under the district for district-wide accounts. Offices below the district cannot
 * read them (there is no departments endpoint for them yet): they get an empty list and type the
 * department's code, or leave the choice to the routing rules.
 */
export function departmentsIn(roots: OrgNode[]): OrgUnit[] {
  return roots.flatMap((root) => [root, ...root.children]).filter((unit) => unit.level === 'department');
}
