import type { Generated } from 'kysely';

export interface AuditRecordTable {
  seq: number;
  at: string;
  actor_id: string | null;
  actor_label: string;
  action: string;
  object_type: string;
  object_id: string | null;
  /** JSON text: a before/after summary, never personal data in clear. */
  summary: string;
  request_id: string | null;
  prev_hash: string;
  hash: string;
}

export interface AuditSealTable {
  seq: Generated<number> | number;
  upto_seq: number;
  head_hash: string;
  at: string;
  hmac: string;
}

declare module '../db/database.ts' {
  interface Tables {
    audit_record: AuditRecordTable;
    audit_seal: AuditSealTable;
  }
}
