/**
 * Text and identity generators for the demo city: citizen reports, names, addresses, phone and
 * identity numbers, organisations and department replies, each in Chinese with an English
 * translation. Everything is deterministic given an Rng, so the same seed gives the same city and
 * text-triage tests can rely on the output. Pure functions, no I/O.
 */
import type { Rng } from '../../lib/random.js';

/** A piece of text in Chinese with its English translation; every generator returns this shape. */
export interface BiText {
  readonly zh: string;
  readonly en: string;
}

/** Sex as recorded in the identity number (odd 17th digit male, even female). */
export type Sex = 'male' | 'female';

/** A generated person's name; `en` is pinyin, surname first as on Chinese documents. */
export interface PersonName extends BiText {
  readonly sex: Sex;
  readonly surnameZh: string;
  readonly givenNameZh: string;
}

/**
 * The category a generated report or reply is about: its code and, when known, its names, kind,
 * closing criteria and responsible department (the taxonomy module's seed carries them; the
 * demo step passes them in, so these generators know no module).
 */
export interface CategoryRef {
  code: string;
  nameZh?: string;
  nameEn?: string;
  kind?: string;
  closingCriteriaZh?: string;
  closingCriteriaEn?: string;
  department?: { nameZh: string; nameEn: string };
}

/** Who wrote the report: decides its opening and closing phrases. */
export type ReportSource = 'citizen' | 'grid_worker' | 'hotline';

/** The closed-loop step a handler or department reply belongs to. */
export type ReplyStage =
  | 'dispatch'
  | 'accept'
  | 'feedback'
  | 'return'
  | 'extension'
  | 'verify_pass'
  | 'verify_fail'
  | 'callback';

/** The kinds of organisation `organisationName` can produce. */
export type OrganisationKind = 'shop' | 'company' | 'property';

type Tpl = readonly [zh: string, en: string];
type Syllable = readonly [zh: string, pinyin: string];

// ---------------------------------------------------------------------------------------------
// Names

/**
 * Surnames with approximate share of the population in per-mille (Ministry of Public Security
 * household-register figures, 2019–2020); the tail is flattened, compound surnames kept rare.
 */
const SURNAMES: readonly (readonly [zh: string, en: string, perMille: number])[] = [
  ['王', 'Wang', 71],
  ['李', 'Li', 70],
  ['张', 'Zhang', 64],
  ['刘', 'Liu', 53],
  ['陈', 'Chen', 45],
  ['杨', 'Yang', 31],
  ['黄', 'Huang', 22],
  ['赵', 'Zhao', 20],
  ['吴', 'Wu', 20],
  ['周', 'Zhou', 19],
  ['徐', 'Xu', 15],
  ['孙', 'Sun', 15],
  ['马', 'Ma', 14],
  ['朱', 'Zhu', 13],
  ['胡', 'Hu', 13],
  ['郭', 'Guo', 11],
  ['何', 'He', 11],
  ['林', 'Lin', 10],
  ['高', 'Gao', 10],
  ['罗', 'Luo', 9],
  ['郑', 'Zheng', 9],
  ['梁', 'Liang', 8],
  ['谢', 'Xie', 7],
  ['宋', 'Song', 7],
  ['唐', 'Tang', 7],
  ['韩', 'Han', 6],
  ['冯', 'Feng', 6],
  ['于', 'Yu', 6],
  ['董', 'Dong', 6],
  ['肖', 'Xiao', 6],
  ['程', 'Cheng', 5],
  ['曹', 'Cao', 5],
  ['袁', 'Yuan', 5],
  ['邓', 'Deng', 5],
  ['许', 'Xu', 5],
  ['傅', 'Fu', 4],
  ['沈', 'Shen', 4],
  ['曾', 'Zeng', 4],
  ['彭', 'Peng', 4],
  ['吕', 'Lyu', 4],
  ['苏', 'Su', 4],
  ['卢', 'Lu', 4],
  ['蒋', 'Jiang', 4],
  ['蔡', 'Cai', 4],
  ['贾', 'Jia', 3],
  ['丁', 'Ding', 3],
  ['魏', 'Wei', 3],
  ['薛', 'Xue', 3],
  ['叶', 'Ye', 3],
  ['阎', 'Yan', 3],
  ['余', 'Yu', 3],
  ['潘', 'Pan', 3],
  ['杜', 'Du', 3],
  ['戴', 'Dai', 3],
  ['夏', 'Xia', 3],
  ['钟', 'Zhong', 3],
  ['汪', 'Wang', 3],
  ['田', 'Tian', 3],
  ['任', 'Ren', 3],
  ['姜', 'Jiang', 3],
  ['范', 'Fan', 3],
  ['方', 'Fang', 3],
  ['石', 'Shi', 3],
  ['姚', 'Yao', 2],
  ['谭', 'Tan', 2],
  ['廖', 'Liao', 2],
  ['邹', 'Zou', 2],
  ['熊', 'Xiong', 2],
  ['金', 'Jin', 2],
  ['陆', 'Lu', 2],
  ['郝', 'Hao', 2],
  ['孔', 'Kong', 2],
  ['白', 'Bai', 2],
  ['崔', 'Cui', 2],
  ['康', 'Kang', 2],
  ['毛', 'Mao', 2],
  ['邱', 'Qiu', 2],
  ['秦', 'Qin', 2],
  ['江', 'Jiang', 2],
  ['史', 'Shi', 2],
  ['顾', 'Gu', 2],
  ['侯', 'Hou', 2],
  ['邵', 'Shao', 2],
  ['孟', 'Meng', 2],
  ['龙', 'Long', 2],
  ['万', 'Wan', 2],
  ['段', 'Duan', 2],
  ['雷', 'Lei', 2],
  ['钱', 'Qian', 2],
  ['汤', 'Tang', 2],
  ['尹', 'Yin', 2],
  ['黎', 'Li', 2],
  ['易', 'Yi', 2],
  ['常', 'Chang', 2],
  ['武', 'Wu', 2],
  ['乔', 'Qiao', 2],
  ['贺', 'He', 2],
  ['赖', 'Lai', 2],
  ['龚', 'Gong', 2],
  ['文', 'Wen', 2],
  ['欧阳', 'Ouyang', 0.3],
  ['上官', 'Shangguan', 0.1],
  ['司马', 'Sima', 0.1],
  ['诸葛', 'Zhuge', 0.1],
];

const SURNAME_TOTAL = SURNAMES.reduce((s, [, , w]) => s + w, 0);

const MALE_CHARS: readonly Syllable[] = [
  ['伟', 'wei'],
  ['强', 'qiang'],
  ['磊', 'lei'],
  ['军', 'jun'],
  ['勇', 'yong'],
  ['杰', 'jie'],
  ['涛', 'tao'],
  ['斌', 'bin'],
  ['超', 'chao'],
  ['明', 'ming'],
  ['刚', 'gang'],
  ['平', 'ping'],
  ['辉', 'hui'],
  ['鹏', 'peng'],
  ['华', 'hua'],
  ['飞', 'fei'],
  ['鑫', 'xin'],
  ['波', 'bo'],
  ['宇', 'yu'],
  ['浩', 'hao'],
  ['凯', 'kai'],
  ['健', 'jian'],
  ['俊', 'jun'],
  ['帆', 'fan'],
  ['建', 'jian'],
  ['国', 'guo'],
  ['志', 'zhi'],
  ['文', 'wen'],
  ['海', 'hai'],
  ['东', 'dong'],
  ['峰', 'feng'],
  ['晨', 'chen'],
  ['子', 'zi'],
  ['轩', 'xuan'],
  ['博', 'bo'],
  ['泽', 'ze'],
  ['睿', 'rui'],
  ['永', 'yong'],
  ['德', 'de'],
  ['成', 'cheng'],
  ['新', 'xin'],
  ['洪', 'hong'],
  ['昊', 'hao'],
  ['铭', 'ming'],
  ['宏', 'hong'],
  ['振', 'zhen'],
  ['龙', 'long'],
  ['毅', 'yi'],
  ['晓', 'xiao'],
  ['天', 'tian'],
  ['恩', 'en'],
  ['安', 'an'],
  ['翔', 'xiang'],
];

const FEMALE_CHARS: readonly Syllable[] = [
  ['芳', 'fang'],
  ['娜', 'na'],
  ['敏', 'min'],
  ['静', 'jing'],
  ['丽', 'li'],
  ['艳', 'yan'],
  ['娟', 'juan'],
  ['霞', 'xia'],
  ['秀', 'xiu'],
  ['英', 'ying'],
  ['玲', 'ling'],
  ['桂', 'gui'],
  ['兰', 'lan'],
  ['红', 'hong'],
  ['梅', 'mei'],
  ['琳', 'lin'],
  ['雪', 'xue'],
  ['婷', 'ting'],
  ['慧', 'hui'],
  ['颖', 'ying'],
  ['欣', 'xin'],
  ['怡', 'yi'],
  ['涵', 'han'],
  ['萱', 'xuan'],
  ['佳', 'jia'],
  ['雨', 'yu'],
  ['晴', 'qing'],
  ['思', 'si'],
  ['梦', 'meng'],
  ['月', 'yue'],
  ['瑶', 'yao'],
  ['燕', 'yan'],
  ['萍', 'ping'],
  ['琴', 'qin'],
  ['洁', 'jie'],
  ['倩', 'qian'],
  ['璐', 'lu'],
  ['薇', 'wei'],
  ['爱', 'ai'],
  ['嘉', 'jia'],
  ['诗', 'shi'],
  ['悦', 'yue'],
  ['晓', 'xiao'],
  ['安', 'an'],
];

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);
const same = (s: string): BiText => ({ zh: s, en: s });

/** Join pinyin syllables, with the apostrophe rule for a following syllable starting a/o/e (Xi'an). */
function joinPinyin(syllables: readonly string[]): string {
  return syllables.map((s, i) => (i > 0 && /^[aoe]/.test(s) ? `'${s}` : s)).join('');
}

function pickWeightedSurname(rng: Rng): readonly [string, string] {
  let x = rng.next() * SURNAME_TOTAL;
  for (const [zh, en, w] of SURNAMES) {
    x -= w;
    if (x < 0) return [zh, en];
  }
  return ['王', 'Wang'];
}

