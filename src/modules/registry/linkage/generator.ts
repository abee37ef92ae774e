/**
 * A seeded generator of person registries with known truth, FEBRL-style, for linkage tests and
 * benchmarks. Every row carries `entity_id` (the person it really is) and `source` (the
 * department file it came from); a person appears once or in several department files. The first
 * record of a person is clean; every further record gets each kind of noise independently with
 * the rate of `NoiseRates` (exclusive alternatives, like "wrong ID digit" and "no ID", share one
 * draw so each keeps its own rate). Chinese files: homophone given names (同音字), traditional
 * characters, GB 11643 numbers with one wrong digit, two digits transposed or an OCR letter, a
 * passport instead of the ID card, no ID at all (and floating population, registered by address
 * and phone only), swapped day/month, other date formats, phone typos and formats, an old
 * address, a partial address. English files: nicknames, typos, OCR confusions (rn/m, 0/O, 1/l …),
 * phonetic spellings, given name and surname swapped, missing values, moved addresses, Australian
 * phone formats and a driver-licence number with one wrong digit. Same seed ⇒ same file.
 */
import { createRng, type Rng } from '../../../lib/random.js';
import { idNumberCheckChar } from '../id-number.js';
import { hasTraditionalForm, toTraditional } from './hanzi-variants.js';
import { NICKNAMES } from './nicknames.js';

export type GeneratorLang = 'zh' | 'en';

/** Per further record of a person: the probability of each kind of noise. */
export interface NoiseRates {
  // zh names
  homophone: number;
  traditional: number;
  nameFormat: number;
  // identity numbers (zh: GB 11643; en: driver licence) — one draw, at most one of them
  idDigit: number;
  idTransposition: number;
  idOcr: number;
  passport: number;
  idMissing: number;
  // dates
  dateSwap: number;
  dateYear: number;
  dateDigit: number;
  dateFormat: number;
  dateMissing: number;
  // phones — one draw
  phoneTypo: number;
  phoneOther: number;
  phoneMissing: number;
  phoneFormat: number;
  // addresses
  moved: number;
  addressPartial: number;
  addressTypo: number;
  addressMissing: number;
  // en names
  nickname: number;
  givenTypo: number;
  surnameTypo: number;
  ocr: number;
  phonetic: number;
  nameSwap: number;
  givenMissing: number;
  streetNumberMissing: number;
  postcodeTypo: number;
  suburbTypo: number;
}
export type NoiseKind = keyof NoiseRates;

/**
 * The default noise: a further record carries about three faults on average, enough that exact
 * or single-field matching fails often (a third of the copies have no usable ID agreement).
 */
export const DEFAULT_NOISE: Readonly<NoiseRates> = {
  homophone: 0.2,
  traditional: 0.08,
  nameFormat: 0.05,
  idDigit: 0.12,
  idTransposition: 0.04,
  idOcr: 0.05,
  passport: 0.05,
  idMissing: 0.15,
  dateSwap: 0.1,
  dateYear: 0.03,
  dateDigit: 0.04,
  dateFormat: 0.3,
  dateMissing: 0.04,
  phoneTypo: 0.1,
  phoneOther: 0.12,
  phoneMissing: 0.12,
  phoneFormat: 0.25,
  moved: 0.25,
  addressPartial: 0.25,
  addressTypo: 0.08,
  addressMissing: 0.05,
  nickname: 0.2,
  givenTypo: 0.15,
  surnameTypo: 0.15,
  ocr: 0.08,
  phonetic: 0.08,
  nameSwap: 0.05,
  givenMissing: 0.03,
  streetNumberMissing: 0.08,
  postcodeTypo: 0.08,
  suburbTypo: 0.08,
};

export interface GeneratorOptions {
  rows: number;
  seed: number | string;
  lang: GeneratorLang;
  /** Share of people that appear in more than one department file (default 0.35). */
  duplicateRate?: number;
  /** Overrides of DEFAULT_NOISE (0 switches a kind off). */
  noise?: Partial<NoiseRates>;
  /** Share of Chinese people with no ID number in any file: floating population (default 0.05). */
  floatingRate?: number;
}

