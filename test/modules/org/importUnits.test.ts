import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../../src/platform/authz/actor.ts';
import { AppError } from '../../../src/platform/http/errors.ts';
import { importUnits, type UnitImportRow } from '../../../src/modules/org/commands/importUnits.ts';
import { toWgs84 } from '../../../src/modules/org/org.crs.ts';
import type { Position } from '../../../src/modules/org/org.geometry.ts';
import { DATABASES } from '../../support/databases.ts';
import { box } from '../../support/tessellation.ts';
import { makeWorld } from '../../support/factories.ts';
import { countRows, startTestServer, type TestServer } from '../../support/server.ts';

/** An axis-aligned box around Macun, in degrees; `d` ≈ 1 km steps. */
const d = 0.01;
const W = 113.3;
const S = 35.26;

describe.each(DATABASES)('importing org units on %s', (kind) => {
  let server: TestServer;
  const by = { actor: systemActor('test'), requestId: null };
  const run = (rows: UnitImportRow[]) => importUnits(server.platform, by, rows, 'test.xlsx');
  const rejection = async (rows: UnitImportRow[]) => {
    const error = await run(rows).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  };

  /** A community split into four grids, 2 × 2. */
  const community = (name = '新华社区'): UnitImportRow[] => [
    { code: '410804001002', name, geometry: box(W, S, W + 2 * d, S + 2 * d) },
    { code: '410804001002001', name: '一网格', geometry: box(W, S + d, W + d, S + 2 * d) },
    { code: '410804001002002', name: '二网格', geometry: box(W + d, S + d, W + 2 * d, S + 2 * d) },
    { code: '410804001002003', name: '三网格', geometry: box(W, S, W + d, S + d) },
    { code: '410804001002004', name: '四网格', geometry: box(W + d, S, W + 2 * d, S + d) },
  ];

  beforeAll(async () => {
    server = await startTestServer(kind);
    await makeWorld(server.platform);
  });
  afterAll(() => server?.dispose());

  it('a seamless file imports, with areas and centroids, and a re-import changes nothing', async () => {
    expect(await run(community())).toEqual({ created: 5, updated: 0, unchanged: 0 });
    const grid = await server.platform.database.db
      .selectFrom('org_unit')
      .selectAll()
      .where('code', '=', '410804001002001')
      .executeTakeFirstOrThrow();
    expect(grid).toMatchObject({ level: 'grid', parent_code: '410804001002' });
    expect(grid.area_m2! / 1e6).toBeCloseTo(0.91 * 1.11, 1); // ~0.91 km east-west × 1.11 km north-south at 35.27°N
    expect(grid.centroid_lng).toBeCloseTo(W + d / 2, 9);

    const audit = await countRows(server, 'audit_record');
    expect(await run(community())).toEqual({ created: 0, updated: 0, unchanged: 5 });
    expect(await run(community('新华社区（更名）'))).toEqual({ created: 0, updated: 1, unchanged: 4 });
    expect(await countRows(server, 'audit_record')).toBe(audit + 2);
  });

  it('a file with bad rows imports nothing and reports every row', async () => {
    const units = await countRows(server, 'org_unit');
    const error = await rejection([
      { code: '41080400100199', name: '坏编码' },
      { code: '410804001002201', name: '  ' },
      { code: '410804001009001', name: '无父网格' },
      {
        code: '410804001002202',
        name: '自交网格',
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [W, S],
              [W + d, S + d],
              [W + d, S],
              [W, S + d],
              [W, S],
            ],
          ],
        },
      },
      { code: '410804001002203', name: '好网格' },
    ]);
    expect(error.code).toBe('org.import_invalid');
    const problems = (error.details!.problems as { row: number; field: string }[]).map((p) => `${p.row}:${p.field}`);
    expect(problems).toEqual(['1:code', '2:name', '4:geometry']);
    // Parent problems show once the rows themselves are sound.
    const orphan = await rejection([{ code: '410804001009001', name: '无父网格' }]);
    expect(orphan.details!.problems).toEqual([{ row: 1, field: 'code', problem: 'parent 410804001009 does not exist' }]);
    expect(await countRows(server, 'org_unit')).toBe(units);
  });

  it('overlapping grids are refused with the overlap and where it is', async () => {
    const units = await countRows(server, 'org_unit');
    const rows = community();
    rows[1] = { ...rows[1], geometry: box(W, S + d, W + 1.5 * d, S + 2 * d) };
    const error = await rejection(rows);
    expect(error.code).toBe('org.coverage_broken');
    const [report] = error.details!.reports as {
      parent: string;
      overlaps: { a: string; b: string; areaSquareMetres: number; at: Position }[];
    }[];
    expect(report.parent).toBe('410804001002');
    expect(report.overlaps[0]).toMatchObject({ a: '410804001002001', b: '410804001002002' });
    expect(report.overlaps[0].areaSquareMetres / 1e6).toBeCloseTo(0.455 * 1.11, 1);
    expect(await countRows(server, 'org_unit')).toBe(units);
  });

  it('a boundary drawn on a GCJ-02 map is stored in WGS-84', async () => {
    const gcj: Position = [W + 3 * d, S + 3 * d];
    const square = box(gcj[0], gcj[1], gcj[0] + d, gcj[1] + d);
    await run([{ code: '410804002001201', name: '火星坐标网格', geometry: square, crs: 'gcj02' }]);
    const stored = await server.platform.database.db
      .selectFrom('org_unit')
      .selectAll()
      .where('code', '=', '410804002001201')
      .executeTakeFirstOrThrow();
    const corner = (JSON.parse(stored.geometry!) as { coordinates: Position[][] }).coordinates[0][0];
    const expected = toWgs84(gcj, 'gcj02');
    expect(corner[0]).toBeCloseTo(expected[0], 9);
    expect(corner[1]).toBeCloseTo(expected[1], 9);
    expect(Math.abs(corner[0] - gcj[0])).toBeGreaterThan(0.004); // hundreds of metres: the reason to convert
  });
});
