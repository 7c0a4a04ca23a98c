/** A building (楼栋 / 院落): where households live, a point inside its micro-grid. */
export interface BuildingTable {
  id: string;
  microgrid_code: string;
  address: string;
  kind: 'apartment' | 'courtyard' | 'other';
  lng: number;
  lat: number;
  created_at: string;
  updated_at: string;
  version: number;
}

/** A household (户): one address, one micro-grid, its members. */
export interface HouseholdTable {
  id: string;
  building_id: string | null;
  microgrid_code: string;
  address: string;
  created_at: string;
  updated_at: string;
  version: number;
}

/** A resident (居民). Personal data (DOMAIN.md §10) is encrypted: `*_enc`, found through `*_index`. */
export interface ResidentTable {
  id: string;
  household_id: string;
  /** The household's micro-grid, repeated so scoped queries filter on one column. */
  microgrid_code: string;
  name: string;
  gender: 'male' | 'female';
  birth_date: string | null;
  id_number_enc: string | null;
  id_number_index: string | null;
  phone_enc: string | null;
  phone_index: string | null;
  health_notes_enc: string | null;
  /** JSON array of tags: living_alone, elderly, disabled, orphan, low_income, party_member. */
  tags: string;
  created_at: string;
  updated_at: string;
  version: number;
}

/** A micro-grid worker (微网格员): a resident who looks after one or more micro-grids. */
export interface WorkerTable {
  resident_id: string;
  /** The worker's account, whose scope is exactly the micro-grids served. */
  user_id: string | null;
  since: string;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface WorkerMicrogridTable {
  resident_id: string;
  microgrid_code: string;
  since: string;
}

export const RESIDENT_TAGS = ['living_alone', 'elderly', 'disabled', 'orphan', 'low_income', 'party_member'] as const;
export type ResidentTag = (typeof RESIDENT_TAGS)[number];

declare module '../../platform/db/database.ts' {
  interface Tables {
    building: BuildingTable;
    household: HouseholdTable;
    resident: ResidentTable;
    worker: WorkerTable;
    worker_microgrid: WorkerMicrogridTable;
  }
}