export interface GeneratedRegistry {
  columns: readonly string[];
  rows: Record<string, string>[];
  /** Records that are not the first of their person (the ones noise applies to). */
  duplicates: number;
  /** How often each kind of noise was applied. */
  applied: Record<NoiseKind, number>;
}

export const ZH_COLUMNS = [
  'record_id',
  'source',
  'name',
  'id_number',
  'birth_date',
  'phone',
  'address',
  'entity_id',
] as const;
export const EN_COLUMNS = [
  'record_id',
  'source',
  'given_name',
  'surname',
  'street_number',
  'address',
  'suburb',
  'postcode',
  'state',
  'date_of_birth',
  'phone',
  'licence_number',
  'entity_id',
] as const;

export const ZH_SOURCES = [
  'public_security',
  'civil_affairs',
  'health',
  'human_resources',
  'education',
  'housing',
] as const;
export const EN_SOURCES = [
  'births_deaths',
  'electoral_roll',
  'health',
  'transport',
  'housing',
  'schools',
] as const;

/** Surnames with their share of the population in percent (approximately the 2020 census). */
const ZH_SURNAMES: readonly (readonly [string, number])[] = [
  ['王', 7.1],
  ['李', 7.0],
  ['张', 6.7],
  ['刘', 5.4],
  ['陈', 4.5],
  ['杨', 3.1],
  ['黄', 2.1],
  ['赵', 2.0],
  ['吴', 1.8],
  ['周', 1.7],
  ['徐', 1.3],
  ['孙', 1.2],
  ['马', 1.2],
  ['朱', 1.1],
  ['胡', 1.0],
  ['郭', 0.97],
  ['何', 0.9],
  ['林', 0.87],
  ['高', 0.86],
  ['罗', 0.86],
  ['郑', 0.8],
  ['梁', 0.8],
  ['谢', 0.6],
  ['宋', 0.5],
  ['唐', 0.5],
  ['许', 0.5],
  ['韩', 0.45],
  ['冯', 0.45],
  ['邓', 0.44],
  ['曹', 0.42],
  ['彭', 0.4],
  ['肖', 0.39],
  ['田', 0.36],
  ['董', 0.35],
  ['潘', 0.33],
  ['袁', 0.33],
  ['蔡', 0.31],
  ['蒋', 0.31],
  ['余', 0.3],
  ['于', 0.3],
  ['杜', 0.29],
  ['叶', 0.29],
  ['程', 0.28],
  ['魏', 0.27],
  ['苏', 0.26],
  ['吕', 0.26],
  ['丁', 0.25],
  ['任', 0.25],
  ['欧阳', 0.05],
  ['司马', 0.02],
  ['诸葛', 0.01],
  ['上官', 0.01],
];

/** Given-name characters (weight) and characters read the same way (toneless pinyin). */
const ZH_GIVEN: readonly (readonly [string, number, readonly string[]])[] = [
  ['伟', 10, ['玮', '炜']],
  ['芳', 6, ['方']],
  ['静', 6, ['婧']],
  ['丽', 6, ['莉', '俐']],
  ['磊', 5, ['蕾']],
  ['军', 5, ['君']],
  ['洋', 5, ['阳']],
  ['勇', 5, ['永']],
  ['艳', 5, ['燕']],
  ['杰', 5, ['洁']],
  ['涛', 4, ['韬']],
  ['明', 4, ['铭']],
  ['超', 4, ['潮']],
  ['霞', 3, ['侠']],
  ['平', 3, ['萍']],
  ['刚', 3, ['钢']],
  ['辉', 3, ['晖']],
  ['建', 3, ['健']],
  ['文', 3, ['雯']],
  ['玲', 3, ['铃']],
  ['英', 3, ['瑛']],
  ['桂', 2, ['贵']],
  ['兰', 2, ['岚']],
  ['红', 3, ['虹']],
  ['欣', 2, ['芯']],
  ['宇', 2, ['雨']],
  ['浩', 2, ['昊']],
  ['婷', 2, ['亭']],
  ['鹏', 2, ['朋']],
  ['晨', 2, ['辰']],
  ['思', 1, ['丝']],
  ['秀', 3, ['琇']],
  ['国', 2, ['帼']],
  ['志', 2, ['智']],
  ['海', 2, ['亥']],
];

