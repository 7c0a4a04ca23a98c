import { Delaunay } from 'd3-delaunay';
import { voronoiDistrict } from '../../support/tessellation.ts';
import polygonClipping, { type Geom } from 'polygon-clipping';
import { describe, expect, it } from 'vitest';
import { areaSquareMetres, pointInGeometry, type AreaGeometry, type Position } from '../../../src/modules/org/org.geometry.ts';
import { isSeamless, snapTogether, validateTessellation, type UnitGeometry } from '../../../src/modules/org/org.validation.ts';

// A grid (全科网格) of 2×2 micro-grids near Macun. Coordinates are multiples of 2⁻¹⁰° (≈ 89 m east-west,
// 108 m north-south), so shared edges are exactly shared and expected areas are exact rectangles.
const U = 2 ** -10;
const X0 = 113.3125;
const Y0 = 35.265625;
const GRID = '410804001001001';

const box = (x0: number, y0: number, x1: number, y1: number): AreaGeometry => ({
  type: 'Polygon',
  coordinates: [
    [
      [X0 + x0 * U, Y0 + y0 * U],
      [X0 + x1 * U, Y0 + y0 * U],
      [X0 + x1 * U, Y0 + y1 * U],
      [X0 + x0 * U, Y0 + y1 * U],
      [X0 + x0 * U, Y0 + y0 * U],
    ],
  ],
});

/** A lattice position, optionally nudged east by `dx` degrees. */
const at = (x: number, y: number, dx = 0): Position => [X0 + x * U + dx, Y0 + y * U];
const parent: UnitGeometry = { code: GRID, geometry: box(0, 0, 2, 2) };
const cell = (suffix: string, geometry: AreaGeometry): UnitGeometry => ({ code: GRID + suffix, geometry });
const seamless = [cell('01', box(0, 1, 1, 2)), cell('02', box(1, 1, 2, 2)), cell('03', box(0, 0, 1, 1)), cell('04', box(1, 0, 2, 1))];
const replace = (suffix: string, geometry: AreaGeometry) => seamless.map((c) => (c.code === GRID + suffix ? cell(suffix, geometry) : c));
const TOLERANCE = 1; // m²

describe('validateTessellation: seamless coverage (无缝覆盖) of a grid by its micro-grids', () => {
  it('four micro-grids sharing their edges exactly cover the grid: nothing to report', () => {
    const report = validateTessellation(parent, seamless, TOLERANCE);
    expect(report).toEqual({ overlaps: [], gaps: [], outside: [], invalid: [] });
    expect(isSeamless(report)).toBe(true);
  });

  it('a micro-grid drawn short of its neighbour leaves a gap, with its area and where it is', () => {
    const report = validateTessellation(parent, replace('01', box(0, 1, 0.75, 2)), TOLERANCE);
    expect(report.overlaps).toEqual([]);
    expect(report.gaps).toHaveLength(1);
    const [gap] = report.gaps;
    const strip = box(0.75, 1, 1, 2);
    expect(gap.areaSquareMetres).toBeCloseTo(areaSquareMetres(strip), 3);
    expect(gap.areaSquareMetres).toBeGreaterThan(2000); // a quarter of ≈ 89 m × 108 m
    expect(pointInGeometry(gap.at, strip)).toBe('inside');
  });

  it('a micro-grid drawn over its neighbour overlaps it, reported once for the pair', () => {
    const report = validateTessellation(parent, replace('03', box(0, 0, 1.25, 1)), TOLERANCE);
    expect(report.gaps).toEqual([]);
    expect(report.overlaps).toHaveLength(1);
    const [overlap] = report.overlaps;
    expect([overlap.a, overlap.b]).toEqual([GRID + '03', GRID + '04']);
    const strip = box(1, 0, 1.25, 1);
    expect(overlap.areaSquareMetres).toBeCloseTo(areaSquareMetres(strip), 3);
    expect(pointInGeometry(overlap.at, strip)).toBe('inside');
  });

  it('a micro-grid sticking out of its grid is reported with the area outside', () => {
    const report = validateTessellation(parent, replace('02', box(1, 1, 2.5, 2)), TOLERANCE);
    expect(report.outside).toHaveLength(1);
    const [outside] = report.outside;
    expect(outside.code).toBe(GRID + '02');
    const beyond = box(2, 1, 2.5, 2);
    expect(outside.areaSquareMetres).toBeCloseTo(areaSquareMetres(beyond), 3);
    expect(pointInGeometry(outside.at, beyond)).toBe('inside');
    expect(report.gaps).toEqual([]);
    expect(report.overlaps).toEqual([]);
  });

  it('a self-intersecting (bow-tie) micro-grid is invalid at its crossing, and its gaps still show', () => {
    const bowTie: AreaGeometry = {
      type: 'Polygon',
      coordinates: [
        [
          [X0, Y0],
          [X0 + U, Y0 + U],
          [X0 + U, Y0],
          [X0, Y0 + U],
          [X0, Y0],
        ],
      ],
    };
    const report = validateTessellation(parent, replace('03', bowTie), TOLERANCE);
    expect(report.invalid).toEqual([{ code: GRID + '03', problem: 'self_intersection', at: [X0 + U / 2, Y0 + U / 2] }]);
    // The bow-tie covers two of the four triangles of its square: the other two are gaps.
    expect(report.gaps).toHaveLength(2);
    for (const gap of report.gaps) expect(gap.areaSquareMetres).toBeCloseTo(areaSquareMetres(box(0, 0, 1, 1)) / 4, -1);
  });

  it('slivers up to the tolerance are ignored, larger ones reported', () => {
    // Off by 1e-7° (1 cm) along a 108 m edge: about 1 m² of gap.
    const sliver = replace('01', {
      type: 'Polygon',
      coordinates: [
        [
          [X0, Y0 + U],
          [X0 + U - 1e-7, Y0 + U],
          [X0 + U - 1e-7, Y0 + 2 * U],
          [X0, Y0 + 2 * U],
          [X0, Y0 + U],
        ],
      ],
    });
    expect(validateTessellation(parent, sliver, 5).gaps).toEqual([]);
    const strict = validateTessellation(parent, sliver, 0.1).gaps;
    expect(strict).toHaveLength(1);
    expect(strict[0].areaSquareMetres).toBeGreaterThan(0.5);
    expect(strict[0].areaSquareMetres).toBeLessThan(1.5);
  });

  it('a grid with no micro-grids yet is one gap, the whole grid', () => {
    const report = validateTessellation(parent, [], TOLERANCE);
    expect(report.gaps).toHaveLength(1);
    expect(report.gaps[0].areaSquareMetres).toBeCloseTo(areaSquareMetres(parent.geometry), 3);
  });

  it('an unusable child is listed as invalid and left out; an unusable parent stops the check', () => {
    const broken = cell('05', { type: 'Polygon', coordinates: [[[X0, Y0] as Position, [X0 + U, Y0] as Position]] });
    const report = validateTessellation(parent, [...seamless, broken], TOLERANCE);
    expect(report.invalid.map((i) => [i.code, i.problem])).toEqual([
      [GRID + '05', 'unclosed_ring'],
      [GRID + '05', 'too_few_positions'],
    ]);
    expect(report.gaps).toEqual([]);
    const noParent = validateTessellation({ code: GRID, geometry: broken.geometry }, seamless, TOLERANCE);
    expect(noParent.invalid.map((i) => i.code)).toEqual([GRID, GRID]);
    expect(noParent.gaps).toEqual([]);
  });
});

