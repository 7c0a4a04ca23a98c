import type { DbKind } from '../src/platform/db/database.ts';
import { makeAppendOnly, type AnyDb } from '../src/platform/db/dialect.ts';

/** Audit records and seals can be appended, never changed or removed. */
export async function up(db: AnyDb, kind: DbKind): Promise<void> {
  await makeAppendOnly(db, kind, 'audit_record');
  await makeAppendOnly(db, kind, 'audit_seal');
}
