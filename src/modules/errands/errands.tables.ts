import type { ErrandKind, ErrandState } from './errands.kinds.ts';

/** An errand (帮办代办): something a worker does for a household, promised by a time. Times are ISO-8601 UTC. */
export interface ErrandTable {
  id: string;
  household_id: string;
  /** For whom, a member of the household; null for the household as a whole. */
  resident_id: string | null;
  /** The household's micro-grid when the errand was logged: what scopes and counts it. */
  microgrid_code: string;
  /** The worker who took it on and alone acts on it. */
  worker_user_id: string;
  kind: ErrandKind;
  what: string;
  promised_by: string;
  state: ErrandState;
  done_at: string | null;
  confirmed_at: string | null;
  confirmed_via: 'worker' | 'link' | null;
  /** SHA-256 (hex) of the resident's confirmation link token; the token itself is never stored. */
  link_hash: string | null;
  link_expires_at: string | null;
  cancelled_at: string | null;
  cancel_reason: string | null;
  /** When the grid was told the errand passed its promise undone (once). */
  overdue_notified_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

/**
 * How many times something happened to errands on a day (in the district's zone): for the grid and
 * the units above it (`worker_user_id` ''), and for a worker in a micro-grid (`unit_code` the
 * micro-grid, `worker_user_id` the worker).
 */
export interface ErrandTallyTable {
  unit_code: string;
  worker_user_id: string;
  day: string;
  measure: string;
  count: number;
}

declare module '../../platform/db/database.ts' {
  interface Tables {
    errand: ErrandTable;
    errand_tally: ErrandTallyTable;
  }
}