/** A plausible Chinese personal name with its pinyin; surnames follow their real frequency. */
export function personName(rng: Rng, sex?: Sex): PersonName {
  const s: Sex = sex ?? (rng.chance(0.5) ? 'male' : 'female');
  const [surnameZh, surnameEn] = pickWeightedSurname(rng);
  const pool = s === 'male' ? MALE_CHARS : FEMALE_CHARS;
  const first = rng.pick(pool);
  let given: Syllable[];
  const r = rng.next();
  if (r < 0.18) given = [first];
  else if (s === 'female' && r < 0.23) given = [first, first];
  else {
    let second = rng.pick(pool);
    while (second[0] === first[0]) second = rng.pick(pool);
    given = [first, second];
  }
  const givenNameZh = given.map((g) => g[0]).join('');
  return {
    zh: surnameZh + givenNameZh,
    en: `${surnameEn} ${capitalise(joinPinyin(given.map((g) => g[1])))}`,
    sex: s,
    surnameZh,
    givenNameZh,
  };
}

// ---------------------------------------------------------------------------------------------
// Places

const ROAD_STEMS: readonly Syllable[] = [
  ['人民', 'Renmin'],
  ['解放', 'Jiefang'],
  ['中山', 'Zhongshan'],
  ['建设', 'Jianshe'],
  ['和平', 'Heping'],
  ['新华', 'Xinhua'],
  ['文化', 'Wenhua'],
  ['长江', 'Changjiang'],
  ['黄河', 'Huanghe'],
  ['东风', 'Dongfeng'],
  ['胜利', 'Shengli'],
  ['青年', 'Qingnian'],
  ['光明', 'Guangming'],
  ['友谊', 'Youyi'],
  ['健康', 'Jiankang'],
  ['幸福', 'Xingfu'],
  ['朝阳', 'Chaoyang'],
  ['滨河', 'Binhe'],
  ['金桥', 'Jinqiao'],
  ['科技', 'Keji'],
  ['学府', 'Xuefu'],
  ['工业', 'Gongye'],
  ['振兴', 'Zhenxing'],
  ['红旗', 'Hongqi'],
  ['民主', 'Minzhu'],
  ['团结', 'Tuanjie'],
  ['复兴', 'Fuxing'],
  ['长安', "Chang'an"],
  ['北京', 'Beijing'],
  ['上海', 'Shanghai'],
  ['南京', 'Nanjing'],
  ['湖滨', 'Hubin'],
  ['府前', 'Fuqian'],
  ['新民', 'Xinmin'],
  ['兴华', 'Xinghua'],
  ['育才', 'Yucai'],
  ['车站', 'Chezhan'],
  ['公园', 'Gongyuan'],
  ['迎宾', 'Yingbin'],
  ['锦绣', 'Jinxiu'],
  ['东湖', 'Donghu'],
  ['望江', 'Wangjiang'],
];

const ROAD_DIRECTIONS: readonly Syllable[] = [
  ['东', 'East'],
  ['西', 'West'],
  ['南', 'South'],
  ['北', 'North'],
  ['中', 'Middle'],
];

const ROAD_SUFFIXES: readonly (readonly [zh: string, en: string, weight: number])[] = [
  ['路', 'Road', 60],
  ['大街', 'Street', 12],
  ['街', 'Street', 10],
  ['大道', 'Avenue', 10],
  ['巷', 'Lane', 6],
  ['胡同', 'Hutong', 2],
];

function pickWeighted<T extends readonly [string, string, number]>(rng: Rng, items: readonly T[]): T {
  const total = items.reduce((s, i) => s + i[2], 0);
  let x = rng.next() * total;
  for (const item of items) {
    x -= item[2];
    if (x < 0) return item;
  }
  return items[items.length - 1] as T;
}

/** A road name such as 人民东路 / Renmin East Road. */
export function roadName(rng: Rng): BiText {
  const [stemZh, stemEn] = rng.pick(ROAD_STEMS);
  const [sufZh, sufEn] = pickWeighted(rng, ROAD_SUFFIXES);
  if (sufZh === '路' && rng.chance(0.35)) {
    const [dZh, dEn] = rng.pick(ROAD_DIRECTIONS);
    return { zh: `${stemZh}${dZh}${sufZh}`, en: `${stemEn} ${dEn} ${sufEn}` };
  }
  return { zh: stemZh + sufZh, en: `${stemEn} ${sufEn}` };
}

const COMPOUND_STEMS: readonly Syllable[] = [
  ['阳光', 'Yangguang'],
  ['锦绣', 'Jinxiu'],
  ['幸福', 'Xingfu'],
  ['金色', 'Jinse'],
  ['翠湖', 'Cuihu'],
  ['碧水', 'Bishui'],
  ['紫荆', 'Zijing'],
  ['桂花', 'Guihua'],
  ['香樟', 'Xiangzhang'],
  ['御景', 'Yujing'],
  ['枫林', 'Fenglin'],
  ['东方', 'Dongfang'],
  ['世纪', 'Shiji'],
  ['和谐', 'Hexie'],
  ['康乐', 'Kangle'],
  ['明珠', 'Mingzhu'],
  ['天鹅湖', "Tian'ehu"],
  ['书香', 'Shuxiang'],
  ['滨江', 'Binjiang'],
  ['怡景', 'Yijing'],
  ['丽都', 'Lidu'],
  ['春晖', 'Chunhui'],
  ['玉兰', 'Yulan'],
  ['龙湖', 'Longhu'],
  ['馨苑', 'Xinyuan'],
  ['新城', 'Xincheng'],
];

const COMPOUND_SUFFIXES: readonly Syllable[] = [
  ['花园', 'Garden'],
  ['小区', 'Community'],
  ['家园', 'Homeland'],
  ['新村', 'New Village'],
  ['苑', 'Court'],
  ['公寓', 'Apartments'],
  ['华庭', 'Huating'],
  ['名邸', 'Mansion'],
  ['雅居', 'Residence'],
  ['嘉园', 'Jiayuan'],
];

const WORK_UNITS: readonly Syllable[] = [
  ['纺织厂', 'Textile Mill'],
  ['供电局', 'Power Bureau'],
  ['机械厂', 'Machinery Plant'],
  ['铁路', 'Railway'],
  ['第一中学', 'No. 1 Middle School'],
  ['人民医院', "People's Hospital"],
  ['粮食局', 'Grain Bureau'],
];

const PHASES: readonly Syllable[] = [
  ['一期', 'Phase I'],
  ['二期', 'Phase II'],
  ['三期', 'Phase III'],
];

/** A residential compound (小区) name: developer-style, old work-unit housing, or a numbered court. */
export function residentialCompoundName(rng: Rng): BiText {
  const r = rng.next();
  if (r < 0.1) {
    const [uZh, uEn] = rng.pick(WORK_UNITS);
    return rng.chance(0.5)
      ? { zh: `${uZh}宿舍`, en: `${uEn} Dormitory` }
      : { zh: `${uZh}家属院`, en: `${uEn} Family Compound` };
  }
  if (r < 0.18) {
    const road = roadName(rng);
    const no = rng.int(1, 199);
    return { zh: `${road.zh}${no}号院`, en: `Compound No. ${no}, ${road.en}` };
  }
  const [sZh, sEn] = rng.pick(COMPOUND_STEMS);
  const [xZh, xEn] = rng.pick(COMPOUND_SUFFIXES);
  const base = { zh: sZh + xZh, en: `${sEn} ${xEn}` };
  if (rng.chance(0.15)) {
    const [pZh, pEn] = rng.pick(PHASES);
    return { zh: base.zh + pZh, en: `${base.en} ${pEn}` };
  }
  return base;
}

/** Optional fixed parts of an address, so a generator can place many households on one road. */
export interface AddressParts {
  readonly district?: BiText;
  readonly road?: BiText;
  readonly compound?: BiText;
}

/** A full household address down to the room, as written on a registration form. */
export function buildingAddress(rng: Rng, parts: AddressParts = {}): BiText {
  const road = parts.road ?? roadName(rng);
  const compound = parts.compound ?? residentialCompoundName(rng);
  const no = rng.int(1, 399);
  const building = rng.int(1, 28);
  const unit = rng.int(1, 4);
  const floor = rng.int(1, rng.chance(0.6) ? 7 : 33);
  const room = `${floor}${String(rng.int(1, 4)).padStart(2, '0')}`;
  const dZh = parts.district ? parts.district.zh : '';
  const dEn = parts.district ? `, ${parts.district.en}` : '';
  return {
    zh: `${dZh}${road.zh}${no}号${compound.zh}${building}栋${unit}单元${room}室`,
    en: `Room ${room}, Unit ${unit}, Building ${building}, ${compound.en}, ${no} ${road.en}${dEn}`,
  };
}

/**
 * Where a problem is, the way reporters describe it (a door number, a junction, a gate).
 * `en` is a noun phrase that reads after "at".
 */
export function reportPlace(rng: Rng): BiText {
  const road = roadName(rng);
  switch (rng.int(0, 5)) {
    case 0: {
      const no = rng.int(1, 399);
      return { zh: `${road.zh}${no}号门口`, en: `the entrance of No. ${no} ${road.en}` };
    }
    case 1: {
      let other = roadName(rng);
      while (other.zh === road.zh) other = roadName(rng);
      return { zh: `${road.zh}与${other.zh}交叉口`, en: `the junction of ${road.en} and ${other.en}` };
    }
    case 2: {
      const c = residentialCompoundName(rng);
      const b = rng.int(1, 28);
      return { zh: `${c.zh}${b}号楼楼下`, en: `the foot of Building ${b}, ${c.en}` };
    }
    case 3: {
      const c = residentialCompoundName(rng);
      const [gZh, gEn] = rng.pick(ROAD_DIRECTIONS.slice(0, 4));
      return { zh: `${c.zh}${gZh}门`, en: `the ${gEn.toLowerCase()} gate of ${c.en}` };
    }
    case 4: {
      const shop = organisationName(rng, 'shop');
      return { zh: `${road.zh}${shop.zh}旁边`, en: `the spot next to ${shop.en} on ${road.en}` };
    }
    default:
      return { zh: `${road.zh}公交站附近`, en: `the ${road.en} bus stop` };
  }
}

// ---------------------------------------------------------------------------------------------
// Organisations

