import { describe, expect, it } from 'vitest';
import { toWgs84, fromWgs84 } from '../../../src/modules/org/org.crs.ts';
import { bboxOf, pointInGeometry, type AreaGeometry, type Position, type Ring } from '../../../src/modules/org/org.geometry.ts';
import { Locator, type LocatorEntry } from '../../../src/modules/org/org.locator.ts';
import { createRandom } from '../../../src/demo/random.ts';
import { voronoiDistrict } from '../../support/tessellation.ts';

// Micro-grids (微网格) of one grid near Macun on a 2⁻¹⁰° lattice (≈ 89 m × 108 m): shared edges and
// vertices are exactly shared, so "on the boundary" is exact.
const U = 2 ** -10;
const X0 = 113.3125;
const Y0 = 35.265625;
const GRID = '410804001001001';
const at = (x: number, y: number): Position => [X0 + x * U, Y0 + y * U];
const rect = (x0: number, y0: number, x1: number, y1: number): Ring => [at(x0, y0), at(x1, y0), at(x1, y1), at(x0, y1), at(x0, y0)];

// 01 | 02      01 has a 小区 courtyard (hole) at (0.25..0.75, 1.25..1.75): not part of any micro-grid.
// ---+---      03 has a courtyard hole filled by micro-grid 05, a compound served on its own.
// 03 | 04
const microGrids: LocatorEntry[] = [
  { code: `${GRID}01`, geometry: { type: 'Polygon', coordinates: [rect(0, 1, 1, 2), rect(0.25, 1.25, 0.75, 1.75).reverse()] } },
  { code: `${GRID}02`, geometry: { type: 'Polygon', coordinates: [rect(1, 1, 2, 2)] } },
  { code: `${GRID}03`, geometry: { type: 'Polygon', coordinates: [rect(0, 0, 1, 1), rect(0.25, 0.25, 0.75, 0.75).reverse()] } },
  { code: `${GRID}04`, geometry: { type: 'Polygon', coordinates: [rect(1, 0, 2, 1)] } },
  { code: `${GRID}05`, geometry: { type: 'Polygon', coordinates: [rect(0.25, 0.25, 0.75, 0.75)] } },
];
const locator = new Locator(microGrids);

