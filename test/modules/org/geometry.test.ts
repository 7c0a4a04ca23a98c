import { describe, expect, it } from 'vitest';
import {
  areaSquareMetres,
  bboxOf,
  centroidOf,
  orient2d,
  pointInGeometry,
  pointOnSurface,
  ringProblems,
  type AreaGeometry,
  type Position,
  type Ring,
} from '../../../src/modules/org/org.geometry.ts';

// Coordinates are dyadic fractions (…25, …125, …0625) near Macun (113.32°E 35.27°N), so a point
// "on the edge" really is on it in binary, and the tests check the rule rather than the rounding.
const W = 113.25;
const E = 113.375;
const S = 35.25;
const N = 35.375;

const square = (w: number, s: number, e: number, n: number): Ring => [
  [w, s],
  [e, s],
  [e, n],
  [w, n],
  [w, s],
];

/** A micro-grid (微网格) around a 小区 whose courtyard is not part of it: a hole. */
const withCourtyard: AreaGeometry = {
  type: 'Polygon',
  coordinates: [square(W, S, E, N), square(113.28125, 35.28125, 113.34375, 35.34375).reverse()],
};

describe('pointInGeometry: which side of a micro-grid boundary a household is on', () => {
  it('a point well inside the micro-grid is inside', () => {
    expect(pointInGeometry([113.26, 35.26], withCourtyard)).toBe('inside');
  });

  it('a point in the courtyard hole is outside the micro-grid', () => {
    expect(pointInGeometry([113.3125, 35.3125], withCourtyard)).toBe('outside');
  });

  it('points on the outer edges and on the courtyard wall are boundary', () => {
    expect(pointInGeometry([113.3125, S], withCourtyard)).toBe('boundary'); // south edge
    expect(pointInGeometry([E, 35.3], withCourtyard)).toBe('boundary'); // east edge
    expect(pointInGeometry([113.28125, 35.3], withCourtyard)).toBe('boundary'); // courtyard's west wall
    expect(pointInGeometry([113.3, 35.34375], withCourtyard)).toBe('boundary'); // courtyard's north wall
  });

  it('every vertex, outer and hole, is boundary', () => {
    for (const ring of withCourtyard.coordinates as Position[][]) {
      for (const vertex of ring) expect(pointInGeometry(vertex, withCourtyard)).toBe('boundary');
    }
  });

  it('points beyond the micro-grid are outside, including ones level with its edges', () => {
    expect(pointInGeometry([113.5, 35.3], withCourtyard)).toBe('outside');
    expect(pointInGeometry([113.0, S], withCourtyard)).toBe('outside'); // on the south edge's line, west of it
    expect(pointInGeometry([113.5, N], withCourtyard)).toBe('outside'); // on the north edge's line, east of it
    expect(pointInGeometry([W, 35.0], withCourtyard)).toBe('outside'); // below the south-west corner
  });

  const diamond: AreaGeometry = {
    type: 'Polygon',
    coordinates: [
      [
        [113.3125, 35.25],
        [113.375, 35.3125],
        [113.3125, 35.375],
        [113.25, 35.3125],
        [113.3125, 35.25],
      ],
    ],
  };

  it('a ray through a vertex is counted once (points level with the diamond’s side corners)', () => {
    expect(pointInGeometry([113.3, 35.3125], diamond)).toBe('inside');
    expect(pointInGeometry([113.2, 35.3125], diamond)).toBe('outside');
    expect(pointInGeometry([113.4, 35.3125], diamond)).toBe('outside');
    expect(pointInGeometry([113.2, 35.375], diamond)).toBe('outside'); // level with the top vertex
    expect(pointInGeometry([113.2, 35.25], diamond)).toBe('outside'); // level with the bottom vertex
  });

  it('a point exactly on a slanted edge is boundary; 1e-12° either side it is not', () => {
    const onEdge: Position = [113.34375, 35.28125]; // halfway along the south-east edge
    expect(pointInGeometry(onEdge, diamond)).toBe('boundary');
    expect(pointInGeometry([onEdge[0] - 1e-12, onEdge[1] + 1e-12], diamond)).toBe('inside');
    expect(pointInGeometry([onEdge[0] + 1e-12, onEdge[1] - 1e-12], diamond)).toBe('outside');
  });

  it('the orientation test is exact where floating point alone would guess', () => {
    // Shewchuk's example: a = (0.5 + i·2⁻⁵³, 0.5 + j·2⁻⁵³) against the line (12,12)→(24,24). The exact
    // sign is sign(j - i) (the determinant is 12·(ay - ax)); the plain formula gets many of them wrong.
    const tiny = 2 ** -53;
    const naive = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number) => (ax - cx) * (by - cy) - (ay - cy) * (bx - cx);
    let naiveWrong = 0;
    for (let i = 0; i < 64; i++) {
      for (let j = 0; j < 64; j++) {
        const ax = 0.5 + i * tiny;
        const ay = 0.5 + j * tiny;
        const exact = Math.sign(ay - ax);
        expect(Math.sign(orient2d(ax, ay, 12, 12, 24, 24))).toBe(exact);
        if (Math.sign(naive(ax, ay, 12, 12, 24, 24)) !== exact) naiveWrong++;
      }
    }
    expect(naiveWrong).toBeGreaterThan(0);
  });

  it('a horizontal edge at the point’s height does not confuse the count', () => {
    const step: AreaGeometry = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [4, 0],
          [4, 2],
          [2, 2],
          [2, 1],
          [1, 1],
          [1, 2],
          [0, 2],
          [0, 0],
        ],
      ],
    };
    expect(pointInGeometry([0.5, 1], step)).toBe('inside');
    expect(pointInGeometry([1.5, 1], step)).toBe('boundary');
    expect(pointInGeometry([3, 1], step)).toBe('inside');
    expect(pointInGeometry([5, 1], step)).toBe('outside');
    expect(pointInGeometry([1.5, 1.5], step)).toBe('outside'); // in the notch
    expect(pointInGeometry([3, 2], step)).toBe('boundary');
  });

  it('an unclosed ring is read with its closing edge implied', () => {
    const open: AreaGeometry = { type: 'Polygon', coordinates: [square(W, S, E, N).slice(0, 4)] };
    expect(pointInGeometry([113.3, S + 0.0625], open)).toBe('inside');
    expect(pointInGeometry([W, 35.3], open)).toBe('boundary');
  });

  it('a multi-part micro-grid (a village split by a road) contains points in each part', () => {
    const twoParts: AreaGeometry = { type: 'MultiPolygon', coordinates: [[square(0, 0, 1, 1)], [square(2, 0, 3, 1)]] };
    expect(pointInGeometry([0.5, 0.5], twoParts)).toBe('inside');
    expect(pointInGeometry([2.5, 0.5], twoParts)).toBe('inside');
    expect(pointInGeometry([1.5, 0.5], twoParts)).toBe('outside');
    expect(pointInGeometry([3, 0.5], twoParts)).toBe('boundary');
  });
});