/** [area code, province prefix, city, districts] — valid GB 11643 area codes. */
const ZH_PLACES: readonly (readonly [string, string, string, readonly string[]])[] = [
  ['110105', '', '北京市', ['朝阳区', '海淀区', '东城区']],
  ['310115', '', '上海市', ['浦东新区', '徐汇区', '静安区']],
  ['440305', '广东省', '深圳市', ['南山区', '福田区', '宝安区']],
  ['440106', '广东省', '广州市', ['天河区', '越秀区', '海珠区']],
  ['330106', '浙江省', '杭州市', ['西湖区', '拱墅区', '滨江区']],
  ['510107', '四川省', '成都市', ['武侯区', '锦江区', '青羊区']],
  ['420106', '湖北省', '武汉市', ['武昌区', '江汉区', '洪山区']],
  ['320102', '江苏省', '南京市', ['玄武区', '鼓楼区', '秦淮区']],
];
const ZH_ROADS = [
  '人民路',
  '解放路',
  '中山路',
  '建设路',
  '和平路',
  '科技路',
  '文化路',
  '新华路',
  '长江路',
  '黄河路',
  '胜利街',
  '幸福大道',
];

const EN_GIVEN = [
  ...Object.keys(NICKNAMES),
  'olivia',
  'emily',
  'chloe',
  'grace',
  'lucy',
  'sarah',
  'emma',
  'hannah',
  'jack',
  'oliver',
  'liam',
  'noah',
  'ethan',
  'lachlan',
  'cooper',
  'ryan',
  'zoe',
  'mia',
  'ava',
  'ruby',
  'isabella',
  'harry',
];
const EN_SURNAMES = [
  'smith',
  'jones',
  'williams',
  'brown',
  'wilson',
  'taylor',
  'johnson',
  'white',
  'martin',
  'anderson',
  'thompson',
  'nguyen',
  'thomas',
  'walker',
  'harris',
  'lee',
  'ryan',
  'robinson',
  'kelly',
  'king',
  'davis',
  'wright',
  'evans',
  'roberts',
  'green',
  'hall',
  'wood',
  'jackson',
  'clarke',
  'patel',
  'khan',
  'lewis',
  'james',
  'phillips',
  'mitchell',
  'campbell',
  'murphy',
  "o'brien",
  'cooper',
  'young',
  'scott',
  'stewart',
  'morris',
  'bell',
  'murray',
  'hughes',
  'edwards',
  'turner',
  'collins',
  'baker',
];
const EN_STREETS = [
  'high',
  'church',
  'station',
  'victoria',
  'george',
  'king',
  'queen',
  'park',
  'elizabeth',
  'albert',
  'bridge',
  'main',
  'hill',
  'river',
  'mill',
  'lygon',
  'smith',
  'brunswick',
];
const EN_STREET_TYPES = ['street', 'road', 'avenue', 'lane', 'crescent', 'drive', 'place', 'parade'];
const EN_SUBURBS: readonly (readonly [string, string, string])[] = [
  ['carlton', '3053', 'vic'],
  ['fitzroy', '3065', 'vic'],
  ['brunswick', '3056', 'vic'],
  ['glebe', '2037', 'nsw'],
  ['newtown', '2042', 'nsw'],
  ['paddington', '2021', 'nsw'],
  ['parramatta', '2150', 'nsw'],
  ['toowong', '4066', 'qld'],
  ['fremantle', '6160', 'wa'],
  ['norwood', '5067', 'sa'],
  ['sandy bay', '7005', 'tas'],
  ['braddon', '2612', 'act'],
];
/** Latin letters and digits OCR confuses, both ways. */
const OCR_DIGIT: Readonly<Record<string, string>> = {
  '0': 'O',
  '1': 'l',
  '2': 'Z',
  '5': 'S',
  '6': 'G',
  '8': 'B',
};
const OCR_NAME: readonly (readonly [string, string])[] = [
  ['m', 'rn'],
  ['rn', 'm'],
  ['cl', 'd'],
  ['w', 'vv'],
  ['l', '1'],
  ['o', '0'],
  ['i', 'l'],
  ['e', 'c'],
  ['h', 'b'],
  ['s', '5'],
];
/** Spellings that sound alike (FEBRL's phonetic variants), tried in order. */
const PHONETIC: readonly (readonly [RegExp, string])[] = [
  [/ph/, 'f'],
  [/f/, 'ph'],
  [/ck/, 'k'],
  [/c(?=[aou])/, 'k'],
  [/k(?=[aou])/, 'c'],
  [/y$/, 'ie'],
  [/ie$/, 'y'],
  [/ee/, 'ea'],
  [/ou/, 'ow'],
  [/ai/, 'ay'],
  [/th/, 't'],
  [/([lmnst])\1/, '$1'],
  [/([lnt])(?=[aeiouy])/, '$1$1'],
  [/s$/, 'z'],
];
/** Keyboard neighbours for typos. */
const TYPO_NEIGHBOURS: Readonly<Record<string, string>> = {
  a: 'qs',
  e: 'wr',
  i: 'uo',
  o: 'ip',
  u: 'yi',
  n: 'bm',
  m: 'n',
  s: 'ad',
  r: 'et',
  t: 'ry',
  l: 'k',
  h: 'gj',
  c: 'xv',
  d: 'sf',
};
const EN_AREA_CODES: Readonly<Record<string, string>> = {
  vic: '03',
  tas: '03',
  nsw: '02',
  act: '02',
  qld: '07',
  wa: '08',
  sa: '08',
};

