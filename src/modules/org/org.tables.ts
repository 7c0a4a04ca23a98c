/** An org unit: an area of the tree (district → micro-grid) or a department outside it. */
export interface OrgUnitTable {
  code: string;
  parent_code: string | null;
  name: string;
  level: OrgLevel;
  created_at: string;
  updated_at: string;
  version: number;
}

export const AREA_LEVELS = ['district', 'subdistrict', 'community', 'grid', 'microgrid'] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];
export type OrgLevel = AreaLevel | 'department';

declare module '../../platform/db/database.ts' {
  interface Tables {
    org_unit: OrgUnitTable;
  }
}