describe('bounding box, area and centroid', () => {
  it('bboxOf covers all rings', () => {
    expect(bboxOf(withCourtyard)).toEqual([W, S, E, N]);
    expect(bboxOf({ type: 'MultiPolygon', coordinates: [[square(0, 0, 1, 1)], [square(2, -1, 3, 0.5)]] })).toEqual([0, -1, 3, 1]);
  });

  /** Independent reference: ∫∫ M(φ)·N(φ)·cos φ dφ dλ on WGS-84 by composite Simpson with many steps. */
  function ellipsoidCellArea(w: number, s: number, e: number, n: number): number {
    const a = 6378137;
    const f = 1 / 298.257223563;
    const e2 = f * (2 - f);
    const rad = Math.PI / 180;
    const integrand = (phi: number) => (a * a * (1 - e2) * Math.cos(phi)) / (1 - e2 * Math.sin(phi) ** 2) ** 2;
    const steps = 2000;
    const h = ((n - s) * rad) / steps;
    let sum = integrand(s * rad) + integrand(n * rad);
    for (let i = 1; i < steps; i++) sum += (i % 2 === 1 ? 4 : 2) * integrand(s * rad + i * h);
    return ((sum * h) / 3) * (e - w) * rad;
  }

  it('a 1°×1° cell at the equator has its WGS-84 area (≈ 12,308.8 km²)', () => {
    const cell: AreaGeometry = { type: 'Polygon', coordinates: [square(0, 0, 1, 1)] };
    const reference = ellipsoidCellArea(0, 0, 1, 1);
    expect(reference / 1e6).toBeCloseTo(12308.8, 0);
    expect(Math.abs(areaSquareMetres(cell) / reference - 1)).toBeLessThan(1e-9);
  });

  it('a micro-grid-sized cell near Macun (≈ 100 m × 110 m) is within 1e-6 of the reference', () => {
    const cell: AreaGeometry = { type: 'Polygon', coordinates: [square(113.32, 35.27, 113.321, 35.271)] };
    const reference = ellipsoidCellArea(113.32, 35.27, 113.321, 35.271);
    expect(reference).toBeGreaterThan(10_000);
    expect(reference).toBeLessThan(10_200);
    expect(Math.abs(areaSquareMetres(cell) / reference - 1)).toBeLessThan(1e-6);
  });

  it('winding order does not matter and the courtyard hole is subtracted', () => {
    const outer = ellipsoidCellArea(W, S, E, N);
    const hole = ellipsoidCellArea(113.28125, 35.28125, 113.34375, 35.34375);
    const reversed: AreaGeometry = {
      type: 'Polygon',
      coordinates: withCourtyard.coordinates.map((r) => [...(r as Ring)].reverse()) as Ring[],
    };
    expect(areaSquareMetres(withCourtyard) / (outer - hole)).toBeCloseTo(1, 9);
    expect(areaSquareMetres(reversed)).toBeCloseTo(areaSquareMetres(withCourtyard), 3);
  });

  it('the centroid is area-weighted: a hole pulls it away', () => {
    const symmetric = centroidOf(withCourtyard);
    expect(symmetric[0]).toBeCloseTo(113.3125, 9);
    expect(symmetric[1]).toBeCloseTo(35.3125, 9);
    // Hole in the west half of a 2×1 block: the centroid moves east.
    const block: AreaGeometry = { type: 'Polygon', coordinates: [square(0, 0, 0.002, 0.001), square(0.00025, 0.00025, 0.00075, 0.00075)] };
    const [x, y] = centroidOf(block);
    // Plane moments: (2·1·1 - 0.25·0.5) / (2 - 0.25) = 1.0714… thousandths of a degree.
    expect(x / 0.001).toBeCloseTo((2 * 1 - 0.25 * 0.5) / 1.75, 6);
    expect(y / 0.001).toBeCloseTo(0.5, 6);
  });

  it('pointOnSurface is inside even where the centroid is in the hole or outside a concave shape', () => {
    expect(pointInGeometry(centroidOf(withCourtyard), withCourtyard)).toBe('outside');
    expect(pointInGeometry(pointOnSurface(withCourtyard), withCourtyard)).toBe('inside');
    const horseshoe: AreaGeometry = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [3, 0],
          [3, 3],
          [2, 3],
          [2, 1],
          [1, 1],
          [1, 3],
          [0, 3],
          [0, 0],
        ],
      ],
    };
    expect(pointInGeometry(pointOnSurface(horseshoe), horseshoe)).toBe('inside');
  });
});