const SHOP_BRANDS: readonly Syllable[] = [
  ['鑫源', 'Xinyuan'],
  ['好又多', 'Haoyouduo'],
  ['福满多', 'Fumanduo'],
  ['兴隆', 'Xinglong'],
  ['顺发', 'Shunfa'],
  ['佳美', 'Jiamei'],
  ['红星', 'Hongxing'],
  ['老王', "Lao Wang's"],
  ['张记', "Zhang's"],
  ['阿英', "A'ying"],
  ['金鼎', 'Jinding'],
  ['德顺', 'Deshun'],
  ['四季', 'Siji'],
  ['一品', 'Yipin'],
  ['百味', 'Baiwei'],
  ['惠民', 'Huimin'],
  ['好再来', 'Haozailai'],
  ['小李', "Xiao Li's"],
  ['川味', 'Chuanwei'],
  ['家家乐', 'Jiajiale'],
];

const SHOP_TYPES: readonly Syllable[] = [
  ['便利店', 'Convenience Store'],
  ['超市', 'Supermarket'],
  ['五金店', 'Hardware Store'],
  ['水果店', 'Fruit Shop'],
  ['面馆', 'Noodle House'],
  ['饭店', 'Restaurant'],
  ['烧烤', 'Barbecue'],
  ['理发店', 'Hair Salon'],
  ['大药房', 'Pharmacy'],
  ['汽修', 'Auto Repair'],
  ['洗车行', 'Car Wash'],
  ['早餐店', 'Breakfast Shop'],
  ['麻辣烫', 'Malatang'],
  ['小吃店', 'Snack Bar'],
  ['干洗店', 'Dry Cleaner'],
  ['烟酒店', 'Tobacco and Liquor Shop'],
  ['奶茶店', 'Tea Shop'],
  ['快递驿站', 'Parcel Station'],
];

const COMPANY_BRANDS: readonly Syllable[] = [
  ['鑫达', 'Xinda'],
  ['恒通', 'Hengtong'],
  ['宏远', 'Hongyuan'],
  ['华信', 'Huaxin'],
  ['瑞丰', 'Ruifeng'],
  ['博远', 'Boyuan'],
  ['金诚', 'Jincheng'],
  ['永泰', 'Yongtai'],
  ['天成', 'Tiancheng'],
  ['安居', 'Anju'],
  ['嘉禾', 'Jiahe'],
  ['盛世', 'Shengshi'],
  ['广厦', 'Guangsha'],
  ['润泽', 'Runze'],
  ['恒信', 'Hengxin'],
  ['中诚', 'Zhongcheng'],
  ['锦程', 'Jincheng'],
  ['海纳', 'Haina'],
];

const COMPANY_INDUSTRIES: readonly Syllable[] = [
  ['建筑工程', 'Construction Engineering'],
  ['建材', 'Building Materials'],
  ['商贸', 'Trading'],
  ['科技', 'Technology'],
  ['物流', 'Logistics'],
  ['餐饮管理', 'Catering Management'],
  ['环境工程', 'Environmental Engineering'],
  ['装饰工程', 'Decoration Engineering'],
  ['市政工程', 'Municipal Engineering'],
  ['劳务', 'Labour Services'],
  ['渣土运输', 'Spoil Transport'],
];

/** A shop, company or property-management company name, as seen on signs and business licences. */
export function organisationName(
  rng: Rng,
  kind?: OrganisationKind,
): BiText & { readonly kind: OrganisationKind } {
  const k: OrganisationKind = kind ?? rng.pick(['shop', 'shop', 'company', 'property'] as const);
  if (k === 'shop') {
    const [bZh, bEn] = rng.pick(SHOP_BRANDS);
    const [tZh, tEn] = rng.pick(SHOP_TYPES);
    return { zh: bZh + tZh, en: `${bEn} ${tEn}`, kind: k };
  }
  const [bZh, bEn] = rng.pick(COMPANY_BRANDS);
  if (k === 'property') {
    return rng.chance(0.5)
      ? { zh: `${bZh}物业管理有限公司`, en: `${bEn} Property Management Co., Ltd.`, kind: k }
      : { zh: `${bZh}物业服务有限公司`, en: `${bEn} Property Services Co., Ltd.`, kind: k };
  }
  const [iZh, iEn] = rng.pick(COMPANY_INDUSTRIES);
  return { zh: `${bZh}${iZh}有限公司`, en: `${bEn} ${iEn} Co., Ltd.`, kind: k };
}

// ---------------------------------------------------------------------------------------------
// Phone and identity numbers

/** Mobile prefixes in public use (China Mobile, Unicom, Telecom, Broadnet); no 170/171 virtual ones. */
// biome-ignore format: keep the number table compact
const MOBILE_PREFIXES: readonly string[] = [
  '130', '131', '132', '133', '134', '135', '136', '137', '138', '139',
  '145', '147', '150', '151', '152', '153', '155', '156', '157', '158', '159',
  '166', '173', '175', '176', '177', '178',
  '180', '181', '182', '183', '184', '185', '186', '187', '188', '189',
  '191', '193', '195', '196', '197', '198', '199',
];

/** True for subscriber numbers that look like vanity or service numbers (8888, 1234, 138-0013-8000). */
function looksSpecial(number: string): boolean {
  const sub = number.slice(3);
  if (/(\d)\1{3}/.test(sub)) return true;
  for (let i = 0; i + 4 <= sub.length; i++) {
    const d = [...sub.slice(i, i + 4)].map(Number);
    const asc = d.every((v, j) => j === 0 || v === (d[j - 1] ?? 0) + 1);
    const desc = d.every((v, j) => j === 0 || v === (d[j - 1] ?? 0) - 1);
    if (asc || desc) return true;
  }
  return number === '13800138000';
}

/** An 11-digit mainland mobile number with a real prefix and an unremarkable subscriber part. */
export function phoneNumber(rng: Rng): string {
  for (;;) {
    let n = rng.pick(MOBILE_PREFIXES);
    for (let i = 0; i < 8; i++) n += String(rng.int(0, 9));
    if (!looksSpecial(n)) return n;
  }
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const ID_CHECK_CHARS = '10X98765432';

/** GB/T 2260 province-level codes that can start an identity number (81–83: HK, Macao, Taiwan permits). */
// biome-ignore format: keep the code table compact
const PROVINCE_CODES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82', '83',
]);

/** The GB 11643 check character (ISO 7064 MOD 11-2) for the first 17 digits of an identity number. */
export function idNumberCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('idNumberCheckChar needs exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (ID_WEIGHTS[i] ?? 0);
  return ID_CHECK_CHARS.charAt(sum % 11);
}

function parseYmd(ymd: string): { y: number; m: number; d: number } | undefined {
  const match = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(ymd);
  if (!match) return undefined;
  const y = Number(match[1]);
  const m = Number(match[2]);
  const d = Number(match[3]);
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return undefined;
  return { y, m, d };
}

/**
 * An 18-character identity number (GB 11643) for the given birth date (`YYYY-MM-DD`, `YYYYMMDD`
 * or a Date read in UTC), 6-digit area code and sex; valid by `isValidIdNumber`.
 */
export function idNumber(rng: Rng, birthDate: string | Date, areaCode: string, sex: Sex): string {
  if (!/^\d{6}$/.test(areaCode)) throw new RangeError(`area code must be 6 digits: ${areaCode}`);
  const ymd =
    typeof birthDate === 'string'
      ? parseYmd(birthDate)
      : { y: birthDate.getUTCFullYear(), m: birthDate.getUTCMonth() + 1, d: birthDate.getUTCDate() };
  if (!ymd) throw new RangeError(`invalid birth date: ${String(birthDate)}`);
  const date = `${String(ymd.y).padStart(4, '0')}${String(ymd.m).padStart(2, '0')}${String(ymd.d).padStart(2, '0')}`;
  // Sequence 001–999; its last digit is odd for men and even for women.
  const head = rng.int(0, 99);
  let last = rng.int(0, 4) * 2 + (sex === 'male' ? 1 : 0);
  if (head === 0 && last === 0) last = 2;
  const first17 = `${areaCode}${date}${String(head).padStart(2, '0')}${last}`;
  return first17 + idNumberCheckChar(first17);
}

/**
 * Whether `s` is a plausible identity number: 18 characters, a known province, a real birth date
 * between 1900 and `asOf`, and the right check character. Upper-case `X` only: normalise first.
 */
export function isValidIdNumber(s: string, asOf: Date = new Date()): boolean {
  if (!/^\d{17}[\dX]$/.test(s)) return false;
  const province = s.slice(0, 2);
  if (!PROVINCE_CODES.has(province)) return false;
  if (Number(province) < 71 && s.slice(2, 4) === '00') return false;
  const birth = parseYmd(s.slice(6, 14));
  if (!birth || birth.y < 1900) return false;
  if (Date.UTC(birth.y, birth.m - 1, birth.d) > asOf.getTime()) return false;
  if (s.slice(14, 17) === '000') return false;
  return idNumberCheckChar(s.slice(0, 17)) === s.charAt(17);
}

// ---------------------------------------------------------------------------------------------
// Citizen reports

/**
 * Report templates per category code. Slots: {p} place, {cm} compound, {shop} shop, {plate} plate
 * number, {n} 2–9, {m} 1–15 (m², m³), {k} 10–80 (metres), {d} 2–15 (days), {t} time of day,
 * {nt} late-night time. Each is filled once per report, the same in both languages.
 */
