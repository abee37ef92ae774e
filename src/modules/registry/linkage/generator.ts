/**
 * A seeded generator of person registries with known truth, for linkage tests and benchmarks.
 * Every row carries `entity_id`, the person it really is. Duplicates get FEBRL-style noise: for
 * Chinese files a wrong ID digit, a missing ID, a homophone name (same pinyin, other character),
 * day and month swapped, a moved address, a phone typo; for English files typos, nicknames,
 * missing values, swapped dates and moved addresses. Same seed ⇒ same file.
 */
import { createRng, type Rng } from '../../../lib/random.js';
import { idNumberCheckChar } from '../id-number.js';
import { NICKNAMES } from './nicknames.js';

export type GeneratorLang = 'zh' | 'en';

export interface GeneratorOptions {
  rows: number;
  seed: number | string;
  lang: GeneratorLang;
  /** Share of people that appear more than once (default 0.3). */
  duplicateRate?: number;
}

export interface GeneratedRegistry {
  columns: readonly string[];
  rows: Record<string, string>[];
}

export const ZH_COLUMNS = [
  'record_id',
  'name',
  'id_number',
  'birth_date',
  'phone',
  'address',
  'entity_id',
] as const;
export const EN_COLUMNS = [
  'record_id',
  'given_name',
  'surname',
  'street_number',
  'address',
  'suburb',
  'postcode',
  'state',
  'date_of_birth',
  'entity_id',
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
/** Characters OCR and keyboards confuse. */
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

interface ZhPerson {
  surname: string;
  given: string[];
  birth: { y: number; m: number; d: number };
  id: string;
  phone: string;
  address: string;
}

function zhAddress(rng: Rng): string {
  const [, province, city, districts] = rng.pick(ZH_PLACES);
  return `${province}${city}${rng.pick(districts)}${rng.pick(ZH_ROADS)}${rng.int(1, 300)}号${rng.int(1, 30)}栋${rng.int(1, 25)}${pad(rng.int(1, 6))}室`;
}

function zhPerson(rng: Rng): ZhPerson {
  const surname = weighted(rng, ZH_SURNAMES);
  const given = [weighted(rng, ZH_GIVEN)];
  if (rng.chance(0.55)) given.push(weighted(rng, ZH_GIVEN));
  const birth = { y: rng.int(1940, 2008), m: rng.int(1, 12), d: rng.int(1, 28) };
  const area = rng.pick(ZH_PLACES)[0];
  const first17 = `${area}${birth.y}${pad(birth.m)}${pad(birth.d)}${pad(rng.int(1, 999), 3)}`;
  const phone = `1${rng.pick(['3', '5', '7', '8', '9'])}${rng.int(0, 9)}${pad(rng.int(0, 99999999), 8)}`;
  return { surname, given, birth, id: first17 + idNumberCheckChar(first17), phone, address: zhAddress(rng) };
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

function replaceDigit(rng: Rng, s: string, from: number, to: number): string {
  const i = rng.int(from, to);
  const old = Number(s.charAt(i));
  const digit = (old + rng.int(1, 9)) % 10;
  return s.slice(0, i) + String(digit) + s.slice(i + 1);
}

function zhRows(rng: Rng, p: ZhPerson, copies: number): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (let c = 0; c < copies; c++) {
    let given = p.given;
    let birth = p.birth;
    let id = p.id;
    let phone = p.phone;
    let address = p.address;
    if (c > 0) {
      let noisy = false;
      const hit = (p: number): boolean => {
        const yes = rng.chance(p);
        if (yes) noisy = true;
        return yes;
      };
      while (!noisy) {
        const wrongId = hit(0.2);
        const noId = !wrongId && hit(0.2);
        if (wrongId) id = replaceDigit(rng, p.id, 0, 16);
        if (noId) id = '';
        if (hit(0.25)) given = homophone(rng, p.given);
        if (birth.d <= 12 && birth.d !== birth.m && hit(0.1)) birth = { y: birth.y, m: birth.d, d: birth.m };
        if (hit(0.25)) address = zhAddress(rng);
        const phoneTypo = hit(0.15);
        const noPhone = !phoneTypo && hit(0.1);
        if (phoneTypo) phone = replaceDigit(rng, p.phone, 3, 10);
        if (noPhone) phone = '';
      }
    }
    out.push({
      name: p.surname + given.join(''),
      id_number: id,
      birth_date: `${birth.y}-${pad(birth.m)}-${pad(birth.d)}`,
      phone,
      address,
    });
  }
  return out;
}

interface EnPerson {
  given: string;
  surname: string;
  streetNumber: string;
  address: string;
  suburb: readonly [string, string, string];
  dob: { y: number; m: number; d: number };
}

function enAddress(rng: Rng): Pick<EnPerson, 'streetNumber' | 'address' | 'suburb'> {
  return {
    streetNumber: String(rng.int(1, 250)),
    address: `${rng.pick(EN_STREETS)} ${rng.pick(EN_STREET_TYPES)}`,
    suburb: rng.pick(EN_SUBURBS),
  };
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

function enRows(rng: Rng, p: EnPerson, copies: number): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (let c = 0; c < copies; c++) {
    let { given, surname, streetNumber, address, suburb, dob } = p;
    let postcode: string = suburb[1];
    if (c > 0) {
      let noisy = false;
      const hit = (p: number): boolean => {
        const yes = rng.chance(p);
        if (yes) noisy = true;
        return yes;
      };
      while (!noisy) {
        const nicks = NICKNAMES[p.given];
        const nickname = nicks !== undefined && hit(0.2);
        const givenTypo = !nickname && hit(0.2);
        if (nickname && nicks) given = rng.pick(nicks);
        if (givenTypo) given = typo(rng, given);
        if (hit(0.2)) surname = typo(rng, surname);
        if (dob.d <= 12 && dob.d !== dob.m && hit(0.08)) dob = { y: dob.y, m: dob.d, d: dob.m };
        if (hit(0.2)) {
          ({ streetNumber, address, suburb } = enAddress(rng));
          postcode = suburb[1];
        }
        if (hit(0.1)) postcode = typo(rng, postcode);
        if (hit(0.1)) streetNumber = '';
      }
    }
    out.push({
      given_name: given,
      surname,
      street_number: streetNumber,
      address,
      suburb: suburb[0],
      postcode,
      state: suburb[2],
      date_of_birth: `${dob.y}-${pad(dob.m)}-${pad(dob.d)}`,
    });
  }
  return out;
}

/** `rows` person records (exactly), originals followed by their noisy duplicates, shuffled. */
export function generateRegistry(options: GeneratorOptions): GeneratedRegistry {
  const rng = createRng(`linkage-generator:${options.lang}:${options.seed}`);
  const dupRate = options.duplicateRate ?? 0.3;
  const rows: Record<string, string>[] = [];
  let entity = 0;
  while (rows.length < options.rows) {
    entity++;
    const copies = rng.chance(dupRate) ? rng.int(2, 4) : 1;
    const made =
      options.lang === 'zh'
        ? zhRows(rng, zhPerson(rng), copies)
        : enRows(
            rng,
            {
              given: rng.pick(EN_GIVEN),
              surname: rng.pick(EN_SURNAMES),
              ...enAddress(rng),
              dob: { y: rng.int(1940, 2008), m: rng.int(1, 12), d: rng.int(1, 28) },
            },
            copies,
          );
    for (const r of made) rows.push({ ...r, entity_id: `E${entity}` });
  }
  rows.length = options.rows;
  for (let i = rows.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [rows[i], rows[j]] = [rows[j] as Record<string, string>, rows[i] as Record<string, string>];
  }
  rows.forEach((r, i) => {
    r.record_id = `R${i + 1}`;
  });
  return { columns: options.lang === 'zh' ? ZH_COLUMNS : EN_COLUMNS, rows };
}

/** The registry as CSV (header row, RFC 4180 quoting). */
export function registryCsv(reg: GeneratedRegistry): string {
  const quote = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [reg.columns.join(',')];
  for (const r of reg.rows) lines.push(reg.columns.map((c) => quote(r[c] ?? '')).join(','));
  return `${lines.join('\n')}\n`;
}