describe('snapTogether: boundaries meant to coincide are made to coincide before clipping', () => {
  it('merges positions an ulp apart and inserts a neighbour’s vertex lying on an edge; leaves real offsets alone', () => {
    const left = box(0, 0, 1, 2);
    // The right block's west side has a vertex at y = 1 that lies (to 1e-13°) on the left block's east edge,
    // and a corner 1e-13° from the left block's corner.
    const right: AreaGeometry = {
      type: 'Polygon',
      coordinates: [[at(1, 0, 1e-13), at(2, 0), at(2, 2), at(1, 2), at(1, 1, -1e-13), at(1, 0, 1e-13)]],
    };
    const far: AreaGeometry = { type: 'Polygon', coordinates: [[at(3, 0), at(4, 0), at(4, 1), at(3 + 1e-6 / U, 1), at(3, 0)]] };
    const [snappedLeft, snappedRight, snappedFar] = snapTogether([left, right, far], 1e-9);
    expect(snappedLeft.coordinates[0]).toEqual([at(0, 0), at(1, 0), at(1, 1, -1e-13), at(1, 2), at(0, 2), at(0, 0)]);
    expect((snappedRight.coordinates[0] as Position[])[0]).toEqual(at(1, 0));
    expect(snappedFar).toEqual(far);
  });
});

// ---------------------------------------------------------------------------------------------------
// The demo's scale: 2,589 micro-grids in 337 grids
// ---------------------------------------------------------------------------------------------------

describe('validateTessellation at the demo district’s scale', () => {
  it('2,589 micro-grids in 337 grids, and the 337 grids in the district, validate clean', () => {
    const { outline, cells, sites } = voronoiDistrict(42, 2589);
    // Group micro-grids into 337 grids around 337 of the sites (nearest grid centre), each grid's
    // boundary the union of its micro-grids, as the demo draws them.
    const centres = sites.slice(0, 337);
    const nearest = Delaunay.from(centres);
    const members: UnitGeometry[][] = centres.map(() => []);
    let hint = 0;
    sites.forEach(([x, y], i) => {
      hint = nearest.find(x, y, hint);
      members[hint].push({ code: `grid${String(hint).padStart(3, '0')}-${String(i).padStart(4, '0')}`, geometry: cells[i] });
    });
    const grids: UnitGeometry[] = members.map((children, g) => {
      const [first, ...rest] = children.map((c) => c.geometry.coordinates as Geom);
      const union = polygonClipping.union(first, ...rest) as Position[][][];
      return {
        code: `grid${String(g).padStart(3, '0')}`,
        geometry: union.length === 1 ? { type: 'Polygon', coordinates: union[0] } : { type: 'MultiPolygon', coordinates: union },
      };
    });

    const reports = grids.map((grid, g) => validateTessellation(grid, members[g], TOLERANCE));
    const districtReport = validateTessellation(
      { code: '410804', geometry: { type: 'Polygon', coordinates: [outline] } },
      grids,
      TOLERANCE,
    );

    expect(reports.filter((r) => !isSeamless(r))).toEqual([]);
    expect(districtReport).toEqual({ overlaps: [], gaps: [], outside: [], invalid: [] });
  });

  it('a micro-grid missing from 500 is found: one gap, of its area, inside it', () => {
    const { outline, cells } = voronoiDistrict(7, 500);
    const children = cells.map((geometry, i) => ({ code: String(i).padStart(3, '0'), geometry }));
    const missing = children.splice(123, 1)[0];
    const report = validateTessellation({ code: '410804', geometry: { type: 'Polygon', coordinates: [outline] } }, children, TOLERANCE);
    expect(report.overlaps).toEqual([]);
    expect(report.gaps).toHaveLength(1);
    expect(report.gaps[0].areaSquareMetres).toBeCloseTo(areaSquareMetres(missing.geometry), 0);
    expect(pointInGeometry(report.gaps[0].at, missing.geometry)).toBe('inside');
  });
});