export const REPORT_TEMPLATES: Readonly<Record<string, readonly Tpl[]>> = {
  // 01 市容环境
  E0101: [
    [
      '{p}有人在楼顶私搭彩钢棚，已经搭了{d}天了',
      'Someone has been building a steel-roof shed on the rooftop at {p} for {d} days',
    ],
    [
      '{cm}{n}号楼一楼住户把院子圈起来盖房子，占了公共绿地',
      'A ground-floor resident of Building {n}, {cm} has fenced in the yard and is building on the public green',
    ],
    [
      '{p}违建，正在施工，晚上也在干，请城管来看看',
      'Illegal building at {p}, work going on even at night, please send urban management',
    ],
    ['巡查发现{p}新搭建简易房一处，约{m}平米', 'Found a new makeshift hut of about {m} m² at {p}'],
  ],
  E0102: [
    [
      '{p}垃圾堆了好几天没人清，约{m}平米，太臭了',
      'Rubbish has piled up at {p} for days and nobody clears it, about {m} m², it really stinks',
    ],
    ['{p}垃圾桶满了，垃圾袋扔得满地都是', 'The bins at {p} are full and bags are thrown all over the ground'],
    [
      '{t}路过{p}，路边有一堆生活垃圾，苍蝇很多',
      'Passed {p} at {t}: a heap of household rubbish by the road, lots of flies',
    ],
    ['{p}暴露垃圾{n}处', '{n} spots of exposed rubbish at {p}'],
  ],
  E0103: [
    ['{p}有人偷倒建筑垃圾，堆了{n}车左右', 'Someone dumped construction waste at {p}, about {n} truckloads'],
    [
      '{p}装修垃圾堆在路边半个月了，没人清运',
      'Renovation waste has been sitting by the road at {p} for half a month, nobody takes it away',
    ],
    ['{p}积存渣土约{m}方，下雨全是泥', 'About {m} m³ of spoil piled at {p}, all mud when it rains'],
  ],
  E0104: [
    ['{p}路面全是油污，很滑', 'The road at {p} is covered in oil, very slippery'],
    [
      '{p}一段约{k}米路面都是泥，环卫没扫',
      'About {k} m of road at {p} is covered in mud, the street cleaners have not swept it',
    ],
    ['{t}{p}有人倒污水，路面脏得很', 'Someone poured waste water at {p} at {t}, the road is filthy'],
  ],
  E0105: [
    ['{p}旁边的河里漂了很多垃圾，还有死鱼', 'Lots of rubbish floating in the river by {p}, dead fish too'],
    [
      '{p}河道水发黑发臭，天一热味道很大',
      'The river at {p} is black and stinking, terrible smell when it is hot',
    ],
    ['河面漂浮物约{m}平米，位置{p}', 'Floating waste of about {m} m² on the river, location {p}'],
  ],
  E0106: [
    ['{p}绿化带里全是垃圾和塑料袋', 'The green belt at {p} is full of rubbish and plastic bags'],
    ['{p}草坪上堆了枯树枝，好久没人清理', 'Dead branches piled on the lawn at {p}, not cleared for ages'],
    ['{p}绿地内有杂物约{m}平米', 'About {m} m² of debris in the green space at {p}'],
  ],
  E0107: [
    ['{p}有人扔了个旧沙发和床垫', 'Someone dumped an old sofa and a mattress at {p}'],
    ['{p}路边堆了{n}件旧家具，挡路', '{n} pieces of old furniture piled at {p}, blocking the way'],
    ['{p}有台旧冰箱扔在那好几天了', 'An old fridge has been left at {p} for days'],
  ],
  E0108: [
    [
      '{p}停了一辆僵尸车，车牌{plate}，落满灰，至少半年没动过',
      'A zombie car, plate {plate}, at {p}, covered in dust, not moved for at least six months',
    ],
    ['{p}有辆无牌面包车，轮胎都瘪了', 'An unplated van at {p}, its tyres are flat'],
    ['{p}废弃电动车{n}辆，长期占用车位', '{n} abandoned e-bikes at {p} hogging parking spaces'],
  ],
  E0109: [
    [
      '{p}有人在烧垃圾，烟很大，窗户都不敢开',
      'Someone is burning rubbish at {p}, so much smoke we cannot open the windows',
    ],
    ['{t}{p}有人烧树叶，呛得不行', 'At {t} someone was burning leaves at {p}, choking'],
    ['{p}空地露天焚烧杂物，冒黑烟', 'Waste burned in the open on the lot at {p}, black smoke'],
  ],
  E0110: [
    [
      '{p}{shop}油烟直接往楼上排，家里全是油烟味',
      '{shop} at {p} blows its fumes straight up at the flats, our home smells of oil',
    ],
    [
      '{p}楼下饭店没装油烟净化器，熏得没法开窗',
      'The restaurant below {p} has no fume cleaner, we cannot open the windows',
    ],
    [
      '{shop}排烟管道对着居民窗户，反映{n}次了',
      "{shop}'s exhaust points at residents' windows, reported {n} times",
    ],
  ],
  E0111: [
    ['{p}马路上有只死猫', 'A dead cat on the road at {p}'],
    ['{p}路边有条死狗，已经发臭了', 'A dead dog by the road at {p}, already stinking'],
    ['{t}发现{p}有动物尸体，请环卫处理', 'Found an animal carcass at {p} at {t}, please send sanitation'],
  ],
  E0112: [
    [
      '{p}楼道里堆满纸箱杂物，走路都困难',
      'The stairwell at {p} is full of cardboard boxes and clutter, hard to get through',
    ],
    ['{p}有人在路边堆砖头沙子，占了半条路', 'Someone piled bricks and sand at {p}, taking up half the road'],
    ['{p}堆物堆料约{m}平米', 'About {m} m² of materials piled at {p}'],
  ],
  // 02 宣传广告
  E0201: [
    ['{p}树上挂了好几条横幅', 'Several banners tied to the trees at {p}'],
    [
      '{p}{shop}在人行道栏杆上拉条幅做广告',
      '{shop} at {p} has strung an advertising banner on the pavement railing',
    ],
    ['{p}墙上贴满了海报，{n}张左右', 'Posters all over the wall at {p}, about {n} of them'],
  ],
  E0202: [
    ['{p}电线杆上贴满了办证小广告', 'The poles at {p} are covered in fake-certificate small ads'],
    [
      '{p}地上喷了很多电话号码，疏通下水道的',
      'Lots of drain-cleaning phone numbers sprayed on the ground at {p}',
    ],
    [
      '{p}单元门口小广告{n}处，刚清完又贴上了',
      '{n} small ads at the entrance at {p}, they came back right after cleaning',
    ],
  ],
  E0203: [
    [
      '{p}宣传栏的海报都褪色破了，还是去年的',
      "The posters on the notice board at {p} are faded and torn, still last year's",
    ],
    [
      '{p}的标语横幅活动早结束了还挂着',
      'The slogan banner at {p} is still up though the event ended long ago',
    ],
    ['{p}破损宣传画{n}处', '{n} damaged posters at {p}'],
  ],
  E0204: [
    [
      '{p}有人拦着路人发传单，扔得满地都是',
      'People stopping passers-by with flyers at {p}, flyers all over the ground',
    ],
    ['{t}{p}一直有人发健身卡传单', 'People handing out gym flyers at {p} at {t}'],
    ['{p}地铁口有{n}个人发广告卡片', '{n} people handing out advert cards at the metro exit at {p}'],
  ],
  E0205: [
    [
      '{p}{shop}的招牌掉了几个字，感觉要掉下来',
      'The sign of {shop} at {p} has lost some letters and looks like it could fall',
    ],
    [
      '{p}广告牌被风吹歪了，下面是人行道，很危险',
      'A billboard at {p} was bent by the wind, right over the pavement, dangerous',
    ],
    ['{p}门头招牌破损，铁架生锈松动', 'Shop sign at {p} damaged, its frame rusty and loose'],
  ],
  E0206: [
    ['{p}楼顶的霓虹灯只亮了一半', 'The neon sign on the roof at {p} is only half lit'],
    ['{p}LED大屏花屏好几天了', 'The big LED screen at {p} has been garbled for days'],
    ['晚上{p}景观灯不亮，黑乎乎的', 'The decorative lights at {p} are off at night, pitch dark'],
  ],
  E0207: [
    ['{p}新立了一块大广告牌，没看到审批', 'A big new billboard went up at {p}, no sign of approval'],
    ['{p}{shop}在门口放了{n}个落地广告牌', '{shop} at {p} put {n} standing advert boards outside'],
    [
      '{p}楼顶装了广告牌，大风天怕掉下来',
      'A billboard installed on the roof at {p}, afraid it falls on windy days',
    ],
  ],
  // 03 施工管理
  E0301: [
    [
      '{p}工地{nt}还在施工，电钻声吵得睡不着',
      'The site at {p} was still working at {nt}, the drilling keeps us awake',
    ],
    [
      '{p}晚上打桩，天天搞到半夜，有夜间施工许可吗',
      'Piling at {p} every night until midnight, do they have a night-work permit?',
    ],
    ['{nt}{p}工地渣土车进进出出，噪音很大', 'Spoil trucks in and out of the site at {p} at {nt}, very loud'],
  ],
  E0302: [
    [
      '{p}施工围挡占了整条人行道，行人只能走机动车道',
      'Site hoarding at {p} takes the whole pavement, people have to walk in the road',
    ],
    ['{p}施工材料堆在路上，占了一个车道', 'Building materials piled on the road at {p}, blocking a lane'],
    ['{p}占道施工{k}米，没有警示标志', 'Works occupying {k} m of road at {p}, no warning signs'],
  ],
  E0303: [
    ['{p}渣土车掉了一路的土，约{k}米', 'A spoil truck dropped soil all along {p}, about {k} m'],
    [
      '{t}{p}路面有大量泥浆遗撒，车过去溅一身',
      'Lots of spilled mud on the road at {p} at {t}, passing cars splash everyone',
    ],
    ['{p}遗撒砂石{k}米，影响通行', 'Gravel spilled over {k} m at {p}, affecting traffic'],
  ],
  E0304: [
    [
      '{p}工地黄土没盖，风一吹灰尘满天',
      'Bare soil at the site at {p} is uncovered, dust everywhere when the wind blows',
    ],
    [
      '{p}工地扬尘严重，家里窗台一天一层灰',
      'Heavy dust from the site at {p}, a layer on our windowsill every day',
    ],
    [
      '{p}工地不洒水，车辆出门不冲洗',
      'The site at {p} does not spray water or wash the trucks on the way out',
    ],
  ],
  E0305: [
    [
      '{p}路被挖开了{d}天，没人施工也没回填',
      'The road at {p} was dug up {d} days ago, no work and not backfilled',
    ],
    [
      '{p}有人挖路埋管子，不知道有没有审批',
      'Someone is digging up the road at {p} to lay pipes, not sure it is approved',
    ],
    ['{p}开挖沟槽约{k}米，没有围挡', 'A trench of about {k} m dug at {p}, no hoarding'],
  ],
  E0306: [
    ['{p}工地围挡被风吹倒了', 'The site hoarding at {p} was blown down'],
    ['{p}围挡破了个大口子，小孩能钻进去', 'Big hole in the hoarding at {p}, children can get in'],
    ['{p}工地围挡倾斜{n}处，有倒塌风险', 'Hoarding at {p} leaning in {n} places, could collapse'],
  ],
  E0307: [
    ['{p}渣土车没盖篷布，一路掉土', 'Spoil truck at {p} without a cover, dropping soil all the way'],
    ['{nt}{p}渣土车超速超载，车牌{plate}', 'Overloaded spoil truck speeding at {p} at {nt}, plate {plate}'],
    ['{p}有{n}辆渣土车没有密闭就上路了', '{n} spoil trucks at {p} on the road without covers'],
  ],
  E0308: [
    ['{p}施工完了剩下一堆管子和砖头没拉走', 'Works finished at {p} but pipes and bricks were left behind'],
    ['{p}修完路的废料堆在路边{d}天了', 'Waste from road repairs has been by the road at {p} for {d} days'],
    ['{p}施工遗留废弃物料约{m}方', 'About {m} m³ of leftover materials at {p}'],
  ],
  // 04 突发事件
  E0401: [
    [
      '{p}路面塌了个大坑，有半米深，很危险！',
      'The road at {p} has caved in, a hole half a metre deep, dangerous!',
    ],
    ['{t}{p}路面下沉，车开过去咯噔一下', 'At {t} the road at {p} was sinking, cars jolt over it'],
    ['紧急！{p}出现路面塌陷，约{m}平米', 'Urgent! Road collapse at {p}, about {m} m²'],
  ],
  E0402: [
    [
      '{p}水管爆了，水往外冒，路上全是水',
      'A water pipe burst at {p}, water gushing out, the road is flooded',
    ],
    [
      '{t}开始{p}路面冒水，小区也停水了',
      'Water has been coming up through the road at {p} since {t}, and the compound has no water',
    ],
    ['{p}自来水管破裂，水柱有一米多高', 'Water main burst at {p}, a jet of water over a metre high'],
  ],
  E0403: [
    ['{p}有很大的煤气味，怀疑漏气', 'Strong gas smell at {p}, suspect a leak'],
    ['{p}施工挖断了燃气管，正在漏气！', 'Works at {p} cut a gas pipe, it is leaking!'],
    ['{t}{p}闻到天然气味道，越来越浓', 'Smelled natural gas at {p} at {t}, getting stronger'],
  ],
  E0404: [
    ['{p}下水道堵了，污水冒出来流到马路上', 'The sewer at {p} is blocked, sewage is flowing onto the road'],
    ['{p}污水井往外冒水，臭气熏天', 'The sewer manhole at {p} is overflowing, horrible smell'],
    ['{p}下水管道破损，污水外溢{d}天了', 'Broken sewer at {p}, sewage leaking for {d} days'],
  ],
  E0405: [
    ['{p}积水很深，快到膝盖了，车都熄火了', 'Deep water at {p}, almost knee-high, cars are stalling'],
    [
      '下大雨{p}又淹了，每次下雨都这样',
      'Heavy rain and {p} is flooded again, it happens every time it rains',
    ],
    ['{p}积水约{n}0厘米，行人无法通行', 'Water about {n}0 cm deep at {p}, pedestrians cannot get through'],
  ],
  E0406: [
    ['{p}人行道结冰了，好几个人摔倒', 'The pavement at {p} is iced over, several people have fallen'],
    ['{p}桥面积雪没清，车打滑', 'Snow not cleared on the bridge at {p}, cars skidding'],
    ['{t}{p}路面结冰，请撒融雪剂', 'Road icy at {p} at {t}, please spread de-icer'],
  ],
  E0407: [
    [
      '{p}电线掉下来了，垂到地上，很危险',
      'A power line has come down at {p}, hanging to the ground, dangerous',
    ],
    ['{p}电线杆歪了，线快碰到车顶了', 'The pole at {p} is leaning, the wires nearly touch car roofs'],
    [
      '{p}通信线缆低垂，离地不到两米，货车容易挂到',
      'Telecom cables sagging at {p}, less than 2 m off the ground, lorries may snag them',
    ],
  ],
  E0408: [
    ['{p}着火了！冒很大的烟！', 'Fire at {p}! Lots of smoke!'],
    ['{p}楼道里电动车起火了', 'An e-bike caught fire in the stairwell at {p}'],
    ['{t}{p}{shop}里面冒黑烟，好像起火了', 'Black smoke from {shop} at {p} at {t}, looks like a fire'],
  ],
  E0409: [
    ['{p}大树被风刮倒了，压住了半条路', 'A big tree was blown over at {p}, blocking half the road'],
    ['{p}树枝断了挂在半空，下面有人走', 'A broken branch is hanging overhead at {p}, people walk beneath'],
    ['{p}倒伏树木{n}棵，砸到一辆车', '{n} trees down at {p}, one hit a car'],
  ],
  E0410: [
    ['{p}有油罐车漏油，味道很刺鼻', 'A tanker is leaking fuel at {p}, pungent smell'],
    [
      '{p}有桶装化学品泄漏，地上有不明液体',
      'Drums of chemicals leaking at {p}, unknown liquid on the ground',
    ],
    ['{t}{p}附近有很刺鼻的气味，眼睛难受', 'A pungent smell around {p} at {t}, it stings the eyes'],
  ],
  // 05 街面秩序
  E0501: [
    ['{p}有流动小贩骑三轮卖水果', 'A hawker selling fruit from a tricycle at {p}'],
    ['{p}地铁口{n}个小贩在卖东西，堵住出口', '{n} hawkers selling at the metro exit at {p}, blocking it'],
    [
      '{t}{p}又有游商了，城管一走就回来',
      'Hawkers back at {p} at {t}, they return as soon as urban management leaves',
    ],
  ],
  E0502: [
    ['{p}人行道上摆满了地摊', 'Street stalls all over the pavement at {p}'],
    [
      '{p}早点摊占道经营，每天早上堵得走不了',
      'Breakfast stalls occupying the road at {p}, jammed every morning',
    ],
    ['{p}夜市摊位{n}个占用机动车道', '{n} night-market stalls occupying the carriageway at {p}'],
  ],
  E0503: [
    ['{p}{shop}把货架摆到店门口人行道上', '{shop} at {p} puts its shelves out on the pavement'],
    ['{p}水果店出店经营，占了{m}平米', 'The fruit shop at {p} trades outside, taking up {m} m²'],
    ['{p}{shop}门口摆桌子，行人只能绕路', '{shop} at {p} has tables outside, pedestrians have to go round'],
  ],
  E0504: [
    ['{p}车停在人行道上，车牌{plate}', 'Car parked on the pavement at {p}, plate {plate}'],
    ['{p}消防通道停了{n}辆车，堵死了', '{n} cars parked in the fire lane at {p}, completely blocked'],
    [
      '{t}起{p}有车堵门口出不去，打挪车电话不接',
      'A car has blocked the entrance at {p} since {t}, the owner does not answer the phone',
    ],
  ],
  E0505: [
    ['{p}共享单车堆了一大片，盲道都堵了', 'Shared bikes piled up at {p}, the tactile path is blocked'],
    ['{p}门口电动车乱停{n}0多辆', 'Over {n}0 e-bikes parked every which way at {p}'],
    ['{p}地铁口自行车乱停，出口走不通', 'Bikes dumped at the metro exit at {p}, the exit is blocked'],
  ],
  E0506: [
    ['{p}天桥上有人乞讨，挡着路', 'Someone begging on the footbridge at {p}, in the way'],
    ['{p}有人拿音响唱歌卖艺，声音很大', 'Someone busking with a speaker at {p}, very loud'],
    ['{t}{p}地铁口有人跪地乞讨', 'Someone kneeling and begging at the metro exit at {p} at {t}'],
  ],
  E0507: [
    [
      '{p}晚上露天烧烤，烟熏得没法开窗',
      'Open-air barbecue at {p} at night, the smoke is so bad we cannot open the windows',
    ],
    ['{nt}{p}烧烤摊还在营业，又吵又呛', 'Barbecue stall at {p} still going at {nt}, noisy and smoky'],
    ['{p}{shop}在门口摆了{n}个烧烤炉', '{shop} at {p} has {n} barbecue grills outside'],
  ],
  E0508: [
    [
      '{p}汽修店在马路上修车，地上全是机油',
      'A garage at {p} repairs cars on the road, engine oil everywhere',
    ],
    ['{p}有人占道洗车，污水流一地', 'Someone washing cars on the road at {p}, dirty water everywhere'],
    ['{p}{shop}占用人行道补胎修车', '{shop} at {p} uses the pavement for tyre and car repairs'],
  ],
  E0509: [
    ['{p}广场舞音响太大声，{nt}还在跳', 'Square-dancing music at {p} far too loud, still going at {nt}'],
    ['{p}{shop}门口大喇叭循环播放，吵死了', '{shop} at {p} loops a loudspeaker outside, unbearably loud'],
    ['{p}KTV噪音扰民，每天闹到{nt}', 'The KTV at {p} is noisy every night until {nt}'],
  ],
  E0510: [
    ['{p}车站出口黑车拉客，喊个不停', 'Illegal taxis touting at the station exit at {p}, shouting nonstop'],
    ['{p}医院门口有{n}辆黑车揽客', '{n} illegal taxis touting at the hospital gate at {p}'],
    ['{p}摩的聚集拉客，车牌{plate}', 'Motorbike taxis gathering to tout at {p}, plate {plate}'],
  ],
  // 06 其他事件
  E0601: [
    ['{p}垃圾分类桶都混着扔，没人管', 'Everything is mixed in the sorting bins at {p}, nobody checks'],
    ['{p}投放点只有一个桶，没法分类', 'The collection point at {p} has only one bin, no way to sort'],
    ['{p}厨余垃圾扔在桶外面，招老鼠', 'Food waste left outside the bins at {p}, attracting rats'],
  ],
  E0602: [
    ['{p}有个管子往河里排黑水，很臭', 'A pipe at {p} discharges black water into the river, it stinks'],
    ['{p}{shop}把污水直接倒进雨水井', '{shop} at {p} pours its waste water straight into the storm drain'],
    ['{t}{p}排口有污水流出，河面有泡沫', 'Sewage flowing from the outfall at {p} at {t}, foam on the river'],
  ],
  E0603: [
    ['{p}有人遛狗不拴绳，大狗追着小孩跑', 'Someone walking a dog off-leash at {p}, a big dog chased a child'],
    [
      '{cm}{n}号楼有人养大型犬，天天叫',
      'Someone in Building {n}, {cm} keeps a large dog, it barks every day',
    ],
    ['{t}在{p}被狗咬了，狗主人跑了', 'Bitten by a dog at {p} at {t}, the owner ran off'],
  ],
  E0604: [
    [
      '{cm}{n}号楼有一套房子隔成十几间出租，住了二三十人',
      'A flat in Building {n}, {cm} is split into a dozen rooms, twenty or thirty people live there',
    ],
    [
      '{p}楼上是群租房，上下铺，进进出出很不安全',
      'The flat upstairs at {p} is a crowded rental with bunk beds, people in and out, unsafe',
    ],
    [
      '举报{cm}群租，二房东改了房屋结构',
      'Reporting a crowded rental in {cm}; the sublessor altered the structure',
    ],
  ],
  E0605: [
    ['{p}垃圾站老鼠很多，白天都跑出来', 'Lots of rats at the refuse station at {p}, out even in daytime'],
    [
      '{p}积水里全是孑孓，晚上蚊子特别多',
      'Standing water at {p} full of mosquito larvae, swarms of mosquitoes at night',
    ],
    ['{p}{shop}后面苍蝇成群，请消杀', 'Swarms of flies behind {shop} at {p}, please do pest control'],
  ],
  E0606: [
    [
      '{p}{shop}没有营业执照，一直在卖熟食',
      '{shop} at {p} has no business licence but keeps selling cooked food',
    ],
    ['{p}有个黑作坊做豆腐，卫生很差', 'A backyard tofu workshop at {p}, very unhygienic'],
    ['{p}新开的{shop}没有公示证照', 'The new {shop} at {p} does not display its licences'],
  ],
  E0607: [
    ['{p}有个老人睡在路边，天很冷', 'An old man is sleeping by the road at {p}, it is very cold'],
    ['{p}有流浪人员住在桥洞下{d}天了', 'A homeless person has lived under the bridge at {p} for {d} days'],
    [
      '{t}在{p}看到一个老人走失了，说不清家在哪',
      'At {t} saw a lost elderly person at {p} who cannot say where home is',
    ],
  ],
  E0608: [
    ['{p}消防通道被车堵死了', 'The fire lane at {p} is blocked solid by cars'],
    [
      '{cm}{n}号楼楼道里给电动车充电，还堆满杂物',
      'E-bikes charging in the stairwell of Building {n}, {cm}, full of clutter too',
    ],
    ['{p}安全出口被锁了，还堆了货', 'The emergency exit at {p} is locked and stacked with goods'],
  ],
  E0609: [
    ['{p}有人在耕地上盖房子', 'Someone is building houses on farmland at {p}'],
    ['{p}空地被人用推土机推平了，圈起来了', 'The empty land at {p} was bulldozed and fenced off'],
    ['举报{p}违法占地约{m}亩', 'Reporting illegal occupation of about {m} mu of land at {p}'],
  ],
  // Parts 01 公用设施
  P0101: [
    ['{p}自来水井盖破了，有个洞', 'The water supply manhole cover at {p} is broken, there is a hole'],
    ['{p}上水井盖没了，有人放了个路障', 'Water manhole cover missing at {p}, someone put a cone there'],
  ],
  P0102: [
    ['{p}污水井盖碎了，臭味很大', 'Sewer manhole cover at {p} cracked, strong smell'],
    ['{p}污水井盖翘起来了，车过去咣当响', 'Sewer cover at {p} tilted up, it clanks when cars pass'],
  ],
  P0103: [
    ['{p}雨水井盖下沉，比路面低好几公分', 'Storm drain cover at {p} has sunk several cm below the road'],
    ['{p}雨水井盖丢了，晚上很危险', 'Storm drain cover missing at {p}, dangerous at night'],
  ],
  P0104: [
    ['{p}电力井盖破损，下面都是电缆', 'Power manhole cover broken at {p}, cables underneath'],
    ['{p}电力井盖移位了，露出一条缝', 'Power cover displaced at {p}, a gap showing'],
  ],
  P0105: [
    ['{p}通信井盖坏了，上面写着电信', 'Telecom manhole cover at {p} broken, marked Telecom'],
    ['{p}通信井盖缺失{n}个', '{n} telecom manhole covers missing at {p}'],
  ],
  P0106: [
    ['{p}燃气井盖松动，踩上去晃', 'Gas manhole cover loose at {p}, it wobbles when stepped on'],
    ['{p}燃气井盖破了，有点煤气味', 'Gas manhole cover broken at {p}, a slight gas smell'],
  ],
  P0107: [
    ['{p}消防栓被撞坏了，在漏水', 'The fire hydrant at {p} was hit and is leaking'],
    ['{p}消防栓被{shop}的货挡住了', "The fire hydrant at {p} is hidden behind {shop}'s goods"],
  ],
  P0108: [
    ['{p}路灯坏了{n}盏，晚上一片黑', '{n} street lights out at {p}, pitch dark at night'],
    ['{p}路灯白天一直亮着', 'The street lights at {p} stay on all day'],
    ['{p}路灯杆歪了，灯罩掉了', 'Street light pole at {p} leaning, the lamp cover has fallen off'],
  ],
  P0109: [
    ['{p}雨水箅子被树叶堵住了', 'Storm drain grate at {p} blocked with leaves'],
    [
      '{p}雨水箅子缺了一块，自行车轮会卡进去',
      'Part of the drain grate at {p} is missing, bike wheels get caught',
    ],
  ],
  P0110: [
    [
      '{p}变压器箱门一直开着，小孩在旁边玩',
      'The transformer box door at {p} is always open, children play nearby',
    ],
    ['{p}配电箱嗡嗡响，还有焦味', 'The distribution box at {p} is humming and smells burnt'],
  ],
  P0111: [
    ['{p}通信交接箱门坏了，光纤露在外面', 'Telecom cabinet door broken at {p}, fibres exposed'],
    ['{p}交接箱被车撞歪了', 'Telecom cabinet at {p} knocked askew by a car'],
  ],
  P0112: [
    ['{p}燃气调压箱锈得厉害，附近有味道', 'Gas regulator box at {p} badly rusted, a smell nearby'],
    ['{p}黄色燃气箱子被撞了，变形了', 'The yellow gas box at {p} was hit and is dented'],
  ],
  // Parts 02 道路交通
  P0201: [
    ['{p}公交站亭玻璃碎了', 'Glass of the bus shelter at {p} smashed'],
    ['{p}公交站座椅坏了，站牌也看不清', 'Bus shelter seat broken at {p}, the stop sign is unreadable'],
  ],
  P0202: [
    ['{p}红绿灯不亮，路口很乱', 'Traffic lights out at {p}, chaos at the junction'],
    ['{p}信号灯一直是红灯，倒计时不动', 'The light at {p} is stuck on red, countdown frozen'],
  ],
  P0203: [
    ['{p}限速牌被树挡住了', 'The speed limit sign at {p} is hidden by a tree'],
    ['{p}交通标志牌歪倒了', 'Traffic sign at {p} has fallen over'],
  ],
  P0204: [
    ['{p}护栏被车撞倒了{k}米', '{k} m of guardrail knocked down by a car at {p}'],
    ['{p}隔离栏有缺口，行人翻越横穿马路', 'Gap in the railing at {p}, people climb through to cross'],
  ],
  P0205: [
    ['{p}路名牌写错了字', 'The street name sign at {p} is misspelled'],
    ['{p}路名牌被撞歪了，看不到', 'Street name sign at {p} knocked askew, cannot be seen'],
  ],
  P0206: [
    ['{p}停车场道闸坏了，车进不去', 'The car park barrier at {p} is broken, cars cannot get in'],
    ['{p}停车场没有收费公示，乱收费', 'No price list at the car park at {p}, overcharging'],
  ],
  P0207: [
    ['{p}天桥台阶有块砖松了，容易绊倒', 'A loose tile on the footbridge steps at {p}, easy to trip'],
    ['{p}天桥扶梯停了{d}天了', 'The footbridge escalator at {p} has been stopped for {d} days'],
  ],
  P0208: [
    [
      '{p}地下通道灯全坏了，黑乎乎的不敢走',
      'All the lights in the underpass at {p} are out, too dark to walk through',
    ],
    ['{p}地下通道渗水，地上有积水', 'Underpass at {p} seeping, puddles on the floor'],
  ],
  P0209: [
    ['{p}人行道地砖翘起来了，老人绊倒了', 'Pavement slabs lifted at {p}, an old man tripped'],
    ['{p}人行道板松动{n}块，一踩就溅水', '{n} loose slabs at {p}, they splash when stepped on'],
  ],
  P0210: [
    ['{p}盲道被电动车占了', 'E-bikes parked on the tactile path at {p}'],
    ['{p}盲道砖碎了一段，约{m}米', 'About {m} m of tactile paving broken at {p}'],
  ],
  P0211: [
    ['{p}斑马线都看不清了', 'The zebra crossing at {p} is almost invisible'],
    ['{p}路口标线磨没了，车辆乱并线', 'Markings worn away at {p}, cars weave across lanes'],
  ],
  P0212: [
    [
      '{p}高架隔音屏松了，刮风哐哐响',
      'Noise barrier on the elevated road at {p} loose, it bangs in the wind',
    ],
    ['{p}隔音板掉了{n}块', '{n} noise panels fallen off at {p}'],
  ],
  // Parts 03 市容环境
  P0301: [
    ['{p}公厕堵了，没法用', 'Public toilet at {p} blocked, unusable'],
    ['{p}公共厕所没水，味道很大', 'No water in the public toilet at {p}, strong smell'],
    ['{p}公厕{t}了还没开门', 'The public toilet at {p} is still closed at {t}'],
  ],
  P0302: [
    ['{p}垃圾桶盖子坏了', 'Lid of the bin at {p} broken'],
    ['{p}果皮箱被撞倒了，垃圾撒一地', 'Litter bin knocked over at {p}, rubbish all over'],
  ],
  P0303: [
    ['{p}垃圾房门坏了，关不上，苍蝇很多', 'Refuse room door at {p} broken, will not close, lots of flies'],
    ['{p}垃圾站太臭了，满了没人清', 'The refuse station at {p} stinks, full and not emptied'],
  ],
  P0304: [
    ['{p}{shop}的牌匾松动了，风一吹就晃', 'The sign of {shop} at {p} is loose, sways in the wind'],
    ['{p}牌匾缺字，锈迹斑斑', 'Sign at {p} missing letters and rusty'],
  ],
  P0305: [
    ['{p}报刊亭废弃很久了，锁着没人管', 'The newsstand at {p} has been abandoned for ages, locked up'],
    [
      '{p}报刊亭卖烟卖饮料，占了人行道',
      'Newsstand at {p} sells cigarettes and drinks and takes over the pavement',
    ],
  ],
  P0306: [
    ['{p}公共座椅木板断了', 'A plank of the public bench at {p} is broken'],
    ['{p}长椅螺丝松了，坐上去晃', 'Bench at {p} has loose screws, it wobbles'],
  ],
  P0307: [
    ['{p}雕塑被人涂鸦了', 'The sculpture at {p} has been covered in graffiti'],
    ['{p}雕塑底座松动，有点歪', 'The sculpture base at {p} is loose, slightly leaning'],
  ],
  P0308: [
    ['{p}景观灯带电线露在外面，怕漏电', 'Wires of the light strip at {p} exposed, we fear electric shocks'],
    ['{p}亮化灯坏了一半', 'Half the decorative lights at {p} broken'],
  ],
  // Parts 04 园林绿化
  P0401: [
    ['{p}古树上的树枝断了，挂牌也掉了', 'A branch of the heritage tree at {p} broke, its tag fell off'],
    ['{p}古树有虫，叶子都黄了', 'The heritage tree at {p} has pests, leaves turning yellow'],
  ],
  P0402: [
    ['{p}行道树歪了，快倒了', 'The street tree at {p} is leaning, about to fall'],
    ['{p}树枝挡住了红绿灯，看不见', 'Branches at {p} hide the traffic light'],
    ['{p}缺了{n}棵行道树，只剩树坑', '{n} street trees missing at {p}, only the pits left'],
  ],
  P0403: [
    ['{p}绿地被人种上菜了', 'Someone is growing vegetables in the green space at {p}'],
    ['{p}草坪被踩秃了一大片，约{m}平米', 'A bare, trampled patch of about {m} m² on the lawn at {p}'],
  ],
  P0404: [
    ['{p}树池盖板丢了，晚上容易崴脚', 'Tree-pit grate missing at {p}, easy to twist an ankle at night'],
    ['{p}树坑没盖，一片黄土', 'Tree pit uncovered at {p}, just bare soil'],
  ],
  P0405: [
    ['{p}绿化带护栏倒了一段', 'A stretch of the green belt fence at {p} is down'],
    ['{p}绿地围栏缺了{n}节', '{n} sections of fence missing at {p}'],
  ],
  P0406: [
    ['{p}花箱碎了，花都死了', 'Planter at {p} cracked, the flowers are dead'],
    ['{p}花坛空了好久，只剩土', 'Flower bed at {p} empty for ages, only soil'],
  ],
  // Parts 05 房屋土地
  P0501: [
    ['{p}老房子外墙开裂，往下掉渣', 'The outer wall of the old building at {p} is cracked and crumbling'],
    [
      '{cm}{n}号楼墙体裂缝越来越大，住户很担心',
      'Cracks in Building {n}, {cm} are getting wider, residents are worried',
    ],
  ],
  P0502: [
    [
      '{cm}{n}号楼楼牌掉了，快递都找不到',
      'The number plate of Building {n}, {cm} fell off, couriers cannot find it',
    ],
    ['{p}门牌号和实际不符', 'The house number at {p} is wrong'],
  ],
  P0503: [
    ['{p}空地围挡倒了，里面全是垃圾', 'The fence of the vacant lot at {p} is down, rubbish inside'],
    ['{p}荒地被人私自圈起来种菜', 'Waste land at {p} fenced off privately for vegetables'],
  ],
  P0504: [
    [
      '{p}工地出口没有冲洗设备，车轮带泥上路',
      'No wheel wash at the site exit at {p}, trucks carry mud onto the road',
    ],
    [
      '{p}工地没有公示牌，不知道是什么工程',
      'No notice board at the site at {p}, no idea what the project is',
    ],
  ],
  P0505: [
    ['{p}外墙瓷砖掉下来了，差点砸到人', 'Facade tiles fell at {p}, nearly hit someone'],
    [
      '{cm}{n}号楼空调外机架子锈断了一半',
      'An air-conditioner bracket on Building {n}, {cm} is half rusted through',
    ],
  ],
  P0506: [
    ['{p}人防通风口被堵住了', 'The civil defence vent at {p} is blocked'],
    ['{p}防空洞入口门坏了，有人住在里面', 'The air-raid shelter door at {p} is broken, someone lives inside'],
  ],
  // Parts 06 其他设施
  P0601: [
    [
      '{p}健身器材坏了，螺丝掉了，老人用着危险',
      'Fitness equipment at {p} broken, screws missing, dangerous for the elderly',
    ],
    ['{p}漫步机断了一根轴', 'An air walker at {p} has a broken axle'],
  ],
  P0602: [
    ['{p}路口摄像头被树挡住了', 'The camera at {p} is hidden by a tree'],
    ['{p}监控杆歪了，线垂下来', 'CCTV pole at {p} leaning, cables hanging down'],
  ],
  P0603: [
    [
      '{p}河边护栏断了{n}米，小孩容易掉下去',
      '{n} m of riverside railing broken at {p}, children could fall in',
    ],
    ['{p}河岸塌了一块', 'Part of the riverbank at {p} has collapsed'],
  ],
  P0604: [
    [
      '{p}泵站闸门好像坏了，下雨前能修好吗',
      'The pumping-station sluice at {p} seems broken, can it be fixed before the rain?',
    ],
    ['{p}防汛沙袋都破了', 'The flood sandbags at {p} are all torn'],
  ],
  P0605: [
    ['{p}充电桩扫码充不了电', 'The charging point at {p} will not charge after scanning'],
    ['{p}充电桩线皮破了，露铜线', 'Charging cable at {p} cracked, copper showing'],
  ],
  P0606: [
    [
      '{p}井盖传感器一直报警，现场井盖是好的',
      'The manhole sensor at {p} keeps alarming, but the cover is fine',
    ],
    ['{p}水位监测设备被撞坏了', 'The water-level sensor at {p} has been hit and damaged'],
  ],
  P0607: [
    ['{p}应急避难场所指示牌掉了', 'The emergency shelter sign at {p} fell down'],
    ['{p}避难场所标识上的地址不对', 'The shelter sign at {p} shows the wrong address'],
  ],
  // 12345
  H01: [
    [
      '请问{cm}附近哪里可以办社保卡？需要带什么材料？',
      'Where near {cm} can I get a social security card, and what documents do I need?',
    ],
    [
      '咨询一下孩子上小学报名要哪些材料，户口在{cm}',
      'What documents are needed to register a child for primary school? Household registered in {cm}',
    ],
    ['请问{p}的停车收费标准是多少？', 'What are the parking charges at {p}?'],
    [
      '咨询公积金提取流程，多久能到账',
      'How do I withdraw housing provident fund, and how long does it take?',
    ],
  ],
  H02: [
    [
      '{cm}{n}号楼从{t}开始停水，没有通知，家里有老人',
      'Building {n}, {cm} has had no water since {t} without notice, there are elderly people at home',
    ],
    [
      '{p}附近家里老人独居，联系不上，请社区帮忙去看看',
      'An elderly relative living alone near {p} cannot be reached, please ask the community to check',
    ],
    [
      '{cm}电梯坏了{d}天，{n}楼的老人下不了楼',
      'The lift in {cm} has been broken for {d} days, an old person on floor {n} cannot get down',
    ],
    [
      '{cm}停电了，物业说不清什么时候来电',
      'Power cut in {cm}, the property company cannot say when it will be back',
    ],
  ],
  H03: [
    [
      '投诉{cm}物业不作为，楼道灯坏了{d}天没人修',
      'Complaint: the {cm} property company does nothing, the stairwell light has been out for {d} days',
    ],
    [
      '投诉{shop}乱收费，结账价格和标价不一样',
      'Complaint: {shop} overcharges, the bill differs from the price tags',
    ],
    [
      '{p}的问题反映了{n}次，一直没人处理，要求给个说法',
      'Reported the problem at {p} {n} times and nobody has handled it, I want an explanation',
    ],
    ['投诉{shop}态度差，拒绝退款', 'Complaint: {shop} staff are rude and refuse a refund'],
  ],
  H04: [
    ['举报{p}{shop}卖过期食品', 'Reporting {shop} at {p} for selling expired food'],
    [
      '举报{p}有人{nt}偷偷往河里倒东西',
      'Reporting someone secretly dumping things into the river at {p} at {nt}',
    ],
    ['举报{shop}拖欠工资{n}个月', 'Reporting {shop} for {n} months of unpaid wages'],
    ['举报{p}有人非法改装车辆，噪音很大', 'Reporting illegal car modification at {p}, very noisy'],
  ],
  H05: [
    ['建议在{p}增加一个公交站', 'Suggest adding a bus stop at {p}'],
    [
      '希望{p}能装个红绿灯，过马路太危险',
      'Hope a traffic light can be installed at {p}, crossing is too dangerous',
    ],
    ['建议{cm}附近多设几个电动车充电桩', 'Suggest more e-bike charging points near {cm}'],
    ['能不能在{p}多放几个分类垃圾桶', 'Could more sorting bins be placed at {p}?'],
  ],
};

