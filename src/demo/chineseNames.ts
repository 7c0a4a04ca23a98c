import type { Random } from './random.ts';

/**
 * Name data for the synthetic residents of the demo district: surnames with their frequencies and
 * given names by gender and birth cohort. Invented people only: any match with a real person is a
 * coincidence of very common names.
 *
 * Surname weights are per ten thousand, after the national ranking (公安部 户籍 statistics, 2020) and
 * tilted towards northern Henan: 王 李 张 刘 higher, 陈 黄 林 lower than nationally, the local
 * 郭 马 牛 焦 岳 申 靳 原 more common. A few compound surnames (司马 from Wen County nearby, 欧阳,
 * 上官, 诸葛) are rare, as they are.
 */
const SURNAME_WEIGHTS: readonly [string, number][] = [
  ['王', 900],
  ['李', 800],
  ['张', 780],
  ['刘', 560],
  ['陈', 300],
  ['杨', 300],
  ['赵', 240],
  ['郭', 200],
  ['马', 160],
  ['孙', 150],
  ['周', 140],
  ['吴', 120],
  ['徐', 120],
  ['朱', 110],
  ['胡', 110],
  ['高', 120],
  ['黄', 110],
  ['何', 70],
  ['宋', 90],
  ['郑', 80],
  ['韩', 80],
  ['冯', 90],
  ['田', 80],
  ['董', 70],
  ['程', 70],
  ['曹', 70],
  ['许', 70],
  ['贾', 70],
  ['杜', 60],
  ['魏', 60],
  ['吕', 60],
  ['苏', 50],
  ['卢', 50],
  ['丁', 50],
  ['任', 50],
  ['崔', 60],
  ['范', 50],
  ['姚', 40],
  ['石', 50],
  ['谢', 40],
  ['梁', 50],
  ['唐', 40],
  ['于', 50],
  ['袁', 40],
  ['蒋', 30],
  ['蔡', 30],
  ['薛', 40],
  ['闫', 50],
  ['付', 40],
  ['侯', 40],
  ['白', 40],
  ['孟', 40],
  ['秦', 40],
  ['史', 40],
  ['郝', 40],
  ['段', 30],
  ['牛', 40],
  ['岳', 30],
  ['焦', 40],
  ['申', 30],
  ['靳', 30],
  ['原', 20],
  ['卫', 20],
  ['翟', 30],
  ['常', 30],
  ['武', 30],
  ['乔', 30],
  ['贺', 20],
  ['邵', 20],
  ['尹', 20],
  ['雷', 20],
  ['姜', 20],
  ['毛', 20],
  ['邓', 30],
  ['彭', 20],
  ['潘', 20],
  ['沈', 20],
  ['方', 20],
  ['林', 20],
  ['罗', 30],
  ['夏', 20],
  ['陶', 10],
  ['康', 20],
  ['宁', 20],
  ['司', 20],
  ['庞', 10],
  ['栗', 10],
  ['耿', 10],
  ['裴', 10],
  ['樊', 10],
  ['苗', 10],
  ['葛', 10],
  ['席', 10],
  ['温', 10],
  ['司马', 6],
  ['欧阳', 2],
  ['上官', 2],
  ['诸葛', 1],
];

/** Surnames that clans of a village can bear (single characters only), for matching village names. */
export const SINGLE_SURNAMES: ReadonlySet<string> = new Set(SURNAME_WEIGHTS.filter(([s]) => s.length === 1).map(([s]) => s));

/** Draws surnames by weight: cumulative table and binary search (the draw is on a hot path). */
export class SurnamePool {
  private readonly names: string[];
  private readonly cumulative: Float64Array;

  constructor(weights: readonly (readonly [string, number])[] = SURNAME_WEIGHTS) {
    const positive = weights.filter(([, w]) => w > 0);
    this.names = positive.map(([s]) => s);
    this.cumulative = new Float64Array(positive.length);
    let total = 0;
    positive.forEach(([, w], i) => (this.cumulative[i] = total += w));
  }

  /** The national (Henan-tilted) pool. */
  static general(): SurnamePool {
    return new SurnamePool(SURNAME_WEIGHTS);
  }

  /**
   * A village's pool: its clans (`clans[i]` with share `shares[i]` of the villagers) and the
   * general pool for the rest.
   */
  static village(clans: readonly string[], shares: readonly number[]): SurnamePool {
    const clanShare = shares.reduce((a, b) => a + b, 0);
    const total = SURNAME_WEIGHTS.reduce((sum, [, w]) => sum + w, 0);
    const rest = SURNAME_WEIGHTS.map(([s, w]): [string, number] => [s, ((1 - clanShare) * w) / total]);
    return new SurnamePool([...clans.map((s, i): [string, number] => [s, shares[i]]), ...rest]);
  }

  draw(random: Random): string {
    const r = random.next() * this.cumulative[this.cumulative.length - 1];
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid] > r) hi = mid;
      else lo = mid + 1;
    }
    return this.names[lo];
  }
}

export type NameGender = 'male' | 'female';

