import type { SurnamePool } from '../chineseNames.ts';
import type { Random } from '../random.ts';

/**
 * Who lives in a household: its kind (couple with children, three generations, grandparents with
 * grandchildren whose parents work away, an elderly person living alone...), then each member's age
 * and gender, consistent with one another (a mother 21-32 at her first child, the next 2-7 years
 * apart, a grandfather 24-33 years older than his son), and surname (children take the father's;
 * wives and grandmothers keep their own and mostly married in from elsewhere).
 *
 * Anchor ages are drawn from the age pyramid below: the eldest child's in a family with children
 * (the parents' follow from it), the head's otherwise. The household kinds' weights are
 * tuned so that the population comes out at ~2.75 per household (town ~2.5, villages ~3.0) with
 * ~20 % aged 60 or more (more in the villages) and ~1 % elderly people living alone.
 */

export type Gender = 'male' | 'female';
export type Settlement = 'town' | 'village';

export interface MemberDraft {
  age: number;
  gender: Gender;
  surname: string;
  /** Came into the household's place by marriage (ID numbers more often from elsewhere). */
  marriedIn: boolean;
  orphan: boolean;
}

export type HouseholdKind =
  | 'elderly_alone'
  | 'single_adult'
  | 'young_couple'
  | 'empty_nest'
  | 'elderly_couple'
  | 'nuclear'
  | 'three_generations'
  | 'skipped_generation'
  | 'single_parent'
  | 'elderly_with_child';

export interface HouseholdDraft {
  kind: HouseholdKind;
  members: MemberDraft[];
}

const KINDS: readonly HouseholdKind[] = [
  'elderly_alone',
  'single_adult',
  'young_couple',
  'empty_nest',
  'elderly_couple',
  'nuclear',
  'three_generations',
  'skipped_generation',
  'single_parent',
  'elderly_with_child',
];

/** Weights of the kinds above, in percent of households. */
const KIND_WEIGHTS: Record<Settlement, readonly number[]> = {
  town: [2.5, 10, 7, 16, 12.5, 33.5, 5, 2, 5, 4.5],
  village: [3.2, 5, 4, 14, 14, 28, 18, 7, 2.3, 3.8],
};

/**
 * People per 5-year age group (0-4 ... 95-99), per cent: a northern Henan pyramid of 2026, the
 * 2020 census shifted on six years: the 1962-75 baby boom now 50-63, its echo of 1986-91 now 35-40,
 * the births falling since 2017.
 */
const PYRAMID = [4.0, 5.5, 7.2, 7.0, 5.5, 4.9, 6.0, 7.8, 6.3, 5.5, 7.3, 8.0, 6.0, 4.7, 4.8, 3.1, 1.9, 1.1, 0.4, 0.1];
const MAX_AGE = 99;
/** Cumulative weight of ages below a: CUMULATIVE[a]. */
const CUMULATIVE = (() => {
  const out = new Float64Array(MAX_AGE + 2);
  for (let age = 0; age <= MAX_AGE; age++) out[age + 1] = out[age] + PYRAMID[Math.floor(age / 5)] / 5;
  return out;
})();

/** An age in [lo, hi] drawn from the pyramid. */
export function pyramidAge(random: Random, lo: number, hi: number): number {
  const r = CUMULATIVE[lo] + random.next() * (CUMULATIVE[hi + 1] - CUMULATIVE[lo]);
  let a = lo;
  let b = hi;
  while (a < b) {
    const mid = (a + b) >> 1;
    if (CUMULATIVE[mid + 1] > r) b = mid;
    else a = mid + 1;
  }
  return a;
}

export interface Surnames {
  /** Someone born here (a village's clans weigh heavily). */
  native: SurnamePool;
  /** Someone who married in or moved in. */
  general: SurnamePool;
}

const clamp = (value: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, Math.round(value)));

const CHILDREN_WEIGHTS: Record<Settlement, readonly number[]> = { town: [58, 37, 5], village: [35, 50, 15] };
const GRANDCHILDREN_WEIGHTS = [55, 40, 5];
const SINGLE_PARENT_CHILDREN_WEIGHTS = [70, 30];

/**
 * Drafts households one after another (a class rather than closures: under tsx every named closure
 * costs a `__name` call each time it is created, and this runs 58,000 times).
 */
export class HouseholdDrafter {
  private members: MemberDraft[] = [];
  private village = false;

  constructor(
    private readonly random: Random,
    private readonly surnames: Surnames,
  ) {}