const FALLBACK_TEMPLATES: readonly Tpl[] = [
  ['{p}有{cat}问题，请处理', 'Problem with {cat} at {p}, please deal with it'],
  ['反映{p}{cat}', 'Reporting {cat} at {p}'],
  ['{p}发现{cat}，已经{d}天了', '{cat} at {p}, for {d} days now'],
];

const PLATE_PROVINCES: readonly Syllable[] = [
  ['京', 'Jing'],
  ['津', 'Jin'],
  ['沪', 'Hu'],
  ['渝', 'Yu'],
  ['冀', 'Ji'],
  ['晋', 'Jin'],
  ['苏', 'Su'],
  ['浙', 'Zhe'],
  ['皖', 'Wan'],
  ['闽', 'Min'],
  ['赣', 'Gan'],
  ['鲁', 'Lu'],
  ['豫', 'Yu'],
  ['鄂', 'E'],
  ['湘', 'Xiang'],
  ['粤', 'Yue'],
  ['川', 'Chuan'],
];
const PLATE_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

/** A civil vehicle plate such as 苏E8K2M3 / Su E8K2M3: mostly digits, no I or O, as on real plates. */
function plateNumber(rng: Rng): BiText {
  const [pZh, pEn] = rng.pick(PLATE_PROVINCES);
  let tail = PLATE_LETTERS.charAt(rng.int(0, PLATE_LETTERS.length - 1));
  for (let i = 0; i < 5; i++) {
    tail += rng.chance(0.8)
      ? String(rng.int(0, 9))
      : PLATE_LETTERS.charAt(rng.int(0, PLATE_LETTERS.length - 1));
  }
  return { zh: pZh + tail, en: `${pEn} ${tail}` };
}

