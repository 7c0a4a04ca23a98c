import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MICROGRIDS, generateDemoGeography, type DemoGeography } from '../../src/demo/geography.ts';
import {
  createDemoIssued,
  DEMO_WORKERS,
  RESIDENT_TAGS,
  generateDemoPopulation,
  type DemoPopulation,
  type DemoResident,
} from '../../src/demo/population.ts';
import { centroidOf } from '../../src/modules/org/org.geometry.ts';

const SEED = 'wangge-demo';
const hashOf = (population: DemoPopulation) => createHash('sha256').update(JSON.stringify(population)).digest('hex');

/** Completed years on 2026-01-01, computed here independently of the generator. */
function age(birthDate: string): number {
  const [y, m, d] = birthDate.split('-').map(Number);
  return 2026 - y - (m === 1 && d === 1 ? 0 : 1);
}

/** GB 11643: ISO 7064 MOD 11-2 over the first 17 digits. */
function checkCharacter(id: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((total, w, i) => total + w * Number(id[i]), 0);
  return '10X98765432'[sum % 11];
}

describe('the demo population (one district)', () => {
  let geo: DemoGeography;
  let pop: DemoPopulation;
  let residentById: Map<string, DemoResident>;
  const tagged = (tag: DemoResident['tags'][number]) => pop.residents.filter((r) => r.tags.includes(tag));

  beforeAll(() => {
    geo = generateDemoGeography({ seed: SEED });
    pop = generateDemoPopulation(geo, { seed: SEED });
    residentById = new Map(pop.residents.map((r) => [r.id, r]));
  });

  it('houses every household of every building, with a numbered address', () => {
    const expected = geo.buildings.flatMap((b) =>
      Array.from({ length: b.households }, (_, k) => `${b.id}-${String(k + 1).padStart(2, '0')}`),
    );
    expect(pop.households.map((h) => h.id)).toEqual(expected);
    expect(pop.households).toHaveLength(geo.households);
    const buildings = new Map(geo.buildings.map((b) => [b.id, b]));
    const nameOf = new Map(geo.units.map((u) => [u.code, u.name]));
    const wrong = pop.households.filter((h) => {
      const building = buildings.get(h.buildingId)!;
      const place = nameOf.get(h.microgridCode.slice(0, 9))! + nameOf.get(h.microgridCode.slice(0, 12))!;
      const pattern = building.kind === 'apartment' ? /^(\S+) \d+号楼\d+单元 [1-9]0[12]$/ : /^(\S+) \d+号(附\d+号)?$/;
      return h.microgridCode !== building.microgridCode || h.address.match(pattern)?.[1] !== place;
    });
    expect(wrong).toEqual([]);
    expect(pop.households[0].address).toMatch(/^马村街道\S+社区 1号楼1单元 \d01$/);
    // No address is given twice: the second family of a shared courtyard is 12号附1号.
    const addresses = pop.households.map((h) => h.address);
    expect(new Set(addresses).size).toBe(addresses.length);
    expect(addresses.some((address) => address.endsWith('附1号'))).toBe(true);
  });

  it('has ~160,000 residents, each in exactly one household that lists them', () => {
    expect(pop.residents.length).toBeGreaterThanOrEqual(150_000);
    expect(pop.residents.length).toBeLessThanOrEqual(170_000);
    expect(residentById.size).toBe(pop.residents.length);
    expect(pop.households.filter((h) => h.members.length === 0)).toEqual([]);
    // Listed members are residents of the household (and of its micro-grid), and the lists together
    // hold every resident once: so every resident belongs to exactly one household.
    const listed = pop.households.flatMap((h) => h.members);
    expect(listed).toHaveLength(pop.residents.length);
    expect(new Set(listed).size).toBe(pop.residents.length);
    const misfiled = pop.households.filter((h) =>
      h.members.some((id) => residentById.get(id)?.householdId !== h.id || residentById.get(id)?.microgridCode !== h.microgridCode),
    );
    expect(misfiled).toEqual([]);
    // Town households are smaller than village ones.
    const mean = (village: boolean) => {
      const list = pop.households.filter((h) => Number(h.microgridCode.slice(9, 12)) >= 200 === village);
      return list.reduce((sum, h) => sum + h.members.length, 0) / list.length;
    };
    expect(mean(false)).toBeLessThan(mean(true));
  });

  it('gives everyone a valid, unique ID number matching birth date and gender', () => {
    const invalid = pop.residents.filter((r) => {
      const date = new Date(`${r.birthDate}T00:00:00Z`);
      return !(
        /^41\d{15}[\dX]$/.test(r.idNumber) &&
        r.idNumber[17] === checkCharacter(r.idNumber) &&
        r.idNumber.slice(6, 14) === r.birthDate.replaceAll('-', '') &&
        Number(r.idNumber[16]) % 2 === (r.gender === 'male' ? 1 : 0) &&
        r.birthDate >= '1925-01-01' &&
        r.birthDate <= '2026-01-01' &&
        date.toISOString().slice(0, 10) === r.birthDate
      );
    });
    expect(invalid).toEqual([]);
    expect(new Set(pop.residents.map((r) => r.idNumber)).size).toBe(pop.residents.length);
    const local = pop.residents.filter((r) => r.idNumber.startsWith('410804')).length;
    expect(local / pop.residents.length).toBeGreaterThan(0.7);
    expect(local).toBeLessThan(pop.residents.length);
  });

  it('gives adults unique mobile numbers and most children none', () => {
    const phones = pop.residents.flatMap((r) => (r.phone === null ? [] : [r.phone]));
    expect(phones.filter((phone) => !/^1[3589]\d{9}$/.test(phone))).toEqual([]);
    expect(new Set(phones).size).toBe(phones.length);
    const adults = pop.residents.filter((r) => age(r.birthDate) >= 18 && age(r.birthDate) < 60);
    const children = pop.residents.filter((r) => age(r.birthDate) < 18);
    expect(adults.filter((r) => r.phone !== null).length / adults.length).toBeGreaterThan(0.95);
    expect(children.filter((r) => r.phone === null).length / children.length).toBeGreaterThan(0.7);
  });

  it('has Chinese names of 2-4 characters and a plausible age structure', () => {
    expect(pop.residents.filter((r) => !/^[\u4e00-\u9fff]{2,4}$/.test(r.name))).toEqual([]);
    expect(pop.residents.filter((r) => r.name.length === 4).length).toBeLessThan(pop.residents.length * 0.01);
    const elderly = tagged('elderly');
    expect(elderly.every((r) => age(r.birthDate) >= 60)).toBe(true);
    expect(elderly.length).toBe(pop.residents.filter((r) => age(r.birthDate) >= 60).length);
    const share = (list: DemoResident[], village: boolean) => {
      const here = list.filter((r) => Number(r.microgridCode.slice(9, 12)) >= 200 === village);
      return here.filter((r) => r.tags.includes('elderly')).length / here.length;
    };
    expect(elderly.length / pop.residents.length).toBeGreaterThan(0.17);
    expect(elderly.length / pop.residents.length).toBeLessThan(0.24);
    expect(share(pop.residents, true)).toBeGreaterThan(share(pop.residents, false));
    const males = pop.residents.filter((r) => r.gender === 'male').length;
    expect(males / pop.residents.length).toBeGreaterThan(0.47);
    expect(males / pop.residents.length).toBeLessThan(0.53);
  });

  it('tags ~1 % elderly living alone, each alone in a household, and the other groups in proportion', () => {
    const order = (tags: readonly string[]) => RESIDENT_TAGS.filter((t) => tags.includes(t)).join();
    expect(pop.residents.filter((r) => order(r.tags) !== r.tags.join())).toEqual([]);
    const alone = pop.residents.filter((r) => r.tags.includes('living_alone') && r.tags.includes('elderly'));
    expect(alone.length / pop.residents.length).toBeGreaterThanOrEqual(0.008);
    expect(alone.length / pop.residents.length).toBeLessThanOrEqual(0.012);
    const households = new Map(pop.households.map((h) => [h.id, h]));
    expect(tagged('living_alone').filter((r) => households.get(r.householdId)!.members.length !== 1)).toEqual([]);
    expect(alone.every((r) => households.get(r.householdId)!.members[0] === r.id)).toBe(true);
    const n = pop.residents.length;
    expect(tagged('disabled').length / n).toBeGreaterThan(0.015);
    expect(tagged('disabled').length / n).toBeLessThan(0.025);
    expect(tagged('low_income').length / n).toBeGreaterThan(0.02);
    expect(tagged('low_income').length / n).toBeLessThan(0.04);
    // Low income is a household's: all of its members or none.
    const mixed = pop.households.filter((h) => {
      const count = h.members.filter((id) => residentById.get(id)!.tags.includes('low_income')).length;
      return count !== 0 && count !== h.members.length;
    });
    expect(mixed).toEqual([]);
    const orphans = tagged('orphan');
    expect(orphans.length).toBeGreaterThanOrEqual(10);
    expect(orphans.length).toBeLessThanOrEqual(100);
    expect(orphans.every((r) => age(r.birthDate) < 18)).toBe(true);
    const adults = pop.residents.filter((r) => age(r.birthDate) >= 18);
    const party = tagged('party_member');
    expect(party.every((r) => age(r.birthDate) >= 18)).toBe(true);
    expect(party.length / adults.length).toBeGreaterThan(0.05);
    expect(party.length / adults.length).toBeLessThan(0.09);
    expect(tagged('disabled').filter((r) => !/残疾|脑瘫|孤独症/.test(r.healthNotes ?? ''))).toEqual([]);
    const notes = pop.residents.filter((r) => r.healthNotes !== null);
    expect(notes.every((r) => r.tags.includes('elderly') || r.tags.includes('disabled'))).toBe(true);
  });

  it('has exactly 2,406 workers by 联亲联近联熟: one per micro-grid, 183 serving two neighbours', () => {
    expect(pop.workers).toHaveLength(DEMO_WORKERS);
    const micro = geo.units.filter((u) => u.level === 'microgrid');
    expect(micro).toHaveLength(DEMO_MICROGRIDS);
    const served = pop.workers.flatMap((w) => w.microgridCodes);
    expect(served).toHaveLength(DEMO_MICROGRIDS);
    expect(new Set(served)).toEqual(new Set(micro.map((m) => m.code)));
    expect(pop.workers.filter((w) => w.microgridCodes.length === 2)).toHaveLength(DEMO_MICROGRIDS - DEMO_WORKERS);
    expect(pop.workers.every((w) => w.microgridCodes.length <= 2)).toBe(true);
    expect(new Set(pop.workers.map((w) => w.residentId)).size).toBe(DEMO_WORKERS);

    const byCode = new Map(micro.map((m) => [m.code, m]));
    const centroid = new Map(micro.map((m) => [m.code, centroidOf(m.geometry)]));
    const distance = (a: string, b: string) => {
      const [p, q] = [centroid.get(a)!, centroid.get(b)!];
      return Math.hypot((p[0] - q[0]) * Math.cos((p[1] * Math.PI) / 180), p[1] - q[1]);
    };
    const nearestSibling = (code: string) =>
      micro
        .filter((m) => m.parentCode === byCode.get(code)!.parentCode && m.code !== code)
        .reduce((best, m) => (distance(code, m.code) < distance(code, best.code) ? m : best)).code;
    let partyMembers = 0;
    for (const w of pop.workers) {
      const r = residentById.get(w.residentId)!;
      expect(r.microgridCode).toBe(w.microgridCodes[0]);
      expect(age(r.birthDate)).toBeGreaterThanOrEqual(25);
      expect(age(r.birthDate)).toBeLessThanOrEqual(70);
      expect(r.phone).not.toBeNull();
      expect(w.since >= '2023-01-01' && w.since <= '2026-01-01').toBe(true);
      if (r.tags.includes('party_member')) partyMembers++;
      if (w.microgridCodes.length === 2) {
        const [own, other] = w.microgridCodes;
        expect(other.slice(0, 15)).toBe(own.slice(0, 15));
        expect(nearestSibling(own)).toBe(other);
      }
    }
    // Party members first: most workers are, though Party members are ~7 % of adults.
    expect(partyMembers / DEMO_WORKERS).toBeGreaterThan(0.6);
  });

  it('is deterministic in the seed', () => {
    const first = hashOf(pop);
    expect(hashOf(generateDemoPopulation(geo, { seed: SEED }))).toBe(first);
    expect(hashOf(generateDemoPopulation(geo, { seed: 'another seed' }))).not.toBe(first);
  });

  it('keeps ID numbers and phones unique across districts that share what was issued', () => {
    const issued = createDemoIssued();
    const a = generateDemoPopulation(geo, { seed: SEED, issued });
    const b = generateDemoPopulation(geo, { seed: SEED, issued });
    const ids = [...a.residents, ...b.residents].map((r) => r.idNumber);
    expect(new Set(ids).size).toBe(ids.length);
    const phones = [...a.residents, ...b.residents].flatMap((r) => (r.phone === null ? [] : [r.phone]));
    expect(new Set(phones).size).toBe(phones.length);
  });
});