function weighted<T>(rng: Rng, items: readonly (readonly [T, number, ...unknown[]])[]): T {
  let total = 0;
  for (const it of items) total += it[1];
  let r = rng.next() * total;
  for (const it of items) {
    r -= it[1];
    if (r < 0) return it[0];
  }
  return (items[items.length - 1] as readonly [T, number])[0];
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Applies noise and counts it: `hit(kind)` is true with the kind's rate. */
class Noise {
  readonly applied: Record<NoiseKind, number>;
  constructor(
    private readonly rng: Rng,
    private readonly rates: NoiseRates,
  ) {
    this.applied = Object.fromEntries(Object.keys(rates).map((k) => [k, 0])) as Record<NoiseKind, number>;
  }
  hit(kind: NoiseKind): boolean {
    if (!this.rng.chance(this.rates[kind])) return false;
    this.applied[kind]++;
    return true;
  }
  /** One draw for exclusive alternatives: each is chosen with its own rate (rates summing ≤ 1). */
  oneOf<K extends NoiseKind>(kinds: readonly K[]): K | null {
    let r = this.rng.next();
    for (const k of kinds) {
      r -= this.rates[k];
      if (r < 0) {
        this.applied[k]++;
        return k;
      }
    }
    return null;
  }
}

function replaceDigit(rng: Rng, s: string, from: number, to: number): string {
  const i = rng.int(from, Math.min(to, s.length - 1));
  const old = Number(s.charAt(i));
  if (Number.isNaN(old)) return s;
  const digit = (old + rng.int(1, 9)) % 10;
  return s.slice(0, i) + String(digit) + s.slice(i + 1);
}

/** Two adjacent, different digits swapped (within [from, to]). */
function transposeDigits(rng: Rng, s: string, from: number, to: number): string {
  for (let attempt = 0; attempt < 8; attempt++) {
    const i = rng.int(from, to - 1);
    if (s.charAt(i) !== s.charAt(i + 1))
      return s.slice(0, i) + s.charAt(i + 1) + s.charAt(i) + s.slice(i + 2);
  }
  return replaceDigit(rng, s, from, to);
}

/** One digit read as the letter it looks like (0→O, 1→l, 8→B …). */
function ocrDigit(rng: Rng, s: string): string {
  const at = [...s].map((c, i) => [c, i] as const).filter(([c]) => OCR_DIGIT[c] !== undefined);
  if (at.length === 0) return s;
  const [c, i] = rng.pick(at);
  return s.slice(0, i) + (OCR_DIGIT[c] as string) + s.slice(i + 1);
}

function typo(rng: Rng, s: string): string {
  if (s.length < 2) return s;
  const i = rng.int(0, s.length - 1);
  const ch = s.charAt(i);
  switch (rng.int(0, 3)) {
    case 0: {
      const near = TYPO_NEIGHBOURS[ch];
      return s.slice(0, i) + (near ? rng.pick([...near]) : 'e') + s.slice(i + 1);
    }
    case 1:
      return s.slice(0, i) + s.slice(i + 1);
    case 2:
      return s.slice(0, i) + ch + s.slice(i);
    default: {
      const j = Math.min(i + 1, s.length - 1);
      if (j === i) return s.slice(0, i - 1) + s.charAt(i) + s.charAt(i - 1);
      return s.slice(0, i) + s.charAt(j) + ch + s.slice(j + 1);
    }
  }
}

function ocrName(rng: Rng, s: string): string {
  const options = OCR_NAME.filter(([from]) => s.includes(from));
  if (options.length === 0) return s;
  const [from, to] = rng.pick(options);
  const at: number[] = [];
  for (let i = s.indexOf(from); i >= 0; i = s.indexOf(from, i + 1)) at.push(i);
  const i = rng.pick(at);
  return s.slice(0, i) + to + s.slice(i + from.length);
}

function phoneticVariant(s: string): string {
  for (const [re, to] of PHONETIC) if (re.test(s)) return s.replace(re, to);
  return s;
}

interface Ymd {
  y: number;
  m: number;
  d: number;
}

/** The date's noise (swap, year, digit) and its written form (format noise picks another one). */
function noisyDate(rng: Rng, noise: Noise, date: Ymd, lang: GeneratorLang): string {
  if (noise.hit('dateMissing')) return '';
  let { y, m, d } = date;
  if (d <= 12 && d !== m && noise.hit('dateSwap')) [m, d] = [d, m];
  if (noise.hit('dateYear')) y += rng.chance(0.5) ? 1 : -1;
  if (noise.hit('dateDigit')) d = d >= 28 ? d - 1 : d % 10 === 9 ? d - 1 : d + 1;
  return formatDate(rng, { y, m, d }, lang, noise.hit('dateFormat'));
}

function formatDate(rng: Rng, { y, m, d }: Ymd, lang: GeneratorLang, other: boolean): string {
  const iso = `${y}-${pad(m)}-${pad(d)}`;
  if (!other) return iso;
  if (lang === 'en') return rng.chance(0.7) ? `${pad(d)}/${pad(m)}/${y}` : `${y}${pad(m)}${pad(d)}`;
  switch (rng.int(0, 2)) {
    case 0:
      return `${y}/${m}/${d}`;
    case 1:
      return `${y}${pad(m)}${pad(d)}`;
    default:
      return `${y}年${m}月${d}日`;
  }
}

/** Department sources for a person's `copies` records, all different while there are enough. */
function sourcesFor(rng: Rng, sources: readonly string[], copies: number): string[] {
  const order = [...sources];
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j] as string, order[i] as string];
  }
  return Array.from({ length: copies }, (_, c) => order[c % order.length] as string);
}