function clockTime(hour: number, late: boolean): BiText {
  const half = late && hour % 2 === 1;
  const h12 = hour % 12 === 0 ? 12 : hour % 12;
  const en = `${half ? 'half past ' : ''}${h12}${half ? '' : ':00'} ${hour < 12 ? 'a.m.' : 'p.m.'}`;
  let zhHour: string;
  if (hour < 6) zhHour = `凌晨${h12}点`;
  else if (hour < 11) zhHour = `早上${h12}点`;
  else if (hour < 13) zhHour = `中午${h12}点`;
  else if (hour < 19) zhHour = `下午${h12}点`;
  else zhHour = `晚上${h12}点`;
  return { zh: `${zhHour}${half ? '半' : ''}`, en };
}

type Slots = Readonly<Record<string, BiText>>;

function makeSlots(rng: Rng, place: BiText, category: CategoryRef): Slots {
  const num = (v: number): BiText => ({ zh: String(v), en: String(v) });
  return {
    p: place,
    cm: residentialCompoundName(rng),
    shop: organisationName(rng, 'shop'),
    plate: plateNumber(rng),
    n: num(rng.int(2, 9)),
    m: num(rng.int(1, 15)),
    k: num(rng.int(10, 80)),
    d: num(rng.int(2, 15)),
    t: clockTime(rng.int(6, 21), false),
    nt: clockTime(rng.pick([22, 23, 0, 1, 2, 3]), true),
    cat: {
      zh: category.nameZh ?? category.code,
      en: (category.nameEn ?? category.code).toLowerCase(),
    },
  };
}