  draft(settlement: Settlement): HouseholdDraft {
    const random = this.random;
    const kind = KINDS[random.weighted(KIND_WEIGHTS[settlement])];
    this.village = settlement === 'village';
    this.members = [];
    switch (kind) {
      case 'elderly_alone': {
        const gender: Gender = random.chance(0.68) ? 'female' : 'male';
        this.person(pyramidAge(random, 62, 96), gender, gender === 'female' ? this.outsider() : this.native(), gender === 'female');
        break;
      }
      case 'single_adult': {
        const gender: Gender = random.chance(0.65) ? 'male' : 'female';
        this.person(pyramidAge(random, 20, 58), gender, this.native());
        break;
      }
      case 'young_couple':
        this.couple(pyramidAge(random, 23, 36));
        break;
      case 'empty_nest':
        this.couple(pyramidAge(random, 48, 64));
        break;
      case 'elderly_couple':
        this.couple(pyramidAge(random, 61, 92));
        break;
      case 'nuclear':
      case 'three_generations': {
        // From the eldest child back to the parents, so that children follow the pyramid.
        const eldest = pyramidAge(random, 0, 27);
        const mother = eldest + this.firstBirth();
        const husband = this.person(clamp(mother + 2 + 2.5 * random.normal(), mother - 3, 99), 'male', this.native());
        const wife = this.person(mother, 'female', this.outsider(), true);
        // A child now and then takes the mother's surname.
        this.children(eldest, 1 + random.weighted(CHILDREN_WEIGHTS[settlement]), husband.surname, wife.surname, 0.05);
        if (kind === 'three_generations') {
          // Both grandparents, the grandmother alone (the more usual widowed one) or the grandfather alone.
          const grandfather = husband.age + random.int(24, 33);
          const r = random.next();
          const who = grandfather > 90 ? 'grandmother' : r < 0.5 ? 'both' : r < 0.85 ? 'grandmother' : 'grandfather';
          if (who !== 'grandmother') this.person(grandfather, 'male', husband.surname);
          if (who !== 'grandfather') this.person(clamp(grandfather - 2 + 2 * random.normal(), 50, 97), 'female', this.outsider(), true);
        }
        break;
      }
      case 'skipped_generation': {
        // Grandparents with the children of a son (their surname) or a daughter who work away.
        const grandfather = pyramidAge(random, 55, 82);
        const both = random.chance(0.6);
        const grandmother = both || random.chance(0.7);
        const surname = this.native();
        if (both || !grandmother) this.person(grandfather, 'male', surname);
        if (grandmother) this.person(this.wifeAge(grandfather, 50), 'female', this.outsider(), true);
        const childSurname = random.chance(0.75) ? surname : this.surnames.general.draw(random);
        // Parents of 22-35 when the grandparents were 45-60: the grandchildren are 0-15. Some lost both.
        const orphan = random.chance(0.012);
        const count = 1 + random.weighted(GRANDCHILDREN_WEIGHTS);
        for (let k = 0; k < count; k++) {
          this.person(clamp(random.int(0, 15), 0, Math.max(0, grandfather - 42)), this.sex(), childSurname).orphan = orphan;
        }
        break;
      }
      case 'single_parent': {
        const gender: Gender = random.chance(0.7) ? 'female' : 'male';
        const eldest = pyramidAge(random, 0, 20);
        const age = eldest + this.firstBirth() + (gender === 'male' ? 2 : 0);
        const parent = this.person(age, gender, gender === 'female' ? this.outsider() : this.native(), gender === 'female');
        const childSurname = gender === 'male' || random.chance(0.25) ? parent.surname : this.native();
        this.children(eldest, 1 + random.weighted(SINGLE_PARENT_CHILDREN_WEIGHTS), childSurname, childSurname, 0);
        break;
      }
      case 'elderly_with_child': {
        // A widowed parent with an unmarried or divorced son or daughter.
        const gender: Gender = random.chance(0.7) ? 'female' : 'male';
        const age = pyramidAge(random, 72, 96);
        const parent = this.person(age, gender, gender === 'female' ? this.outsider() : this.native(), gender === 'female');
        const childSurname = gender === 'male' || random.chance(0.1) ? parent.surname : this.native();
        this.person(clamp(age - random.int(24, 38), 25, 70), this.sex(), childSurname);
        break;
      }
    }
    return { kind, members: this.members };
  }

  private person(age: number, gender: Gender, surname: string, marriedIn = false): MemberDraft {
    const member = { age, gender, surname, marriedIn, orphan: false };
    this.members.push(member);
    return member;
  }

  /** Someone from here: in a village, most likely of one of its clans. */
  private native(): string {
    return this.surnames.native.draw(this.random);
  }

  /** A wife, mostly from elsewhere (in the town almost always). */
  private outsider(): string {
    return this.random.chance(this.village ? 0.8 : 0.95) ? this.surnames.general.draw(this.random) : this.native();
  }

  private wifeAge(husband: number, lo: number): number {
    return clamp(husband - 2 + 2.5 * this.random.normal(), lo, 99);
  }

  private couple(husbandAge: number): void {
    this.person(husbandAge, 'male', this.native());
    this.person(this.wifeAge(husbandAge, Math.min(husbandAge, 20)), 'female', this.outsider(), true);
  }

  private sex(): Gender {
    return this.random.chance(0.515) ? 'male' : 'female';
  }

  /** The mother's age at her first child: younger in the villages. */
  private firstBirth(): number {
    return this.village ? this.random.int(21, 28) : this.random.int(23, 32);
  }

  /** Children, the eldest `eldest` years old and each next one 2-7 years younger. */
  private children(eldest: number, count: number, surname: string, motherSurname: string, motherShare: number): void {
    for (let k = 0, age = eldest; k < count && age >= 0; k++, age -= this.random.int(2, 7)) {
      this.person(age, this.sex(), this.random.chance(motherShare) ? motherSurname : surname);
    }
  }
}