// ---------------------------------------------------------------------------------------------
// Chinese

interface ZhAddress {
  province: string;
  city: string;
  district: string;
  road: string;
  number: number;
  building: number;
  room: string;
}

interface ZhPerson {
  surname: string;
  given: string[];
  birth: Ymd;
  id: string;
  passport: string;
  floating: boolean;
  phone: string;
  address: ZhAddress;
  oldAddress: ZhAddress;
}

function zhAddress(rng: Rng): ZhAddress {
  const [, province, city, districts] = rng.pick(ZH_PLACES);
  return {
    province,
    city,
    district: rng.pick(districts),
    road: rng.pick(ZH_ROADS),
    number: rng.int(1, 300),
    building: rng.int(1, 30),
    room: `${rng.int(1, 25)}${pad(rng.int(1, 6))}`,
  };
}

function zhAddressText(a: ZhAddress, partial: boolean): string {
  const head = partial ? '' : `${a.province}${a.city}`;
  return `${head}${a.district}${a.road}${a.number}号${a.building}栋${a.room}室`;
}

function zhPhone(rng: Rng): string {
  return `1${rng.pick(['3', '5', '7', '8', '9'])}${rng.int(0, 9)}${pad(rng.int(0, 99999999), 8)}`;
}

function zhPerson(rng: Rng, floatingRate: number): ZhPerson {
  const surname = weighted(rng, ZH_SURNAMES);
  const given = [weighted(rng, ZH_GIVEN)];
  if (rng.chance(0.55)) given.push(weighted(rng, ZH_GIVEN));
  const birth = { y: rng.int(1940, 2008), m: rng.int(1, 12), d: rng.int(1, 28) };
  const area = rng.pick(ZH_PLACES)[0];
  const first17 = `${area}${birth.y}${pad(birth.m)}${pad(birth.d)}${pad(rng.int(1, 999), 3)}`;
  return {
    surname,
    given,
    birth,
    id: first17 + idNumberCheckChar(first17),
    passport: `E${pad(rng.int(0, 99999999), 8)}`,
    floating: rng.chance(floatingRate),
    phone: zhPhone(rng),
    address: zhAddress(rng),
    oldAddress: zhAddress(rng),
  };
}