function fill(template: string, slots: Slots, lang: 'zh' | 'en'): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => slots[key]?.[lang] ?? whole);
}

const OPENERS: Readonly<Record<ReportSource, readonly Tpl[]>> = {
  citizen: [
    ['', ''],
    ['', ''],
    ['你好，', 'Hello, '],
    ['您好，', 'Hello, '],
    ['反映个问题：', 'A problem to report: '],
    ['我要反映，', 'I want to report: '],
  ],
  grid_worker: [
    ['', ''],
    ['巡查发现：', 'Found on patrol: '],
    ['【巡查上报】', '[Patrol report] '],
    ['网格员上报：', 'Grid worker report: '],
  ],
  hotline: [
    ['市民来电反映：', 'Caller reports: '],
    ['来电人称：', 'Caller says: '],
    ['市民反映：', 'A resident reports: '],
  ],
};

const CLOSERS: Readonly<Record<ReportSource, readonly Tpl[]>> = {
  citizen: [
    ['', ''],
    ['', ''],
    ['请尽快处理！', 'Please deal with it ASAP!'],
    ['谢谢。', 'Thanks.'],
    ['已经好几天了，没人管。', 'It has been days and nobody cares.'],
    ['麻烦派人来看看', 'Please send someone to look'],
    ['多次反映了！！', 'Reported many times!!'],
    ['有图', 'Photo attached'],
  ],
  grid_worker: [
    ['', ''],
    ['已拍照。', 'Photo taken.'],
    ['请派遣处置。', 'Please dispatch.'],
    ['现场已设置提示。', 'Warning placed on site.'],
  ],
  hotline: [
    ['诉求：请相关部门尽快处理。', 'Request: the responsible department should deal with it quickly.'],
    ['希望尽快解决。', 'Wants it solved soon.'],
    ['要求回复处理结果。', 'Asks to be told the outcome.'],
    ['来电人情绪激动。', 'The caller was upset.'],
  ],
};

