import { Delaunay } from 'd3-delaunay';
import type { AreaGeometry, Position } from '../../modules/org/org.geometry.ts';
import { toLngLat, type LocalFrame } from './layout.ts';
import type { Sites } from './settlements.ts';

/**
 * The Voronoi tessellation of the sites and the unions of its cells, done on the topology rather
 * than with a polygon-clipping union: a Voronoi edge is the dual of a Delaunay edge and a Voronoi
 * vertex the circumcentre of a Delaunay triangle, so the boundary of any set of cells is the set of
 * Delaunay edges whose two sites carry different labels, chained triangle to triangle. Every union
 * (micro-grid, grid, ..., district) is then exact and linear in time, and neighbours share the very
 * same vertices: seamless by construction, no slivers, no tolerance.
 */
export interface Tessellation {
  triangles: Uint32Array;
  halfedges: Int32Array;
  /** Per triangle, the index of the triangle whose circumcentre stands for it (see mergeShortEdges). */
  vertexOf: Int32Array;
  cx: Float64Array;
  cy: Float64Array;
  /** Per site, its incident Delaunay edges as CSR: neighbours and the length of the shared Voronoi edge. */
  adjacencyStart: Int32Array;
  adjacencySite: Int32Array;
  adjacencyLength: Float64Array;
}

/** Voronoi edges shorter than this (m) are collapsed: near-cocircular sites make them, and at 1e-7° they would fold. */
const MERGE_BELOW = 0.05;

export function tessellate(sites: Sites): Tessellation {
  const coords = new Float64Array(sites.count * 2);
  for (let i = 0; i < sites.count; i++) {
    coords[2 * i] = sites.x[i];
    coords[2 * i + 1] = sites.y[i];
  }
  const delaunay = new Delaunay(coords);
  const { triangles, halfedges } = delaunay;
  const triangleCount = triangles.length / 3;
  const cx = new Float64Array(triangleCount);
  const cy = new Float64Array(triangleCount);
  for (let t = 0; t < triangleCount; t++) {
    const a = triangles[3 * t];
    const b = triangles[3 * t + 1];
    const c = triangles[3 * t + 2];
    const ax = coords[2 * a];
    const ay = coords[2 * a + 1];
    const bx = coords[2 * b] - ax;
    const by = coords[2 * b + 1] - ay;
    const qx = coords[2 * c] - ax;
    const qy = coords[2 * c + 1] - ay;
    const d = 2 * (bx * qy - by * qx);
    const bl = bx * bx + by * by;
    const ql = qx * qx + qy * qy;
    cx[t] = ax + (qy * bl - by * ql) / d;
    cy[t] = ay + (bx * ql - qx * bl) / d;
  }
  const vertexOf = mergeShortEdges(triangles, halfedges, cx, cy);

  // Adjacency (CSR), each undirected Delaunay edge once per end.
  const degree = new Int32Array(sites.count + 1);
  for (let e = 0; e < triangles.length; e++) {
    if (halfedges[e] === -1 || halfedges[e] > e) {
      degree[triangles[e]]++;
      degree[triangles[nextHalfedge(e)]]++;
    }
  }
  const adjacencyStart = new Int32Array(sites.count + 1);
  for (let i = 0; i < sites.count; i++) adjacencyStart[i + 1] = adjacencyStart[i] + degree[i];
  const fill = adjacencyStart.slice(0, sites.count);
  const adjacencySite = new Int32Array(adjacencyStart[sites.count]);
  const adjacencyLength = new Float64Array(adjacencyStart[sites.count]);
  for (let e = 0; e < triangles.length; e++) {
    const twin = halfedges[e];
    if (twin !== -1 && twin < e) continue;
    const p = triangles[e];
    const q = triangles[nextHalfedge(e)];
    // A hull edge (only between outside sites) has an unbounded Voronoi edge.
    const length = twin === -1 ? Infinity : Math.hypot(cx[triangleOf(e)] - cx[triangleOf(twin)], cy[triangleOf(e)] - cy[triangleOf(twin)]);
    adjacencySite[fill[p]] = q;
    adjacencyLength[fill[p]++] = length;
    adjacencySite[fill[q]] = p;
    adjacencyLength[fill[q]++] = length;
  }
  return { triangles, halfedges, vertexOf, cx, cy, adjacencyStart, adjacencySite, adjacencyLength };
}

function nextHalfedge(e: number): number {
  return e % 3 === 2 ? e - 2 : e + 1;
}

function triangleOf(e: number): number {
  return Math.floor(e / 3);
}

