import { SINGLE_SURNAMES, SurnamePool } from './chineseNames.ts';
import type { DemoGeography, DemoUnit } from './geography.ts';
import { householdAddresses } from './population/addresses.ts';
import { HouseholdDrafter, type Surnames } from './population/composition.ts';
import { IdRegistry, PhoneBook } from './population/identity.ts';
import { makeResidents, type ResidentTag } from './population/residents.ts';
import { chooseWorkers, type MicrogridPeople } from './population/workers.ts';
import { createRandom, type Random } from './random.ts';

export { REFERENCE_DATE, ageOn } from './population/identity.ts';
export { idCheckCharacter } from '../modules/people/people.validation.ts';
export { RESIDENT_TAGS, type ResidentTag } from './population/residents.ts';

/**
 * The synthetic people of a demo district (DOMAIN.md §3, §9, issue 3 item 6): one household per
 * household of each building of the geography, ~160,000 residents with Chinese names, ages, valid
 * resident ID numbers, phones, tags and health notes, and exactly 2,406 micro-grid workers for the
 * 2,589 micro-grids. Plain data, deterministic in the seed; no database.
 *
 * Every person is invented (DOMAIN.md §10 still applies: the data looks personal and is handled as
 * such). How it is made (population/*.ts): addresses from the buildings (addresses), each
 * household's kind and members' ages, genders and surnames (composition; villages draw most of their
 * people from one to three clans, one of them usually the clan in the village's name), then names,
 * birth dates, ID numbers, phones, tags and notes (residents, identity, ../chineseNames), and last the
 * workers by 联亲联近联熟 (workers).
 */

export interface DemoPopulationOptions {
  /** Any number or text; with the geography's district code it fixes everything. */
  seed: number | string;
  /**
   * ID numbers and phones already given out. Several districts loaded into one database (`wangge
   * demo --scale N`) share one, in a fixed order, so that these stay unique across the city: people
   * born elsewhere carry the same few area codes in every district. Default: a fresh one.
   */
  issued?: DemoIssued;
}

/** The ID numbers and mobile numbers given out so far. */
export interface DemoIssued {
  ids: IdRegistry;
  phones: PhoneBook;
}

export function createDemoIssued(): DemoIssued {
  return { ids: new IdRegistry(), phones: new PhoneBook() };
}

export interface DemoHousehold {
  /** `<building id>-<nn>`, nn from 01 in the order of the address (floor, flat). */
  id: string;
  buildingId: string;
  microgridCode: string;
  /** `马村街道馨园社区 3号楼2单元 501`, `安阳城街道东王庄村 12号`. */
  address: string;
  /** Resident ids, the head of the household first. */
  members: string[];
}

export interface DemoResident {
  /** `<household id>-<n>`, n from 1, the head of the household first. */
  id: string;
  householdId: string;
  microgridCode: string;
  name: string;
  gender: 'male' | 'female';
  /** YYYY-MM-DD. */
  birthDate: string;
  /** 18 characters (GB 11643): area code, birth date, sequence (odd for men), ISO 7064 MOD 11-2 check. */
  idNumber: string;
  /** 11-digit mainland mobile; null for most children and some of the old. */
  phone: string | null;
  /** In the order of RESIDENT_TAGS. */
  tags: ResidentTag[];
  /** Short notes for some of the elderly and every disabled person: `高血压，需定期服药`. */
  healthNotes: string | null;
}

export interface DemoWorker {
  residentId: string;
  /** The micro-grid the worker lives in first; a second one is the nearest micro-grid of the same grid. */
  microgridCodes: string[];
  /** YYYY-MM-DD. */
  since: string;
}

export interface DemoPopulation {
  seed: string;
  districtCode: string;
  /** In building order (micro-grid code, then building number). */
  households: DemoHousehold[];
  /** In household order. */
  residents: DemoResident[];
  /** In the code order of each worker's first micro-grid. */
  workers: DemoWorker[];
}

/** Macun's micro-grid workers (DOMAIN.md §9): 183 of them serve two of its 2,589 micro-grids. */
export const DEMO_WORKERS = 2406;

