import type { Random } from './random.ts';

/**
 * Place names for the synthetic district. Village names follow the common patterns of the North China
 * plain (a direction or size word, a clan surname, a settlement word: 东王庄, 李家营, 后马屯, 北张);
 * community names the usual urban ones (新华, 建设, 光明...). All are invented for the demo: any match
 * with a real village is a coincidence of very common patterns.
 */

const DIRECTIONS = [...'东西南北前后大小上下中新'];
const SURNAMES = [
  ...'王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾田董袁潘于蒋蔡余杜程苏魏吕丁任沈姚卢姜崔钟陆范金石贾夏付方白孟秦江尹薛闫段雷侯史陶贺毛郝邵武牛岳',
];
const SETTLEMENTS = [...'庄营屯寨店桥河岭沟堡楼窑坡湾集园'];

/** Two characters each. */
const COMMUNITY_NAMES =
  '新华建设光明解放人民和平胜利幸福团结文化友谊民主朝阳红旗工人矿工学苑翠园锦华泰和康宁长青春晖兴隆振兴富民安居馨园阳光丰收东方育才新村健康花园滨河站前前进复兴长安永安惠民怡和嘉禾映湖景苑龙源玉泉金桥银河'.match(
    /../g,
  )!;

/** Draws names without repeats across the whole district. */
export class PlaceNames {
  private readonly used = new Set<string>();
  private communityIndex = 0;
  private readonly communityOrder: string[];

  constructor(private readonly random: Random) {
    this.communityOrder = random.shuffled(COMMUNITY_NAMES);
  }

  /** `新华社区`; after the list runs out, `新华二社区`-style variants. */
  community(): string {
    for (;;) {
      const base = this.communityOrder[this.communityIndex % this.communityOrder.length];
      const round = Math.floor(this.communityIndex / this.communityOrder.length);
      this.communityIndex++;
      const name = `${base}${round === 0 ? '' : NUMERALS[round + 1]}社区`;
      if (this.claim(name)) return name;
    }
  }

  /** `东王庄村`, `李家营村`, `北张村`, `马河村`... */
  village(): string {
    for (let attempt = 0; ; attempt++) {
      const surname = this.random.pick(SURNAMES);
      const pattern = this.random.weighted([3, 3, 2, 2]);
      const direction = this.random.pick(DIRECTIONS);
      const settlement = this.random.pick(SETTLEMENTS);
      const base =
        pattern === 0
          ? `${surname}${settlement}`
          : pattern === 1
            ? `${direction}${surname}${settlement}`
            : pattern === 2
              ? `${surname}家${settlement}`
              : `${direction}${surname}`;
      // Thousands of combinations for a hundred villages: the numbered fallback never shows in practice.
      const name = attempt < 1000 ? `${base}村` : `${base}${NUMERALS[(attempt % 9) + 2]}村`;
      if (this.claim(name)) return name;
    }
  }

  private claim(name: string): boolean {
    if (this.used.has(name)) return false;
    this.used.add(name);
    return true;
  }
}

const NUMERALS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