function homophone(rng: Rng, given: readonly string[]): string[] {
  const out = [...given];
  const candidates = out.map((c, i) => [c, i] as const).filter(([c]) => ZH_GIVEN.some(([g]) => g === c));
  if (candidates.length === 0) return out;
  const [c, i] = rng.pick(candidates);
  const alts = ZH_GIVEN.find(([g]) => g === c)?.[2] ?? [];
  if (alts.length > 0) out[i] = rng.pick(alts);
  return out;
}

function zhPhoneText(rng: Rng, phone: string, other: boolean): string {
  if (!other) return phone;
  switch (rng.int(0, 2)) {
    case 0:
      return `+86 ${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`;
    case 1:
      return `${phone.slice(0, 3)}-${phone.slice(3, 7)}-${phone.slice(7)}`;
    default:
      return `0086${phone}`;
  }
}

function zhRecord(rng: Rng, noise: Noise, p: ZhPerson, first: boolean): Record<string, string> {
  let name = p.surname + p.given.join('');
  let id = p.floating ? '' : p.id;
  let birth = `${p.birth.y}-${pad(p.birth.m)}-${pad(p.birth.d)}`;
  let phone = p.phone;
  let address = zhAddressText(p.address, false);
  if (!first) {
    if (noise.hit('homophone')) name = p.surname + homophone(rng, p.given).join('');
    if (hasTraditionalForm(name) && noise.hit('traditional')) name = toTraditional(name);
    if (noise.hit('nameFormat')) name = `${name.slice(0, p.surname.length)} ${name.slice(p.surname.length)}`;
    if (!p.floating) {
      switch (noise.oneOf(['idDigit', 'idTransposition', 'idOcr', 'passport', 'idMissing'])) {
        case 'idDigit':
          id = replaceDigit(rng, p.id, 0, 16);
          break;
        case 'idTransposition':
          id = transposeDigits(rng, p.id, 0, 16);
          break;
        case 'idOcr':
          id = id.endsWith('X') && rng.chance(0.5) ? `${id.slice(0, 17)}x` : ocrDigit(rng, id);
          break;
        case 'passport':
          id = p.passport;
          break;
        case 'idMissing':
          id = '';
          break;
        default:
      }
    }
    birth = noisyDate(rng, noise, p.birth, 'zh');
    switch (noise.oneOf(['phoneTypo', 'phoneOther', 'phoneMissing'])) {
      case 'phoneTypo':
        phone = replaceDigit(rng, p.phone, 3, 10);
        break;
      case 'phoneOther':
        phone = zhPhone(rng);
        break;
      case 'phoneMissing':
        phone = '';
        break;
      default:
    }
    if (phone !== '') phone = zhPhoneText(rng, phone, noise.hit('phoneFormat'));
    const where = noise.hit('moved') ? p.oldAddress : p.address;
    address = zhAddressText(where, noise.hit('addressPartial'));
    if (noise.hit('addressTypo')) address = address.replace(/\d+(?=号)/, (n) => replaceDigit(rng, n, 0, 9));
    if (noise.hit('addressMissing')) address = '';
  } else if (p.floating && rng.chance(0.3)) {
    birth = '';
  }
  return { name, id_number: id, birth_date: birth, phone, address };
}

