import { createHash } from 'node:crypto';
import polygonClipping, { type Geom } from 'polygon-clipping';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_GRIDS, DEMO_MICROGRIDS, generateDemoGeography, type DemoGeography, type DemoUnit } from '../../src/demo/geography.ts';
import {
  areaSquareMetres,
  bboxOf,
  centroidOf,
  pointInGeometry,
  polygonAreaSquareMetres,
  ringProblems,
  type Polygon,
} from '../../src/modules/org/org.geometry.ts';
import { isSeamless, validateTessellation } from '../../src/modules/org/org.validation.ts';

const SEED = 'wangge-demo';
const WIDTHS = { district: 6, subdistrict: 9, community: 12, grid: 15, microgrid: 17 } as const;
const LEVELS = ['district', 'subdistrict', 'community', 'grid', 'microgrid'] as const;

describe('the demo geography (one district)', () => {
  let geo: DemoGeography;
  let byCode: Map<string, DemoUnit>;
  let childrenOf: Map<string, DemoUnit[]>;
  const level = (name: DemoUnit['level']) => geo.units.filter((u) => u.level === name);
  /** Statistical area codes: 社区 (居委会) 001-199, 村 (村委会) 201 on. */
  const isVillageCode = (code: string) => Number(code.slice(9, 12)) >= 200;

  beforeAll(() => {
    geo = generateDemoGeography({ seed: SEED });
    byCode = new Map(geo.units.map((u) => [u.code, u]));
    childrenOf = new Map();
    for (const unit of geo.units) {
      if (unit.parentCode === null) continue;
      childrenOf.set(unit.parentCode, [...(childrenOf.get(unit.parentCode) ?? []), unit]);
    }
  });

  it('has exactly the Macun counts at every level', () => {
    expect(LEVELS.map((l) => level(l).length)).toEqual([1, 7, level('community').length, DEMO_GRIDS, DEMO_MICROGRIDS]);
    expect([DEMO_GRIDS, DEMO_MICROGRIDS]).toEqual([337, 2589]);
    const [district] = level('district');
    expect(district).toMatchObject({ code: '410804', name: '马村区', parentCode: null });
    expect(level('subdistrict').map((u) => [u.code, u.name])).toEqual(
      ['马村', '武王', '冯营', '九里山', '待王', '安阳城', '演马'].map((name, i) => [`41080400${i + 1}`, `${name}街道`]),
    );
    const anyangcheng = childrenOf.get('410804006')!;
    expect(anyangcheng).toHaveLength(24);
    expect(anyangcheng.every((c) => c.name.endsWith('村') && isVillageCode(c.code))).toBe(true);
    // Town communities are 社区, villages 村, and the names are unique.
    for (const community of level('community')) expect(community.name.endsWith(isVillageCode(community.code) ? '村' : '社区')).toBe(true);
    expect(new Set(level('community').map((c) => c.name)).size).toBe(level('community').length);
    expect(childrenOf.get('410804001')!.every((c) => !isVillageCode(c.code))).toBe(true);
  });

  it('gives every unit a code of its level’s width that extends its parent’s', () => {
    expect(new Set(geo.units.map((u) => u.code)).size).toBe(geo.units.length);
    for (const unit of geo.units) {
      expect(unit.code).toMatch(/^\d+$/);
      expect(unit.code.length).toBe(WIDTHS[unit.level]);
      if (unit.level === 'district') continue;
      const parent = byCode.get(unit.parentCode!)!;
      expect(LEVELS.indexOf(parent.level)).toBe(LEVELS.indexOf(unit.level) - 1);
      expect(unit.code.startsWith(parent.code)).toBe(true);
    }
    // Children are numbered from 1 without holes (villages from 201).
    for (const [parentCode, children] of childrenOf) {
      const numbers = children.map((c) => Number(c.code.slice(parentCode.length))).sort((a, b) => a - b);
      const runs =
        byCode.get(parentCode)!.level === 'subdistrict' ? [numbers.filter((n) => n < 200), numbers.filter((n) => n >= 200)] : [numbers];
      for (const [k, run] of runs.entries()) expect(run).toEqual(run.map((_, i) => i + (k === 0 ? 1 : 201)));
    }
  });

  it('numbers grids and micro-grids west→east, north→south: no later sibling lies north-west of an earlier one', () => {
    let pairs = 0;
    for (const parent of [...level('community'), ...level('grid')]) {
      const siblings = [...childrenOf.get(parent.code)!].sort((a, b) => (a.code < b.code ? -1 : 1));
      const centroids = siblings.map((s) => centroidOf(s.geometry));
      for (let i = 0; i < siblings.length; i++) {
        for (let j = i + 1; j < siblings.length; j++) {
          const [earlier, later] = [centroids[i], centroids[j]];
          expect(later[0] < earlier[0] && later[1] > earlier[1], `${siblings[j].code} lies north-west of ${siblings[i].code}`).toBe(false);
          pairs++;
        }
      }
    }
    expect(pairs).toBeGreaterThan(5_000);
  });

  it('puts every building inside its micro-grid, and the households add up level by level', () => {
    expect(geo.households).toBeGreaterThanOrEqual(55_000);
    expect(geo.households).toBeLessThanOrEqual(60_000);
    const households = new Map<string, number>();
    for (const building of geo.buildings) {
      const micro = byCode.get(building.microgridCode)!;
      expect(micro.level).toBe('microgrid');
      expect(pointInGeometry(building.position, micro.geometry), building.id).toBe('inside');
      expect(building.id.startsWith(`${micro.code}-`)).toBe(true);
      expect(building.households).toBeGreaterThanOrEqual(1);
      expect(building.households).toBeLessThanOrEqual(building.kind === 'courtyard' ? 2 : 12);
      households.set(micro.code, (households.get(micro.code) ?? 0) + building.households);
    }
    expect(new Set(geo.buildings.map((b) => b.id)).size).toBe(geo.buildings.length);
    for (const micro of level('microgrid')) expect(households.get(micro.code), micro.code).toBe(micro.households);
    for (const unit of geo.units.filter((u) => u.level !== 'microgrid')) {
      expect(childrenOf.get(unit.code)!.reduce((sum, c) => sum + c.households, 0)).toBe(unit.households);
    }
    expect(byCode.get('410804')!.households).toBe(geo.households);
    // Town: apartment stairways; villages: courtyard houses only.
    expect(geo.buildings.filter((b) => isVillageCode(b.microgridCode)).every((b) => b.kind === 'courtyard')).toBe(true);
    expect(geo.buildings.filter((b) => b.microgridCode.startsWith('410804001')).some((b) => b.kind === 'apartment')).toBe(true);
  });

  // The rule: every micro-grid holds 10-35 households, at least 95 % hold 20-30, and every village
  // micro-grid (courtyards of 1-2 households, so any split is possible) holds 20-30.
  it('sizes micro-grids at about 20-30 households', () => {
    const micro = level('microgrid');
    const inBand = micro.filter((m) => m.households >= 20 && m.households <= 30);
    expect(micro.every((m) => m.households >= 10 && m.households <= 35)).toBe(true);
    expect(inBand.length / micro.length).toBeGreaterThanOrEqual(0.95);
    expect(micro.filter((m) => isVillageCode(m.code)).every((m) => m.households >= 20 && m.households <= 30)).toBe(true);
  });

  it('sizes micro-grids by density: a village micro-grid covers several times a town one', () => {
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];
    const micro = level('microgrid');
    const town = median(micro.filter((m) => !isVillageCode(m.code)).map((m) => areaSquareMetres(m.geometry)));
    const village = median(micro.filter((m) => isVillageCode(m.code)).map((m) => areaSquareMetres(m.geometry)));
    expect(village / town).toBeGreaterThanOrEqual(3);
    expect(town).toBeLessThan(10_000);
  });

  it('draws an irregular district of about 15 × 12 km around 113.32°E 35.27°N', () => {
    const [minX, minY, maxX, maxY] = bboxOf(geo.outline);
    const width = (maxX - minX) * 111_320 * Math.cos((35.27 * Math.PI) / 180);
    const height = (maxY - minY) * 110_950;
    expect(width).toBeGreaterThan(13_000);
    expect(width).toBeLessThan(17_000);
    expect(height).toBeGreaterThan(10_000);
    expect(height).toBeLessThan(14_000);
    const [lng, lat] = centroidOf(geo.outline);
    expect(Math.abs(lng - 113.32)).toBeLessThan(0.03);
    expect(Math.abs(lat - 35.27)).toBeLessThan(0.03);
    expect(areaSquareMetres(geo.outline) / (width * height)).toBeLessThan(0.9);
    expect(geo.outline).toEqual(byCode.get('410804')!.geometry);
  });

  it('makes every unit one valid polygon', () => {
    for (const unit of geo.units) {
      expect(unit.geometry.type, unit.code).toBe('Polygon');
      expect(ringProblems(unit.geometry), unit.code).toEqual([]);
    }
  });

  it('sums children’s areas to their parent’s within 0.1 % at every level', () => {
    for (const unit of geo.units.filter((u) => u.level !== 'microgrid')) {
      const parentArea = areaSquareMetres(unit.geometry);
      const childArea = childrenOf.get(unit.code)!.reduce((sum, c) => sum + areaSquareMetres(c.geometry), 0);
      expect(Math.abs(childArea - parentArea) / parentArea, unit.code).toBeLessThan(0.001);
    }
  });

  it('does not overlap neighbouring siblings (polygon-clipping, a sample of touching pairs per level)', () => {
    let checked = 0;
    for (const name of ['subdistrict', 'community', 'grid', 'microgrid'] as const) {
      const pairs: [DemoUnit, DemoUnit][] = [];
      for (const siblings of new Map(
        [...childrenOf].filter(([code]) => byCode.get(code)!.level === LEVELS[LEVELS.indexOf(name) - 1]),
      ).values()) {
        const boxes = siblings.map((s) => bboxOf(s.geometry));
        for (let i = 0; i < siblings.length; i++) {
          for (let j = i + 1; j < siblings.length; j++) {
            const [a, b] = [boxes[i], boxes[j]];
            if (a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]) pairs.push([siblings[i], siblings[j]]);
          }
        }
      }
      const step = Math.max(1, Math.floor(pairs.length / 150));
      for (let k = 0; k < pairs.length; k += step) {
        const [a, b] = pairs[k];
        const shared = polygonClipping.intersection(a.geometry.coordinates as Geom, b.geometry.coordinates as Geom);
        const area = shared.reduce((sum, polygon) => sum + polygonAreaSquareMetres(polygon as Polygon), 0);
        expect(area, `${a.code} ∩ ${b.code}`).toBeLessThan(0.01);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('passes the registry’s tessellation check at every level: no gap, no overlap, nothing outside', () => {
    for (const parent of geo.units.filter((u) => u.level !== 'microgrid')) {
      const report = validateTessellation(parent, childrenOf.get(parent.code)!, 0.01);
      expect(isSeamless(report), `${parent.code}: ${JSON.stringify(report).slice(0, 400)}`).toBe(true);
    }
  });

  it('is deterministic in the seed', () => {
    const hash = (g: DemoGeography) => createHash('sha256').update(JSON.stringify(g)).digest('hex');
    expect(hash(generateDemoGeography({ seed: SEED }))).toBe(hash(geo));
    expect(hash(generateDemoGeography({ seed: `${SEED}-other` }))).not.toBe(hash(geo));
  });

  it('lays a second district elsewhere with its own codes', () => {
    const other = generateDemoGeography({ seed: SEED, districtCode: '410811', districtName: '示范区', originLng: 113.52 });
    expect(other.units.every((u) => u.code.startsWith('410811'))).toBe(true);
    expect(other.units.filter((u) => u.level === 'microgrid')).toHaveLength(DEMO_MICROGRIDS);
    const [minX] = bboxOf(other.outline);
    const [, , maxX] = bboxOf(geo.outline);
    expect(minX).toBeGreaterThan(maxX);
  });
});