/** Union-find over triangles joined by a Voronoi edge shorter than MERGE_BELOW; the lowest index represents. */
function mergeShortEdges(triangles: Uint32Array, halfedges: Int32Array, cx: Float64Array, cy: Float64Array): Int32Array {
  const parent = Int32Array.from({ length: triangles.length / 3 }, (_, i) => i);
  const find = (t: number): number => {
    while (parent[t] !== t) {
      parent[t] = parent[parent[t]];
      t = parent[t];
    }
    return t;
  };
  for (let e = 0; e < halfedges.length; e++) {
    const twin = halfedges[e];
    if (twin < e) continue;
    const a = triangleOf(e);
    const b = triangleOf(twin);
    if (Math.hypot(cx[a] - cx[b], cy[a] - cy[b]) < MERGE_BELOW) {
      const ra = find(a);
      const rb = find(b);
      if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
    }
  }
  for (let t = 0; t < parent.length; t++) parent[t] = find(t);
  return parent;
}

/**
 * The polygons of every label: labels[site] in 0..labelCount-1 for the sites inside, -1 outside.
 * Outer rings counter-clockwise, holes clockwise (RFC 7946), in WGS-84 through the frame.
 */
export function unionsByLabel(tess: Tessellation, labels: Int32Array, labelCount: number, frame: LocalFrame): AreaGeometry[] {
  const { triangles, halfedges, vertexOf, cx, cy } = tess;
  const rings: number[][][] = Array.from({ length: labelCount }, () => []);
  const done = new Uint8Array(triangles.length);
  for (let start = 0; start < triangles.length; start++) {
    const label = labels[triangles[start]];
    if (done[start] || label < 0 || labels[triangles[nextHalfedge(start)]] === label) continue;
    // Walk the boundary with the label's cells on the left. Delaunator's triangles run clockwise (y
    // up), so halfedge e (p→q, p inside, q not) crosses the Voronoi edge from circumcentre(e's
    // triangle) to circumcentre(twin's triangle) with p on the left.
    const ring: number[] = [];
    let e = start;
    do {
      done[e] = 1;
      const vertex = vertexOf[triangleOf(e)];
      if (ring.length === 0 || ring[ring.length - 1] !== vertex) ring.push(vertex);
      const t = triangleOf(halfedges[e]);
      e = -1;
      for (let k = 3 * t; k < 3 * t + 3; k++) {
        if (labels[triangles[k]] === label && labels[triangles[nextHalfedge(k)]] !== label) e = k;
      }
      if (e === -1) throw new Error('demo geography: broken boundary walk');
    } while (e !== start);
    while (ring.length > 1 && ring[0] === ring[ring.length - 1]) ring.pop();
    if (ring.length >= 3) rings[label].push(ring);
  }
  return rings.map((labelRings) => assemble(labelRings, cx, cy, frame));
}

/** Outer rings with their holes; a hole goes to the smallest outer ring that contains it. */
function assemble(rings: number[][], cx: Float64Array, cy: Float64Array, frame: LocalFrame): AreaGeometry {
  const area = (ring: number[]) => {
    let sum = 0;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) sum += cx[ring[j]] * cy[ring[i]] - cx[ring[i]] * cy[ring[j]];
    return sum / 2;
  };
  const outers = rings.map((ring) => ({ ring, area: area(ring) })).filter((r) => r.area > 0);
  const holes = rings.filter((ring) => area(ring) < 0);
  if (outers.length === 0) throw new Error('demo geography: a unit without area');
  outers.sort((a, b) => a.area - b.area);
  const polygons: number[][][] = outers.map(({ ring }) => [ring]);
  for (const hole of holes) {
    const [hx, hy] = [cx[hole[0]], cy[hole[0]]];
    const index = outers.findIndex(({ ring }) => ringContains(ring, cx, cy, hx, hy));
    polygons[index === -1 ? outers.length - 1 : index].push(hole);
  }
  // Largest part first; a unit normally has just one.
  polygons.reverse();
  const toPositions = (ring: number[]): Position[] => {
    const positions: Position[] = [];
    for (const vertex of ring) {
      const p = toLngLat(frame, cx[vertex], cy[vertex]);
      const last = positions[positions.length - 1];
      if (!last || last[0] !== p[0] || last[1] !== p[1]) positions.push(p);
    }
    while (
      positions.length > 1 &&
      positions[0][0] === positions[positions.length - 1][0] &&
      positions[0][1] === positions[positions.length - 1][1]
    ) {
      positions.pop();
    }
    positions.push([positions[0][0], positions[0][1]]);
    return positions;
  };
  const coordinates = polygons.map((polygon) => polygon.map(toPositions));
  return coordinates.length === 1 ? { type: 'Polygon', coordinates: coordinates[0] } : { type: 'MultiPolygon', coordinates };
}

/** Even-odd, local metres; a hole's first vertex is never on another ring's edge (they share no vertex). */
function ringContains(ring: number[], cx: Float64Array, cy: Float64Array, x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const xi = cx[ring[i]];
    const yi = cy[ring[i]];
    const xj = cx[ring[j]];
    const yj = cy[ring[j]];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