// ---------------------------------------------------------------------------------------------
// English

interface EnAddress {
  streetNumber: string;
  street: string;
  suburb: readonly [string, string, string];
}

interface EnPerson {
  given: string;
  surname: string;
  dob: Ymd;
  address: EnAddress;
  oldAddress: EnAddress;
  phone: string;
  licence: string;
}

function enAddress(rng: Rng): EnAddress {
  return {
    streetNumber: String(rng.int(1, 250)),
    street: `${rng.pick(EN_STREETS)} ${rng.pick(EN_STREET_TYPES)}`,
    suburb: rng.pick(EN_SUBURBS),
  };
}

function enPhone(rng: Rng, state: string): string {
  return rng.chance(0.6)
    ? `04${pad(rng.int(0, 99999999), 8)}`
    : `${EN_AREA_CODES[state] ?? '03'}${pad(rng.int(0, 99999999), 8)}`;
}

/** 0412345678 → `0412 345 678`, `+61 412 345 678`; 0393471234 → `(03) 9347 1234`, `+61 3 9347 1234`. */
function enPhoneText(rng: Rng, phone: string, other: boolean): string {
  if (!other) return phone;
  const mobile = phone.startsWith('04');
  const international = rng.chance(0.4);
  if (mobile)
    return international
      ? `+61 ${phone.slice(1, 4)} ${phone.slice(4, 7)} ${phone.slice(7)}`
      : `${phone.slice(0, 4)} ${phone.slice(4, 7)} ${phone.slice(7)}`;
  return international
    ? `+61 ${phone.slice(1, 2)} ${phone.slice(2, 6)} ${phone.slice(6)}`
    : `(${phone.slice(0, 2)}) ${phone.slice(2, 6)} ${phone.slice(6)}`;
}

function enPerson(rng: Rng): EnPerson {
  const address = enAddress(rng);
  return {
    given: rng.pick(EN_GIVEN),
    surname: rng.pick(EN_SURNAMES),
    dob: { y: rng.int(1940, 2008), m: rng.int(1, 12), d: rng.int(1, 28) },
    address,
    oldAddress: enAddress(rng),
    phone: enPhone(rng, address.suburb[2]),
    licence: rng.chance(0.75) ? String(rng.int(100000000, 999999999)) : '',
  };
}