describe('ringProblems: what an import report says about a boundary', () => {
  const problemsOf = (coordinates: Position[][]) => ringProblems({ type: 'Polygon', coordinates });

  it('a valid micro-grid with a courtyard has no problems', () => {
    expect(ringProblems(withCourtyard)).toEqual([]);
  });

  it('an unclosed ring is reported at its last position', () => {
    expect(problemsOf([square(W, S, E, N).slice(0, 4)])).toEqual([{ problem: 'unclosed_ring', at: [W, N] }]);
  });

  it('fewer than 4 positions', () => {
    expect(
      problemsOf([
        [
          [0, 0],
          [1, 0],
          [0, 0],
        ],
      ]),
    ).toEqual([{ problem: 'too_few_positions', at: [0, 0] }]);
  });

  it('a bow-tie crosses itself, reported at the crossing', () => {
    expect(
      problemsOf([
        [
          [0, 0],
          [1, 1],
          [1, 0],
          [0, 1],
          [0, 0],
        ],
      ]),
    ).toEqual([{ problem: 'self_intersection', at: [0.5, 0.5] }]);
  });

  it('a ring touching itself at a vertex, and a spike folding back, are self-intersections', () => {
    const touching = problemsOf([
      [
        [0, 0],
        [2, 0],
        [2, 2],
        [1, 0],
        [0, 2],
        [0, 0],
      ],
    ]);
    expect(touching).toEqual([{ problem: 'self_intersection', at: [1, 0] }]);
    const spike = problemsOf([
      [
        [0, 0],
        [2, 0],
        [3, 0],
        [2, 0],
        [2, 2],
        [0, 2],
        [0, 0],
      ],
    ]);
    expect(spike.map((p) => p.problem)).toEqual(['self_intersection']);
  });

  it('a ring with all positions on one line has zero area', () => {
    expect(
      problemsOf([
        [
          [0, 0],
          [1, 1],
          [2, 2],
          [0, 0],
        ],
      ]),
    ).toEqual([{ problem: 'zero_area', at: [0, 0] }]);
  });

  it('a hole outside its outer ring, and a hole crossing it', () => {
    expect(problemsOf([square(0, 0, 1, 1), square(2, 2, 3, 3)])).toEqual([{ problem: 'hole_outside_outer_ring', at: [2, 2] }]);
    const crossing = problemsOf([square(0, 0, 1, 1), square(0.5, 0.25, 1.5, 0.75)]);
    expect(crossing.map((p) => p.problem).sort()).toEqual(['hole_outside_outer_ring', 'self_intersection']);
    expect(crossing.find((p) => p.problem === 'self_intersection')?.at).toEqual([1, 0.25]);
  });

  it('a hole touching the outer ring at one point is allowed', () => {
    const hole: Ring = [
      [0, 0.5],
      [0.5, 0.25],
      [0.5, 0.75],
      [0, 0.5],
    ];
    expect(problemsOf([square(0, 0, 1, 1), hole])).toEqual([]);
  });

  it('positions that are not longitude/latitude', () => {
    expect(
      problemsOf([
        [
          [0, 0],
          [200, 0],
          [1, 1],
          [0, 0],
        ] as Position[],
      ]),
    ).toEqual([{ problem: 'invalid_position', at: [200, 0] }]);
    expect(
      problemsOf([
        [
          [0, 0],
          [NaN, 0],
          [1, 1],
          [0, 0],
        ] as Position[],
      ])[0].problem,
    ).toBe('invalid_position');
  });
});
