/**
 * Per-field comparison levels for record linkage (Fellegi–Sunter). Each field kind turns a raw
 * cell into a prepared value once (normalised text, pinyin, tokens, date parts), and compares two
 * prepared values into a LEVEL index: 0 = missing on either side, 1 = exact, then weaker levels
 * down to the last one, "else". The model (model.ts) learns one m and one u probability per
 * level; nothing here is a weight.
 */
import { pinyin } from 'pinyin-pro';
import jaroWinkler from 'talisman/metrics/jaro-winkler.js';
import soundex from 'talisman/phonetics/soundex.js';
import { isValidIdNumber } from '../../../kernel/demo-data/demo-content.js';
import { normaliseIdNumber } from '../id-number.js';
import { toSimplified } from './hanzi-variants.js';
import { formalName } from './nicknames.js';

export const FIELD_KINDS = [
  'name',
  'given_name',
  'surname',
  'date',
  'id_number',
  'phone',
  'address',
  'street_number',
  'postcode',
  'suburb',
  'state',
  'text',
] as const;
export type FieldKind = (typeof FIELD_KINDS)[number];

export function isFieldKind(s: string): s is FieldKind {
  return (FIELD_KINDS as readonly string[]).includes(s);
}

/** A cell prepared for comparison; `null` stands for a missing value. */
export interface Prepared {
  /** The normalised value (exact comparisons use it). */
  v: string;
  /** A phonetic key: toneless pinyin for Chinese, Soundex for Latin names. */
  sound?: string;
  /** Address tokens (set semantics). */
  tokens?: readonly string[];
  /** Date parts, when the value parsed as a date. */
  date?: { y: number; m: number; d: number };
  /** id_number: the number is a valid GB 11643 identity number. */
  valid?: boolean;
}

/** The level labels of each kind, index = level (0 is always "null"). */
export const LEVELS: Readonly<Record<FieldKind, readonly string[]>> = {
  name: ['null', 'exact', 'same sound', 'jaro-winkler >= 0.92', 'jaro-winkler >= 0.8', 'else'],
  given_name: ['null', 'exact', 'same sound', 'jaro-winkler >= 0.92', 'jaro-winkler >= 0.8', 'else'],
  surname: ['null', 'exact', 'same sound', 'jaro-winkler >= 0.92', 'jaro-winkler >= 0.8', 'else'],
  date: ['null', 'exact', 'day/month swapped', '±1 year, same day', 'one digit differs', 'else'],
  id_number: ['null', 'exact', 'one edit (substitution or adjacent transposition)', 'else'],
  phone: ['null', 'exact', 'last 8 digits equal', 'one edit', 'else'],
  address: ['null', 'same tokens', 'jaccard >= 0.7', 'jaccard >= 0.4', 'else'],
  street_number: ['null', 'exact', 'else'],
  postcode: ['null', 'exact', 'one edit', 'else'],
  suburb: ['null', 'exact', 'jaro-winkler >= 0.9', 'else'],
  state: ['null', 'exact', 'else'],
  text: ['null', 'exact', 'jaro-winkler >= 0.9', 'jaro-winkler >= 0.7', 'else'],
};

const HAN = /\p{Script=Han}/u;
const COMPAT = /[^\t\n\r\u0020-\u007e\u4e00-\u9fff]/u;

/** Full-width → half-width, lower case, inner whitespace collapsed, traditional Han → simplified. */
export function normaliseText(raw: string): string {
  // NFKC only where it can change something: Han ideographs and ASCII are stable under it.
  const s = (COMPAT.test(raw) ? raw.normalize('NFKC') : raw).toLowerCase().replace(/\s+/g, ' ').trim();
  return HAN.test(s) ? toSimplified(s) : s;
}

/** Letters OCR reads for digits (and the other way round in names): folded before comparing. */
const OCR_TO_DIGIT: Readonly<Record<string, string>> = {
  o: '0',
  l: '1',
  i: '1',
  z: '2',
  s: '5',
  g: '6',
  b: '8',
};
const OCR_TO_LETTER: Readonly<Record<string, string>> = { '0': 'o', '1': 'l', '3': 'e', '5': 's', '8': 'b' };

/** A digit string read with OCR letters (`44O3O5` → `440305`); letters without a digit twin stay. */
export function foldOcrDigits(s: string): string {
  return s.toLowerCase().replace(/[olizsgb]/g, (c) => OCR_TO_DIGIT[c] ?? c);
}

/** Shapes OCR and handwriting confuse in Latin names, folded for the phonetic key only. */
function foldOcrName(s: string): string {
  return s.replace(/rn/g, 'm').replace(/vv/g, 'w').replace(/cl/g, 'd');
}

/** Toneless pinyin without separators (`王伟` → `wangwei`), or null when there is no Han character. */
export function pinyinKey(s: string): string | null {
  if (!HAN.test(s)) return null;
  return pinyin(s, { toneType: 'none', type: 'array' }).join('').toLowerCase();
}