function enRecord(rng: Rng, noise: Noise, p: EnPerson, first: boolean): Record<string, string> {
  let given = p.given;
  let surname = p.surname;
  let dob = `${p.dob.y}-${pad(p.dob.m)}-${pad(p.dob.d)}`;
  let { streetNumber, street, suburb } = p.address;
  let postcode: string = suburb[1];
  let suburbName: string = suburb[0];
  let phone = p.phone;
  let licence = p.licence;
  if (!first) {
    const nicks = NICKNAMES[p.given];
    if (nicks !== undefined && noise.hit('nickname')) given = rng.pick(nicks);
    if (noise.hit('givenTypo')) given = typo(rng, given);
    if (noise.hit('surnameTypo')) surname = typo(rng, surname);
    if (noise.hit('phonetic')) {
      if (rng.chance(0.5)) surname = phoneticVariant(surname);
      else given = phoneticVariant(given);
    }
    if (noise.hit('ocr')) {
      if (rng.chance(0.5)) surname = ocrName(rng, surname);
      else given = ocrName(rng, given);
    }
    if (noise.hit('nameSwap')) [given, surname] = [surname, given];
    if (noise.hit('givenMissing')) given = '';
    dob = noisyDate(rng, noise, p.dob, 'en');
    if (noise.hit('moved')) {
      ({ streetNumber, street, suburb } = p.oldAddress);
      postcode = suburb[1];
      suburbName = suburb[0];
    }
    if (noise.hit('addressMissing')) street = '';
    if (noise.hit('streetNumberMissing')) streetNumber = '';
    if (noise.hit('postcodeTypo'))
      postcode = rng.chance(0.5) ? replaceDigit(rng, postcode, 1, 3) : ocrDigit(rng, postcode);
    if (noise.hit('suburbTypo')) suburbName = typo(rng, suburbName);
    switch (noise.oneOf(['phoneTypo', 'phoneOther', 'phoneMissing'])) {
      case 'phoneTypo':
        phone = replaceDigit(rng, p.phone, 2, 9);
        break;
      case 'phoneOther':
        phone = enPhone(rng, suburb[2]);
        break;
      case 'phoneMissing':
        phone = '';
        break;
      default:
    }
    if (phone !== '') phone = enPhoneText(rng, phone, noise.hit('phoneFormat'));
    if (licence !== '') {
      switch (noise.oneOf(['idDigit', 'idTransposition', 'idMissing'])) {
        case 'idDigit':
          licence = replaceDigit(rng, licence, 0, 8);
          break;
        case 'idTransposition':
          licence = transposeDigits(rng, licence, 0, 8);
          break;
        case 'idMissing':
          licence = '';
          break;
        default:
      }
    }
  }
  return {
    given_name: given,
    surname,
    street_number: streetNumber,
    address: street,
    suburb: suburbName,
    postcode,
    state: suburb[2],
    date_of_birth: dob,
    phone,
    licence_number: licence,
  };
}

/** How many records a duplicated person has: 2 (half of them) up to 5. */
function copiesOf(rng: Rng): number {
  const r = rng.next();
  return r < 0.5 ? 2 : r < 0.8 ? 3 : r < 0.95 ? 4 : 5;
}

/** `rows` person records (exactly), shuffled; each person's records come from different departments. */
export function generateRegistry(options: GeneratorOptions): GeneratedRegistry {
  const rng = createRng(`linkage-generator:${options.lang}:${options.seed}`);
  const dupRate = options.duplicateRate ?? 0.35;
  const floatingRate = options.floatingRate ?? 0.05;
  const noise = new Noise(rng, { ...DEFAULT_NOISE, ...options.noise });
  const sources = options.lang === 'zh' ? ZH_SOURCES : EN_SOURCES;
  const rows: Record<string, string>[] = [];
  let entity = 0;
  let duplicates = 0;
  while (rows.length < options.rows) {
    entity++;
    const copies = rng.chance(dupRate) ? copiesOf(rng) : 1;
    const from = sourcesFor(rng, sources, copies);
    const zh = options.lang === 'zh' ? zhPerson(rng, floatingRate) : null;
    const en = zh === null ? enPerson(rng) : null;
    for (let c = 0; c < copies && rows.length < options.rows; c++) {
      const values = zh ? zhRecord(rng, noise, zh, c === 0) : enRecord(rng, noise, en as EnPerson, c === 0);
      if (c > 0) duplicates++;
      rows.push({ source: from[c] as string, ...values, entity_id: `E${entity}` });
    }
  }
  for (let i = rows.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [rows[i], rows[j]] = [rows[j] as Record<string, string>, rows[i] as Record<string, string>];
  }
  rows.forEach((r, i) => {
    r.record_id = `R${i + 1}`;
  });
  return {
    columns: options.lang === 'zh' ? ZH_COLUMNS : EN_COLUMNS,
    rows,
    duplicates,
    applied: noise.applied,
  };
}

/** The registry as CSV (header row, RFC 4180 quoting). */
export function registryCsv(reg: Pick<GeneratedRegistry, 'columns' | 'rows'>): string {
  const quote = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [reg.columns.join(',')];
  for (const r of reg.rows) lines.push(reg.columns.map((c) => quote(r[c] ?? '')).join(','));
  return `${lines.join('\n')}\n`;
}