describe('Locator: which micro-grid a household is in', () => {
  it('a point inside a micro-grid resolves to it', () => {
    expect(locator.locate(at(0.1, 1.9))).toBe(`${GRID}01`);
    expect(locator.locate(at(1.5, 1.5))).toBe(`${GRID}02`);
    expect(locator.locate(at(1.9, 0.1))).toBe(`${GRID}04`);
  });

  it('a point in a courtyard hole belongs to no micro-grid, or to the one drawn in the hole', () => {
    expect(locator.locate(at(0.5, 1.5))).toBeNull();
    expect(locator.locate(at(0.5, 0.5))).toBe(`${GRID}05`);
  });

  it('a point on an edge shared by two micro-grids goes to the lower code, every time', () => {
    expect(locator.locate(at(1, 1.5))).toBe(`${GRID}01`); // 01 | 02
    expect(locator.locate(at(1.5, 1))).toBe(`${GRID}02`); // 02 over 04
    expect(locator.locate(at(0.5, 1))).toBe(`${GRID}01`); // 01 over 03
    expect(locator.locate(at(0.5, 0.75))).toBe(`${GRID}03`); // 03's courtyard wall, shared with 05
  });

  it('a vertex shared by four micro-grids goes to the lowest code', () => {
    expect(locator.locate(at(1, 1))).toBe(`${GRID}01`);
  });

  it('a point on the wall of an empty courtyard belongs to the micro-grid around it', () => {
    expect(locator.locate(at(0.25, 1.5))).toBe(`${GRID}01`);
    expect(locator.locate(at(0.75, 1.75))).toBe(`${GRID}01`);
  });

  it('points on the outer edge belong to the micro-grid; beyond it to none', () => {
    expect(locator.locate(at(2, 0.5))).toBe(`${GRID}04`);
    expect(locator.locate(at(2 + 1e-6, 0.5))).toBeNull();
    expect(locator.locate(at(-1, 1))).toBeNull();
    expect(locator.locate([NaN, 35.27])).toBeNull();
  });

  it('the answer does not depend on the order the micro-grids were given in', () => {
    const reversed = new Locator([...microGrids].reverse());
    for (const p of [at(1, 1), at(1, 1.5), at(0.5, 0.75), at(0.3, 0.3), at(0.5, 1.5)]) expect(reversed.locate(p)).toBe(locator.locate(p));
  });

  it('a GCJ-02 position from a phone is converted before the lookup', () => {
    const household = at(1.5, 0.5); // in 04, as GPS sees it
    const fromPhone = fromWgs84(household, 'gcj02');
    expect(locator.locate(fromPhone)).toBeNull(); // ~600 m east: off the grid entirely
    expect(locator.locate(toWgs84(fromPhone, 'gcj02'))).toBe(`${GRID}04`);
  });

  it('an empty registry locates nothing; a duplicate code is refused', () => {
    expect(new Locator([]).locate(at(0.5, 0.5))).toBeNull();
    expect(() => new Locator([microGrids[0], microGrids[0]])).toThrow(/duplicate/);
  });

  it('multi-part micro-grids are found in each part', () => {
    const split = new Locator([{ code: 'a', geometry: { type: 'MultiPolygon', coordinates: [[rect(0, 0, 1, 1)], [rect(2, 0, 3, 1)]] } }]);
    expect(split.locate(at(2.5, 0.5))).toBe('a');
    expect(split.locate(at(1.5, 0.5))).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------------
// Property: a seamless tessellation resolves every point inside to exactly one micro-grid
// ---------------------------------------------------------------------------------------------------

/** ~500 Voronoi cells clipped to an irregular (concave) district outline, as micro-grids. */
function tessellation(seed: number, cells: number): { district: AreaGeometry; entries: LocatorEntry[] } {
  const { district, cells: geometries } = voronoiDistrict(seed, cells);
  return { district, entries: geometries.map((geometry, i) => ({ code: `${GRID}${String(i).padStart(3, '0')}`, geometry })) };
}

describe('Locator on a seamless district of ~500 micro-grids (property, seeded)', () => {
  const { district, entries } = tessellation(20260301, 500);
  const districtLocator = new Locator(entries);
  const boxes = entries.map((e) => bboxOf(e.geometry));
  /** Every micro-grid's placement of the point, by brute force over all of them. */
  const placements = (p: Position) =>
    entries
      .map((e, i) => {
        const [minX, minY, maxX, maxY] = boxes[i];
        const outsideBox = p[0] < minX || p[0] > maxX || p[1] < minY || p[1] > maxY;
        return { code: e.code, placement: outsideBox ? 'outside' : pointInGeometry(p, e.geometry) };
      })
      .filter((x) => x.placement !== 'outside');

  it('20,000 random points inside the district each resolve to exactly one micro-grid, the one containing it', () => {
    const random = createRandom('locator/99');
    const [minX, minY, maxX, maxY] = bboxOf(district);
    let inside = 0;
    let outside = 0;
    while (inside < 20_000) {
      const p: Position = [minX + random.next() * (maxX - minX), minY + random.next() * (maxY - minY)];
      const where = pointInGeometry(p, district);
      const found = districtLocator.locate(p);
      const containing = placements(p);
      if (where === 'inside') {
        inside++;
        const strictly = containing.filter((c) => c.placement === 'inside');
        // Seamless: exactly one micro-grid holds the point strictly (or it lies on shared edges).
        if (strictly.length === 1) expect(found).toBe(strictly[0].code);
        else {
          expect(strictly).toEqual([]);
          expect(found).toBe(containing.map((c) => c.code).sort()[0]);
        }
      } else if (where === 'outside') {
        outside++;
        expect(found).toBeNull();
        expect(containing).toEqual([]);
      }
    }
    expect(outside).toBeGreaterThan(1000);
  });

  it('vertices shared by several micro-grids resolve to the lowest code holding them', () => {
    let shared = 0;
    for (const entry of entries.slice(0, 150)) {
      const rings = entry.geometry.type === 'Polygon' ? entry.geometry.coordinates : entry.geometry.coordinates.flat();
      for (const vertex of rings.flat()) {
        const holders = placements(vertex);
        // Clipping to the outline rounds a few vertices by an ulp into a neighbour; the one a vertex
        // is strictly inside of wins, as the Locator documents. Everywhere else: the lowest code.
        const strictly = holders.filter((h) => h.placement === 'inside').map((h) => h.code);
        const expected = strictly.length > 0 ? strictly.sort()[0] : holders.map((h) => h.code).sort()[0];
        if (strictly.length === 0 && holders.length >= 2) shared++;
        expect(districtLocator.locate(vertex)).toBe(expected);
      }
    }
    expect(shared).toBeGreaterThan(500);
  });

  it('the cell index tests every micro-grid whose box holds the point, and a pure cell answers as the exact test does', () => {
    const random = createRandom('locator/5');
    const [minX, minY, maxX, maxY] = bboxOf(district);
    let pure = 0;
    let mixed = 0;
    for (let i = 0; i < 5000; i++) {
      const p: Position = [minX + random.next() * (maxX - minX), minY + random.next() * (maxY - minY)];
      const { pure: isPure, answer, candidates, inBox } = districtLocator.explain(p[0], p[1]);
      const strictly = placements(p).filter((c) => c.placement === 'inside');
      if (isPure) {
        pure++;
        // Nothing in a pure cell lies on an edge: the answer is the one micro-grid holding the point strictly.
        expect(placements(p).every((c) => c.placement === 'inside')).toBe(true);
        expect(answer === -1 ? null : districtLocator.codes[answer]).toBe(strictly.length ? strictly[0].code : null);
      } else {
        mixed++;
        expect(inBox.every((entry) => candidates.includes(entry))).toBe(true);
        expect([...candidates].sort((a, b) => a - b)).toEqual(candidates);
      }
    }
    // Both paths are exercised.
    expect(pure).toBeGreaterThan(1000);
    expect(mixed).toBeGreaterThan(100);
  });

  it('points on cell sides and the extent’s edges agree with brute force', () => {
    // Points on the index's own cell lines, where rounding decides the cell, and on the extent's border.
    const [minX, minY, maxX, maxY] = bboxOf(district);
    const random = createRandom('locator/7');
    const expectBrute = (p: Position) => {
      const holders = placements(p);
      const strictly = holders.filter((h) => h.placement === 'inside').map((h) => h.code);
      const expected = strictly.length > 0 ? strictly.sort()[0] : (holders.map((h) => h.code).sort()[0] ?? null);
      expect(districtLocator.locate(p)).toBe(expected);
    };
    for (let i = 0; i <= 400; i++) {
      const t = random.next();
      expectBrute([minX + (i / 400) * (maxX - minX), minY + t * (maxY - minY)]);
      expectBrute([minX + t * (maxX - minX), minY + (i / 400) * (maxY - minY)]);
      expectBrute([minX, minY + t * (maxY - minY)]);
      expectBrute([maxX, minY + t * (maxY - minY)]);
      expectBrute([minX + t * (maxX - minX), maxY]);
    }
  });
});

describe('Locator index: degenerate and awkward inputs', () => {
  it('a micro-grid much larger than its neighbours, and one thin as a line, are still found exactly', () => {
    const entries: LocatorEntry[] = [
      { code: 'big', geometry: { type: 'Polygon', coordinates: [rect(0, 0, 64, 1)] } },
      { code: 'sliver', geometry: { type: 'Polygon', coordinates: [[at(0, 1), at(64, 1), at(64, 1 + 1e-9), at(0, 1)]] } },
    ];
    const thin = new Locator(entries);
    expect(thin.locate(at(32, 0.5))).toBe('big');
    expect(thin.locate(at(32, 1))).toBe('big'); // shared edge: the lower code
    expect(thin.locate(at(63.99, 1 + 4e-10))).toBe('sliver');
    expect(thin.locate(at(32, 1.5))).toBeNull();
    expect(thin.locate([Infinity, Y0])).toBeNull();
  });

  it('a single micro-grid with a long diagonal edge crossing many cells', () => {
    const triangle = new Locator([
      { code: 't', geometry: { type: 'Polygon', coordinates: [[at(0, 0), at(100, 0), at(0, 77), at(0, 0)]] } },
    ]);
    const random = createRandom('locator/diagonal');
    for (let i = 0; i < 3000; i++) {
      const p = at(random.next() * 100, random.next() * 77);
      const expected = pointInGeometry(p, { type: 'Polygon', coordinates: [[at(0, 0), at(100, 0), at(0, 77), at(0, 0)]] });
      expect(triangle.locate(p)).toBe(expected === 'outside' ? null : 't');
    }
    // Points exactly on the diagonal (lattice points of it): the boundary belongs to the micro-grid.
    expect(triangle.locate(at(50, 38.5))).toBe('t');
    expect(triangle.locate(at(100, 0))).toBe('t');
  });
});