/** The phonetic key of a name: pinyin for Chinese, Soundex of each word for Latin script. */
export function soundKey(s: string): string {
  const py = pinyinKey(s);
  if (py !== null) return py;
  const words = s
    .replace(/[^a-z ]/g, ' ')
    .split(' ')
    .filter(Boolean);
  return words.map((w) => soundex(foldOcrName(w))).join(' ');
}

// 省/市/区/街道 … are boilerplate: `南山区` and `南山` are the same token. Longest suffix first.
const ZH_SUFFIXES = [
  '特别行政区',
  '自治区',
  '自治州',
  '街道',
  '社区',
  '小区',
  '大道',
  '号楼',
  '单元',
  '省',
  '市',
  '区',
  '县',
  '镇',
  '乡',
  '村',
  '路',
  '街',
  '巷',
  '弄',
  '栋',
  '幢',
  '号',
  '室',
  '层',
  '楼',
];
const ZH_TOKEN = new RegExp(`\\d+|\\D+?(?:${ZH_SUFFIXES.join('|')})|\\D+?(?=\\d|$)`, 'gu');
const EN_ABBREVIATIONS: Readonly<Record<string, string>> = {
  street: 'st',
  road: 'rd',
  avenue: 'ave',
  av: 'ave',
  drive: 'dr',
  place: 'pl',
  court: 'ct',
  crescent: 'cres',
  lane: 'ln',
  terrace: 'tce',
  highway: 'hwy',
  parade: 'pde',
  close: 'cl',
  unit: '',
  flat: '',
  apartment: '',
};

/** Address tokens, order-independent: numbers, place names without their 省/市/区/路/号 suffix. */
export function addressTokens(raw: string): string[] {
  return tokensOf(normaliseText(raw));
}

function tokensOf(s: string): string[] {
  const out = new Set<string>();
  if (HAN.test(s)) {
    const chunks = s.split(/[\s,，、;；]+/u).filter(Boolean);
    for (const m of chunks.flatMap((c) => [...c.matchAll(ZH_TOKEN)])) {
      let t = m[0];
      if (/^\d+$/.test(t)) {
        out.add(String(Number(t)));
        continue;
      }
      for (const suffix of ZH_SUFFIXES) {
        if (t.length > suffix.length && t.endsWith(suffix)) {
          t = t.slice(0, -suffix.length);
          break;
        }
      }
      if (t !== '' && !ZH_SUFFIXES.includes(t)) out.add(t);
    }
  } else {
    for (const w of s.split(/[^\p{L}\p{N}]+/u)) {
      if (w === '') continue;
      const t = /^\d+$/.test(w) ? String(Number(w)) : (EN_ABBREVIATIONS[w] ?? w);
      if (t !== '') out.add(t);
    }
  }
  return [...out].sort();
}

/** `1985-03-07`, `1985/3/7`, `19850307`, `1985年3月7日`, or day first `07/03/1985` (never month first). */
function parseDate(s: string): { y: number; m: number; d: number } | undefined {
  const ymd = /^(\d{4})(?:[-/.年]?)(\d{1,2})(?:[-/.月]?)(\d{1,2})日?$/.exec(s);
  const dmy = ymd ? null : /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(s);
  if (!ymd && !dmy) return undefined;
  const y = Number(ymd ? ymd[1] : dmy?.[3]);
  const mo = Number(ymd ? ymd[2] : dmy?.[2]);
  const d = Number(ymd ? ymd[3] : dmy?.[1]);
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
  return { y, m: mo, d };
}

const ID_AS_OF = new Date(Date.UTC(2100, 0, 1));

/** Digits of a phone number (OCR letters folded) without the +86 / 0086 or +61 country prefix. */
export function phoneDigits(raw: string): string {
  const d = foldOcrDigits(raw).replace(/\D/g, '');
  return d.replace(/^(?:0086|86)(?=1\d{10}$)/, '').replace(/^(?:0061|61)(?=[2-478]\d{8}$)/, '0');
}

/** An identity number normalised, with OCR letters folded when that makes it a GB 11643 shape. */
function idNumberOf(raw: string): string {
  const v = normaliseIdNumber(raw);
  if (v.length !== 18 || /^\d{17}[\dX]$/.test(v)) return v;
  const folded = foldOcrDigits(v.slice(0, 17)).toUpperCase() + v.charAt(17);
  return /^\d{17}[\dX]$/.test(folded) ? folded : v;
}

