import type { Migration } from '../src/platform/db/migrator.ts';
import * as spine from './0001_spine.ts';
import * as auditAppendOnly from './0002_audit_append_only.ts';
import * as orgGeometry from './0003_org_geometry.ts';
import * as people from './0004_people.ts';
import * as registryIndexes from './0005_registry_indexes.ts';
import * as notify from './0006_notify.ts';
import * as idempotency from './0007_idempotency.ts';
import * as cases from './0008_cases.ts';
import * as errands from './0009_errands.ts';
import * as caseIndexes from './0010_case_indexes.ts';
import * as checkins from './0011_checkins.ts';
import * as checkinIndexes from './0012_checkin_indexes.ts';
import * as signalReadingIndex from './0013_signal_reading_index.ts';

/** Every migration, in the order it runs. A new migration is a new file and one line here. */
export const migrations: Migration[] = [
  { name: '0001_spine', up: spine.up },
  { name: '0002_audit_append_only', up: auditAppendOnly.up },
  { name: '0003_org_geometry', up: orgGeometry.up },
  { name: '0004_people', up: people.up },
  { name: '0005_registry_indexes', up: registryIndexes.up },
  { name: '0006_notify', up: notify.up },
  { name: '0007_idempotency', up: idempotency.up },
  { name: '0008_cases', up: cases.up },
  { name: '0009_errands', up: errands.up },
  { name: '0010_case_indexes', up: caseIndexes.up },
  { name: '0011_checkins', up: checkins.up },
  { name: '0012_checkin_indexes', up: checkinIndexes.up },
  { name: '0013_signal_reading_index', up: signalReadingIndex.up },
];
