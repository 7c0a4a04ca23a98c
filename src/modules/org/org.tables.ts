/** An org unit: an area of the tree (district → micro-grid) or a department outside it. */
export interface OrgUnitTable {
  code: string;
  parent_code: string | null;
  name: string;
  level: OrgLevel;
  created_at: string;
  updated_at: string;
  version: number;
  /** GeoJSON Polygon or MultiPolygon in WGS-84, as text; null until a boundary is drawn or imported. */
  geometry: string | null;
  centroid_lng: number | null;
  centroid_lat: number | null;
  area_m2: number | null;
}

export const AREA_LEVELS = ['district', 'subdistrict', 'community', 'grid', 'microgrid'] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];
export type OrgLevel = AreaLevel | 'department';

declare module '../../platform/db/database.ts' {
  interface Tables {
    org_unit: OrgUnitTable;
  }
}