interface CohortNames {
  /** Born up to and including this year. */
  until: number;
  /** Share of one-character given names in the cohort. */
  single: number;
  male: { double: string[]; single: string[] };
  female: { double: string[]; single: string[] };
}

const pairs = (text: string): string[] => text.match(/../g)!;
const chars = (text: string): string[] => [...text];

/**
 * Given names by birth cohort: the revolutionary and rural names of the 1940s-50s (建国 秀英 桂兰),
 * the 1960s-70s (卫东 红梅 丽华), the one-character fashion of the 1980s-90s (磊 伟 静 婷), the
 * 2000s (浩宇 欣怡) and the 2010s-20s (梓轩 一诺 梓涵 语桐).
 */
const COHORTS: readonly CohortNames[] = [
  {
    until: 1959,
    single: 0.2,
    male: {
      double: pairs(
        '建国国庆建华国华振华志强德胜福生长顺保国国强振东玉林树林文华德明金山富贵永福庆林春生长青宝山国栋铁柱满仓来福根生福林德财守仁广才玉成跃进援朝胜利忠义新民',
      ),
      single: chars('德福顺林山成贵昌海忠义荣财祥才'),
    },
    female: {
      double: pairs(
        '秀英桂兰玉兰桂英秀兰凤英玉珍淑珍秀珍兰英玉梅素珍凤兰桂芝翠花春花金花秀芝玉英桂珍凤琴秀云玉芳桂香秀荣玉凤淑兰素英改花小妮爱荣俊英',
      ),
      single: chars('英兰珍芳梅凤花琴云荣秀'),
    },
  },
  {
    until: 1979,
    single: 0.35,
    male: {
      double: pairs(
        '卫东卫国红军建军建平建设志刚国平海军向东新民建新永刚志勇建伟红旗立新东升庆丰学军小平爱国建勇振军红卫海峰军伟国伟志军保军新华建民宏伟红星',
      ),
      single: chars('军勇伟刚强平斌杰涛明华辉峰东亮'),
    },
    female: {
      double: pairs('丽华红梅秀梅丽娟艳红海燕玉霞红霞彩霞晓红爱华红英建英卫红丽萍秀丽小红春梅冬梅素梅俊霞翠英桂芳玉红红艳巧玲金凤凤霞新梅'),
      single: chars('丽红艳霞燕萍敏梅芳娟华玲静琴'),
    },
  },
  {
    until: 1999,
    single: 0.4,
    male: {
      double: pairs('鹏飞晓东志伟俊杰海涛晓明永亮文涛亚东晓峰志鹏伟伟冬冬帅帅亚辉晓龙国栋少华跃辉振宇晨阳家乐博文永辉明亮俊峰亚军'),
      single: chars('磊伟涛鹏强浩超杰斌亮帅鑫凯阳飞龙辉博宇航森'),
    },
    female: {
      double: pairs('晓燕丹丹婷婷佳佳亚楠晓丽文静丽娜倩倩园园晶晶莉莉梦洁雅琴晓敏春燕海霞雪梅亚丽亚琼慧敏俊丽晓静丽君丽丽娇娇笑笑雯雯'),
      single: chars('静丽婷敏燕娟芳晶慧倩雪琳洁莹颖'),
    },
  },
  {
    until: 2009,
    single: 0.15,
    male: {
      double: pairs('浩宇子豪俊豪浩然宇航鹏程家豪嘉豪一鸣子健浩轩宇轩博文子轩明轩俊杰天佑皓轩梓豪宇豪文博佳乐晨阳子龙'),
      single: chars('浩宇博鑫航轩硕豪凯阳哲晨昊'),
    },
    female: {
      double: pairs('欣怡佳怡梦瑶雨欣思雨心怡雨涵紫涵佳琪诗琪梦琪雅琪梓涵欣悦可欣佳欣思涵若彤雨萱诗雨晨曦嘉欣静怡紫怡艺璇慧琳'),
      single: chars('欣悦琪瑶涵颖璐雯彤萱'),
    },
  },
  {
    until: 9999,
    single: 0.08,
    male: {
      double: pairs('子涵浩然宇轩梓轩沐宸一诺子墨奕辰锦程俊熙梓睿宇泽皓宇铭泽梓豪子轩思远明哲嘉懿睿泽沐阳承泽煜祺俊宇亦辰景行梓航'),
      single: chars('宸睿泽恒轩航煜铭哲'),
    },
    female: {
      double: pairs('子涵一诺梓涵诗涵语桐若汐可馨依诺梓萱芷若欣怡语汐梓萌沐瑶安琪雨桐思琪佳宁梦琪诗琪艺涵语嫣锦汐梓馨书瑶雨彤芮熙一然'),
      single: chars('萱涵桐妍瑶琪诺汐'),
    },
  },
];

/** A given name of one or two characters for someone of this gender born in this year. */
export function givenName(random: Random, gender: NameGender, birthYear: number): string {
  const cohort = COHORTS.find((c) => birthYear <= c.until) ?? COHORTS[COHORTS.length - 1];
  const names = cohort[gender];
  return random.chance(cohort.single) ? random.pick(names.single) : random.pick(names.double);
}