/** Chinese-only noise real reports have: ASCII commas, missing or doubled end punctuation, spaces. */
function noisyZh(rng: Rng, s: string): string {
  let out = s;
  if (rng.chance(0.25)) out = out.replace(/，/g, () => (rng.chance(0.5) ? ',' : ' '));
  if (rng.chance(0.2)) out = out.replace(/[。！]$/, '');
  if (rng.chance(0.1)) out = out.replace(/！?$/, '！！！');
  if (rng.chance(0.1)) out = out.replace(/(\d+)/, ' $1 ');
  return out;
}

function endZh(s: string): string {
  return /[，。！？!?]$/.test(s) ? s : `${s}，`;
}

function endEn(s: string): string {
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

/** Options for `reportText`; by default the source follows the category (12345 types → hotline). */
export interface ReportTextOptions {
  readonly source?: ReportSource;
}

/**
 * A short, noisy citizen or grid-worker report of a problem of `category` at `place`, in Chinese
 * with an English translation, like the text typed into a 12345 work order or a patrol app.
 */
export function reportText(
  rng: Rng,
  category: CategoryRef,
  place: BiText,
  options: ReportTextOptions = {},
): BiText {
  const isHotline = category.kind === 'hotline' || /^H\d{2}$/.test(category.code);
  const source: ReportSource =
    options.source ??
    (isHotline ? 'hotline' : rng.pick<ReportSource>(['citizen', 'citizen', 'grid_worker', 'hotline']));
  const templates = REPORT_TEMPLATES[category.code] ?? FALLBACK_TEMPLATES;
  const slots = makeSlots(rng, place, category);
  const [bodyZh, bodyEn] = rng.pick(templates);
  const [openZh, openEn] = rng.pick(OPENERS[source]);
  const [closeZh, closeEn] = rng.pick(CLOSERS[source]);
  const zhBody = fill(bodyZh, slots, 'zh');
  // After an opener the sentence continues, so a leading plain word loses its capital.
  const enBody = fill(openEn && /^[A-Z][a-z -]/.test(bodyEn) ? lowerFirst(bodyEn) : bodyEn, slots, 'en');
  const enMain = openEn + enBody;
  const zh = closeZh ? endZh(openZh + zhBody) + closeZh : openZh + zhBody;
  const en = closeEn ? `${endEn(enMain)} ${closeEn}` : enMain;
  return { zh: noisyZh(rng, zh), en: capitalise(en) };
}

// ---------------------------------------------------------------------------------------------
// Replies

const REPLY_TEMPLATES: Readonly<Record<ReplyStage, readonly Tpl[]>> = {
  dispatch: [
    [
      '请{dept}按时限处置（{cat}），处置标准：{close}。',
      'To {dept}: please handle within the deadline ({cat}). Standard: {close}.',
    ],
    [
      '派遣至{dept}，请于时限内处置并反馈。',
      'Dispatched to {dept}; handle and report back within the deadline.',
    ],
    [
      '该案卷属{dept}职责，请尽快安排处置。',
      'This case is within the remit of {dept}; please arrange handling promptly.',
    ],
  ],
  accept: [
    ['已接收，正在安排人员前往现场。', 'Received; staff are being sent to the site.'],
    ['收到，由{worker}负责跟进处置。', 'Received; {worker} will follow up.'],
    ['已签收，预计{t}前到场。', 'Accepted; expected on site before {t}.'],
  ],
  feedback: [
    ['经现场处置，{close}。附处置后照片。', 'Handled on site: {close}. Photo after handling attached.'],
    ['已安排{worker}等{n}人于{t}到场处理，{close}。', '{worker} and {n} staff attended at {t}: {close}.'],
    ['{dept}已处置完毕：{close}，请核查。', '{dept} has finished: {close}. Please verify.'],
  ],
  return: [
    [
      '经核实，该问题不属于{dept}职责范围，建议派至属地街道。',
      'On checking, this is outside the remit of {dept}; suggest dispatching to the local street office.',
    ],
    [
      '现场未发现所述问题，地址信息不详，请核实后重新派遣。',
      'The problem was not found on site and the address is unclear; please check and re-dispatch.',
    ],
    [
      '该位置属私人产权区域，应由物业负责，申请回退。',
      'This spot is private property and the property company is responsible; returning the case.',
    ],
  ],
  extension: [
    [
      '因需协调产权单位、采购材料，申请延期{d}个工作日。',
      'Requesting {d} more working days to coordinate with the owner and procure materials.',
    ],
    [
      '该问题涉及多个部门，处置难度大，申请延期{d}个工作日。',
      'Several departments are involved and handling is difficult; requesting {d} more working days.',
    ],
    [
      '受天气影响无法施工，申请延期{d}个工作日。',
      'Work is impossible in this weather; requesting {d} more working days.',
    ],
  ],
  verify_pass: [
    ['经现场核查，{close}，同意结案。', 'Verified on site: {close}. Case can be closed.'],
    [
      '{worker}于{t}现场核查，问题已解决，予以结案。',
      '{worker} checked on site at {t}: solved, case closed.',
    ],
  ],
  verify_fail: [
    [
      '现场核查问题仍存在，未达到结案条件，退回重新处置。',
      'On-site check: the problem persists and the closing criteria are not met; sent back for rework.',
    ],
    ['核查发现处置不彻底，要求：{close}。', 'Check found the job incomplete; required: {close}.'],
  ],
  callback: [
    ['已电话回访诉求人，对处理结果表示满意。', 'Called the requester back; satisfied with the outcome.'],
    ['回访诉求人，表示基本满意。', 'Called the requester back; basically satisfied.'],
    [
      '回访诉求人，表示不满意，认为问题未彻底解决。',
      'Called the requester back; not satisfied, feels the problem is not fully solved.',
    ],
    [
      '多次回访未接通，按规定视为已回访。',
      'Several call-back attempts unanswered; treated as called back under the rules.',
    ],
  ],
};

/** A handler's or department's note for a case of `category` at `stage`, in Chinese and English. */
export function replyText(rng: Rng, category: CategoryRef, stage: ReplyStage): BiText {
  const dept = category.department;
  const worker = personName(rng);
  const slots: Slots = {
    dept: { zh: dept?.nameZh ?? '相关部门', en: dept ? `the ${dept.nameEn}` : 'the responsible department' },
    cat: {
      zh: category.nameZh ?? category.code,
      en: lowerFirst(category.nameEn ?? category.code),
    },
    close: {
      zh: (category.closingCriteriaZh ?? '问题已处理完毕').replace(/[。]$/, ''),
      en: lowerFirst(category.closingCriteriaEn ?? 'the problem has been dealt with'),
    },
    worker: { zh: worker.zh, en: worker.en },
    n: same(String(rng.int(2, 6))),
    d: same(String(rng.int(2, 10))),
    t: clockTime(rng.int(8, 18), false),
  };
  const [zh, en] = rng.pick(REPLY_TEMPLATES[stage]);
  return { zh: fill(zh, slots, 'zh'), en: capitalise(fill(en, slots, 'en')) };
}