/** Prepares one cell of a field of `kind`; null for a missing or blank value. */
export function prepare(kind: FieldKind, raw: string | undefined): Prepared | null {
  if (raw === undefined) return null;
  const s = normaliseText(raw);
  if (s === '') return null;
  switch (kind) {
    case 'name':
    case 'given_name':
    case 'surname': {
      const v = HAN.test(s)
        ? s.replace(/[\s·•.]/g, '')
        : s
            .replace(/[01358]/g, (c) => OCR_TO_LETTER[c] ?? c)
            .replace(/[^\p{L} '-]/gu, '')
            .trim();
      if (v === '') return null;
      // A nickname sounds like its formal name (Bill ~ William); pinyin and Soundex otherwise.
      return { v, sound: soundKey(kind === 'given_name' ? formalName(v) : v) };
    }
    case 'date': {
      const date = parseDate(s);
      if (!date) return { v: s };
      return { v: `${date.y}-${date.m}-${date.d}`, date };
    }
    case 'id_number': {
      const v = idNumberOf(raw);
      return { v, valid: isValidIdNumber(v, ID_AS_OF) };
    }
    case 'phone': {
      const v = phoneDigits(s);
      return v === '' ? null : { v };
    }
    case 'address': {
      const tokens = tokensOf(s);
      return tokens.length === 0 ? null : { v: tokens.join(' '), tokens };
    }
    case 'street_number':
    case 'postcode': {
      // OCR letters in a number (`3O53`) fold; a postcode with real letters (`SW1A 1AA`) stays.
      const v = s.replace(/\s+/g, '');
      const folded = foldOcrDigits(v);
      return { v: /^\d+$/.test(folded) ? folded : v };
    }
    default:
      return { v: s };
  }
}

/** Jaccard similarity of two sorted, duplicate-free token lists (a merge, no sets). */
function jaccard(a: readonly string[], b: readonly string[]): number {
  let i = 0;
  let j = 0;
  let inter = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as string;
    const y = b[j] as string;
    if (x === y) {
      inter++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  const union = a.length + b.length - inter;
  return union === 0 ? 1 : inter / union;
}

/**
 * Damerau–Levenshtein distance ≤ 1 (one substitution, insertion, deletion or adjacent
 * transposition) in one pass; the full metric (talisman) is only needed for larger distances.
 */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (la === lb) {
    // substitution at i, or transposition of i and i+1
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return (
      a.charAt(i) === b.charAt(i + 1) && a.charAt(i + 1) === b.charAt(i) && a.slice(i + 2) === b.slice(i + 2)
    );
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** Jaro-Winkler made symmetric (talisman's boost uses the first argument's length only in ties). */
function jw(a: string, b: string): number {
  return a <= b ? jaroWinkler(a, b) : jaroWinkler(b, a);
}

/** The comparison level of two prepared values of `kind` (see LEVELS for the labels). */
export function compareLevel(kind: FieldKind, a: Prepared | null, b: Prepared | null): number {
  if (a === null || b === null) return 0;
  switch (kind) {
    case 'name':
    case 'given_name':
    case 'surname': {
      if (a.v === b.v) return 1;
      if (a.sound !== undefined && a.sound !== '' && a.sound === b.sound) return 2;
      const s = jw(a.v, b.v);
      return s >= 0.92 ? 3 : s >= 0.8 ? 4 : 5;
    }
    case 'date': {
      if (a.v === b.v) return 1;
      const x = a.date;
      const y = b.date;
      if (!x || !y) return withinOneEdit(a.v, b.v) ? 4 : 5;
      if (x.y === y.y && x.m === y.d && x.d === y.m) return 2;
      if (Math.abs(x.y - y.y) === 1 && x.m === y.m && x.d === y.d) return 3;
      const dx = `${x.y}${String(x.m).padStart(2, '0')}${String(x.d).padStart(2, '0')}`;
      const dy = `${y.y}${String(y.m).padStart(2, '0')}${String(y.d).padStart(2, '0')}`;
      return withinOneEdit(dx, dy) ? 4 : 5;
    }
    case 'id_number':
      if (a.v === b.v) return 1;
      return withinOneEdit(a.v, b.v) ? 2 : 3;
    case 'phone': {
      if (a.v === b.v) return 1;
      if (a.v.length >= 8 && b.v.length >= 8 && a.v.slice(-8) === b.v.slice(-8)) return 2;
      return withinOneEdit(a.v, b.v) ? 3 : 4;
    }
    case 'address': {
      const j = jaccard(a.tokens ?? [], b.tokens ?? []);
      return j === 1 ? 1 : j >= 0.7 ? 2 : j >= 0.4 ? 3 : 4;
    }
    case 'street_number':
    case 'state':
      return a.v === b.v ? 1 : 2;
    case 'postcode':
      if (a.v === b.v) return 1;
      return withinOneEdit(a.v, b.v) ? 2 : 3;
    case 'suburb':
      if (a.v === b.v) return 1;
      return jw(a.v, b.v) >= 0.9 ? 2 : 3;
    case 'text': {
      if (a.v === b.v) return 1;
      const s = jw(a.v, b.v);
      return s >= 0.9 ? 2 : s >= 0.7 ? 3 : 4;
    }
  }
}