export function generateDemoPopulation(geography: DemoGeography, options: DemoPopulationOptions): DemoPopulation {
  const seed = String(options.seed);
  const random = createRandom(`wangge-demo-population/${seed}/${geography.districtCode}`);
  const units = new Map(geography.units.map((u) => [u.code, u]));
  const placeName = (communityCode: string) => units.get(communityCode.slice(0, 9))!.name + units.get(communityCode)!.name;
  const addresses = householdAddresses(geography.buildings, placeName, random.fork('addresses'));
  const surnames = surnamePools(geography.units, random.fork('clans'));

  const buildingsOf = new Map<string, number[]>();
  geography.buildings.forEach((b, i) => {
    const list = buildingsOf.get(b.microgridCode);
    if (list) list.push(i);
    else buildingsOf.set(b.microgridCode, [i]);
  });
  const microgrids = geography.units.filter((u) => u.level === 'microgrid');
  const { ids, phones } = options.issued ?? createDemoIssued();
  const context = { districtCode: geography.districtCode, ids, phones };
  const households: DemoHousehold[] = [];
  const residents: DemoResident[] = [];
  const people: MicrogridPeople[] = [];

  for (const micro of microgrids) {
    const stream = random.fork(`microgrid/${micro.code}`);
    const communityCode = micro.code.slice(0, 12);
    const village = isVillage(communityCode);
    const drafter = new HouseholdDrafter(stream, surnames.get(communityCode)!);
    const residentContext = { ...context, village };
    const here: MicrogridPeople = {
      code: micro.code,
      parentCode: micro.parentCode!,
      geometry: micro.geometry,
      households: 0,
      residents: [],
    };
    people.push(here);
    for (const b of buildingsOf.get(micro.code) ?? []) {
      const building = geography.buildings[b];
      addresses[b].forEach((address, h) => {
        const householdId = `${building.id}-${String(h + 1).padStart(2, '0')}`;
        const members = makeResidents(stream, drafter.draft(village ? 'village' : 'town'), residentContext);
        const household: DemoHousehold = { id: householdId, buildingId: building.id, microgridCode: micro.code, address, members: [] };
        members.forEach((m, k) => {
          const id = `${householdId}-${k + 1}`;
          household.members.push(id);
          here.residents.push({
            index: residents.length,
            age: m.age,
            partyMember: m.tags.includes('party_member'),
            disabled: m.tags.includes('disabled'),
            hasPhone: m.phone !== null,
          });
          residents.push({
            id,
            householdId,
            microgridCode: micro.code,
            name: m.name,
            gender: m.gender,
            birthDate: m.birthDate,
            idNumber: m.idNumber,
            phone: m.phone,
            tags: m.tags,
            healthNotes: m.healthNotes,
          });
        });
        here.households++;
        households.push(household);
      });
    }
  }

  const workers = chooseWorkers(people, DEMO_WORKERS, random.fork('workers')).map((choice): DemoWorker => ({
    residentId: residents[choice.resident].id,
    microgridCodes: choice.microgrids.map((m) => people[m].code),
    since: choice.since,
  }));
  return { seed, districtCode: geography.districtCode, households, residents, workers };
}

/** 社区 (居委会) are numbered 001-199 inside their subdistrict, 村 (村委会) from 201 (codes.ts). */
function isVillage(communityCode: string): boolean {
  return Number(communityCode.slice(9, 12)) >= 200;
}

/**
 * Surnames by community: the general pool in the town; in a village one to three clans hold
 * 50-90 % of those born there (wives mostly marry in from elsewhere), the first the clan the
 * village is named after (东王庄 → 王) when it has one.
 */
function surnamePools(units: readonly DemoUnit[], random: Random): Map<string, Surnames> {
  const general = SurnamePool.general();
  const pools = new Map<string, Surnames>();
  for (const unit of units) {
    if (unit.level !== 'community') continue;
    if (!isVillage(unit.code)) {
      pools.set(unit.code, { native: general, general });
      continue;
    }
    const stream = random.fork(unit.code);
    const clans: string[] = [];
    const named = [...unit.name].find((c) => SINGLE_SURNAMES.has(c));
    if (named) clans.push(named);
    const wanted = stream.int(1, 3);
    while (clans.length < wanted) {
      const surname = general.draw(stream);
      if (surname.length === 1 && !clans.includes(surname)) clans.push(surname);
    }
    const shares = clans.map((_, i) => (i === 0 ? stream.range(0.4, 0.6) : stream.range(0.1, 0.2)));
    pools.set(unit.code, { native: SurnamePool.village(clans, shares), general });
  }
  return pools;
}
