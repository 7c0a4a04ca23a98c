import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../../src/demo/random.ts';
import {
  insertCase,
  listCases,
  replaceHandlers,
  type CaseFilter,
  type CaseReach,
  type CaseRow,
} from '../../../src/modules/cases/cases.repository.ts';
import { CASE_STATES, OPEN_STATES, type CaseState } from '../../../src/modules/cases/cases.workflow.ts';
import { ulidFactory } from '../../../src/platform/ids.ts';
import { makeCaseWorld, type CaseWorld } from '../../support/cases.ts';
import { fakeClock } from '../../support/clock.ts';
import { DATABASES } from '../../support/databases.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';

/**
 * The case lists read a page through whichever index suits the reach and filters (listCases decides
 * on SQLite; PostgreSQL plans from its statistics). However it is read, a page must be exactly the next
 * cases, newest first, that the reach and filters admit: checked page by page against a plain filter of
 * every case, for reaches from the district to one micro-grid and every kind of filter.
 */
describe.each(DATABASES)('case lists on %s', (kind) => {
  let server: TestServer;
  let world: CaseWorld;
  const clock = fakeClock();
  const now = clock.now().toISOString();
  const cases: CaseRow[] = [];
  const handlers = new Map<string, string[]>();

  beforeAll(async () => {
    server = await startTestServer(kind, {}, { clock });
    world = await makeCaseWorld(server.platform);
    const db = server.platform.database.db;
    const random = createRandom('case-lists');
    const nextId = ulidFactory();
    const { codes, users } = world;
    const areas = [
      codes.homeMicrogrid,
      codes.homeMicrogrid,
      codes.foreignMicrogrid,
      codes.homeGrid,
      codes.homeCommunity,
      codes.foreignGrid,
    ];
    const categories = ['0101', '0102', '0201', '0202', '0301'];
    const reporters = [users.worker.id, users.admin.id, null];
    const start = Date.parse(now) - 90 * 86_400_000;
    for (let i = 0; i < 240; i++) {
      const created = new Date(start + i * 9 * 3_600_000 + random.int(0, 3_000_000)).toISOString();
      const state = random.pick(CASE_STATES) as CaseState;
      const clockRuns = OPEN_STATES.includes(state) && state !== 'parked';
      const due = clockRuns ? new Date(Date.parse(now) + random.int(-20, 5) * 86_400_000).toISOString() : null;
      const row = caseRow(nextId(Date.parse(created)), {
        state,
        category_code: random.pick(categories),
        area_code: random.pick(areas),
        reporter_user_id: random.pick(reporters),
        stage_due_at: due,
        created_at: created,
      });
      await insertCase(db, row);
      cases.push(row);
      if (random.chance(0.7)) {
        const departments = random.chance(0.3)
          ? [codes.department, codes.otherDepartment]
          : [random.pick([codes.department, codes.otherDepartment])];
        await replaceHandlers(
          db,
          row.id,
          departments.map((department, d) => ({
            case_id: row.id,
            department_code: department,
            role: d === 0 ? 'lead' : 'co',
            dispatched_at: created,
            done_at: null,
            note: null,
          })),
        );
        handlers.set(row.id, departments);
      }
    }
  });
  afterAll(() => server?.dispose());

  type Filters = Omit<CaseFilter, 'reach' | 'limit' | 'smallReach'>;

  const admits = (reach: CaseReach, filters: Filters) => (kase: CaseRow) => {
    const under = (prefixes: readonly string[]) => prefixes.some((prefix) => kase.area_code.startsWith(prefix));
    if (reach.kind === 'area' && !under(reach.prefixes)) return false;
    if (reach.kind === 'worker' && !under(reach.prefixes) && kase.reporter_user_id !== reach.userId) return false;
    if (reach.kind === 'department' && !(handlers.get(kase.id) ?? []).includes(reach.code)) return false;
    if (filters.state && kase.state !== filters.state) return false;
    if (
      filters.overdueAt &&
      !(kase.stage_due_at !== null && kase.stage_due_at < filters.overdueAt && OPEN_STATES.includes(kase.state as CaseState))
    )
      return false;
    if (filters.category && !kase.category_code.startsWith(filters.category)) return false;
    if (filters.reporterUserId && kase.reporter_user_id !== filters.reporterUserId) return false;
    return true;
  };

  /** Every page of the list, 7 at a time, following the cursor. */
  async function allPages(filter: Omit<CaseFilter, 'limit' | 'after'>): Promise<string[]> {
    const ids: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await listCases(server.platform.database.db, { ...filter, after, limit: 7 });
      ids.push(...page.map((kase) => kase.id));
      if (page.length < 7) return ids;
      after = page[page.length - 1].id;
    }
  }

  it('every reach and filter gives exactly its cases, newest first, page after page', async () => {
    const { codes, users } = world;
    const reaches: CaseReach[] = [
      { kind: 'area', prefixes: [codes.district] },
      { kind: 'area', prefixes: [codes.home] },
      { kind: 'area', prefixes: [codes.homeCommunity] },
      { kind: 'area', prefixes: [codes.homeGrid] },
      { kind: 'area', prefixes: [codes.homeMicrogrid] },
      { kind: 'area', prefixes: [codes.homeMicrogrid, codes.foreignMicrogrid] },
      { kind: 'department', code: codes.department },
      { kind: 'worker', prefixes: [codes.homeMicrogrid], userId: users.worker.id },
    ];
    const filters: Filters[] = [
      {},
      { state: 'dispatched' },
      { state: 'evaluated' },
      { overdueAt: now, openStates: OPEN_STATES },
      { category: '0101' },
      { category: '01' },
      { reporterUserId: users.worker.id },
      { state: 'reported', category: '02' },
      { overdueAt: now, openStates: OPEN_STATES, category: '0201' },
      { overdueAt: now, openStates: OPEN_STATES, reporterUserId: users.admin.id },
    ];
    let checked = 0;
    for (const reach of reaches) {
      for (const filter of filters) {
        const expected = cases
          .filter(admits(reach, filter))
          .map((kase) => kase.id)
          .sort()
          .reverse();
        for (const smallReach of [false, true]) {
          expect({ reach, filter, smallReach, ids: await allPages({ reach, ...filter, smallReach }) }).toEqual({
            reach,
            filter,
            smallReach,
            ids: expected,
          });
        }
        checked += expected.length;
      }
    }
    // The combinations are not vacuous.
    expect(checked).toBeGreaterThan(500);
  });
});

function caseRow(
  id: string,
  fields: Pick<CaseRow, 'state' | 'category_code' | 'area_code' | 'reporter_user_id' | 'stage_due_at' | 'created_at'>,
): CaseRow {
  return {
    id,
    source: 'worker',
    condition_code: null,
    public: 1,
    lng: null,
    lat: null,
    address: '建设路12号',
    description: '列表测试',
    attachments: '[]',
    reporter_name: null,
    reporter_contact_enc: null,
    external_ref: null,
    external_due_at: null,
    lead_department: null,
    stage_seq: 1,
    stage_started_at: fields.created_at,
    due_at: null,
    rung: 0,
    handling_due_at: null,
    dispatched_at: null,
    handled_at: null,
    closed_at: null,
    closure_type: null,
    solved: null,
    satisfied: null,
    evaluated_at: null,
    respond_by: null,
    tally_dispatch_day: null,
    tally_dispatch_department: null,
    tally_due_day: null,
    tally_due_department: null,
    tally_flags: 0,
    updated_at: fields.created_at,
    version: 1,
    ...fields,
  };
}
