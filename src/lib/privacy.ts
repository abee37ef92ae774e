/**
 * Personal data protection primitives (PIPL Art. 51, GB/T 35273 §7.2/7.6): field encryption at
 * rest, keyed hashes for exact lookup without decryption, and masking for display. Every module
 * that stores or shows names, phones, ID numbers or addresses of people uses these, nothing else.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

/** The keys a FieldCipher derives, as handed to a worker thread of the same process (never stored or logged). */
export interface FieldCipherKeys {
  encKey: Uint8Array;
  macKey: Uint8Array;
}

/** IVs drawn per randomBytes call: one system call per 1,024 encryptions instead of one each. */
const IV_POOL = 12 * 1024;

/** Encrypts and hashes personal fields with keys derived from the configured DATA_KEY. */
export class FieldCipher {
  private readonly encKey: Buffer;
  private readonly macKey: Buffer;
  private ivs = Buffer.alloc(0);
  private ivAt = 0;

  /** From the DATA_KEY, or from keys another thread's cipher exported (`keys()`). */
  constructor(dataKey: string | FieldCipherKeys) {
    if (typeof dataKey !== 'string') {
      this.encKey = Buffer.from(dataKey.encKey);
      this.macKey = Buffer.from(dataKey.macKey);
      return;
    }
    const ikm = Buffer.from(dataKey, 'utf8');
    this.encKey = Buffer.from(hkdfSync('sha256', ikm, 'civicgrid', 'field-encryption-v1', 32));
    this.macKey = Buffer.from(hkdfSync('sha256', ikm, 'civicgrid', 'lookup-hash-v1', 32));
  }

  /** The derived keys, so a worker thread (bulk imports) can seal exactly as this cipher does. */
  keys(): FieldCipherKeys {
    return { encKey: new Uint8Array(this.encKey), macKey: new Uint8Array(this.macKey) };
  }

  /** AES-256-GCM; output `v1.<base64url(iv | tag | ciphertext)>`. A fresh random IV every call. */
  encrypt(plain: string): string {
    if (this.ivAt + 12 > this.ivs.length) {
      this.ivs = randomBytes(IV_POOL);
      this.ivAt = 0;
    }
    const iv = this.ivs.subarray(this.ivAt, this.ivAt + 12);
    this.ivAt += 12;
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `v1.${Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64url')}`;
  }

  /** Decrypts what encrypt() produced; throws if the value was tampered with or the key is wrong. */
  decrypt(sealed: string): string {
    if (!sealed.startsWith('v1.')) throw new Error('unknown field encryption format');
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }

  /** HMAC-SHA256 of a normalised value: equal inputs give equal hashes, so ID numbers can be matched. */
  lookupHash(value: string): string {
    return createHmac('sha256', this.macKey).update(value.trim().toUpperCase()).digest('hex');
  }

  /** Constant-time comparison of two lookup hashes. */
  static sameHash(a: string, b: string): boolean {
    const ba = Buffer.from(a, 'hex');
    const bb = Buffer.from(b, 'hex');
    return ba.length === bb.length && timingSafeEqual(ba, bb);
  }
}

/**
 * One spelling per phone, so its lookup hash matches however it was typed: strips spaces,
 * brackets and a +86 prefix (`+86 138 1234 5678` → `13812345678`).
 */
export function normalisePhone(raw: string): string {
  return raw.replace(/[\s()（）]/g, '').replace(/^\+?86-?/, '');
}

/** `13812345678` → `138****5678`; shorter numbers keep only their last 2 digits. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\s|-/g, '');
  if (digits.length >= 11) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  if (digits.length <= 2) return '*'.repeat(digits.length);
  return `${'*'.repeat(digits.length - 2)}${digits.slice(-2)}`;
}

/** ID numbers show only their first and last characters: `1****************X`. */
export function maskIdNumber(id: string): string {
  if (id.length <= 2) return '*'.repeat(id.length);
  return `${id[0]}${'*'.repeat(id.length - 2)}${id[id.length - 1]}`;
}

const COMPOUND_SURNAMES = [
  '欧阳',
  '司马',
  '上官',
  '诸葛',
  '东方',
  '皇甫',
  '令狐',
  '慕容',
  '尉迟',
  '长孙',
  '宇文',
  '司徒',
  '夏侯',
  '公孙',
];

/** Names show the surname only: `张三丰` → `张**`, `Li Wei` → `Li *`. */
export function maskName(name: string): string {
  const n = name.trim();
  if (n === '') return '';
  if (/^[\u3400-\u9fff·]+$/u.test(n)) {
    const surname = COMPOUND_SURNAMES.find((s) => n.startsWith(s) && n.length > s.length) ?? n.slice(0, 1);
    return surname + '*'.repeat(Math.max(1, [...n].length - [...surname].length));
  }
  const [first = ''] = n.split(/\s+/);
  return `${first} *`;
}

/**
 * Addresses of people keep the road and number (up to the first 号/弄) or, failing that, their
 * first half, and hide the building/room: `滨江路12号3幢402室` → `滨江路12号****`.
 */
export function maskAddress(address: string): string {
  const chars = [...address.trim()];
  const marker = chars.findIndex((c) => c === '号' || c === '弄');
  const keep =
    marker > 0 && marker < chars.length - 1 ? marker + 1 : Math.min(Math.ceil(chars.length / 2), 8);
  return `${chars.slice(0, keep).join('')}****`;
}

/**
 * Version of the detector below: stored with each case's redacted search copy, so copies written
 * by an older detector are rewritten (CaseRepository.redactPending). Bump it when PII_FORMATS or
 * the grouping rules change.
 */
export const REDACTION_VERSION = 2;

/** The kind of personal number a format recognises (what a response scan reports). */
export type PiiKind = 'phone' | 'idNumber';

/** One number as a test would write it: a prefix (country code) and the digits of the number. */
export interface PiiSample {
  /** Written before the digits and kept, e.g. `+86 ` (empty for most formats). */
  prefix: string;
  /** The number itself (ASCII digits, an ID number's check character `X`). */
  digits: string;
  /** How many leading and trailing characters of `digits` the mask keeps. */
  keepHead: number;
  keepTail: number;
}

/**
 * One written format of a personal number. The detector joins digit groups separated by spaces,
 * line breaks, dashes, dots or brackets, and offers each run of groups to the formats in order;
 * the first whose recogniser accepts the digits masks them, keeping what `keep` says.
 */
export interface PiiFormat {
  name: string;
  kind: PiiKind;
  /** Accepts the joined digits (ASCII, `X` for a check character) of a run of digit groups. */
  recognise: (digits: string) => { keepHead: number; keepTail: number } | null;
  /** A random number in this format, for property tests (int(lo, hi) draws an integer). */
  generate: (int: (lo: number, hi: number) => number) => PiiSample;
}

const digitString = (int: (lo: number, hi: number) => number, n: number) =>
  Array.from({ length: n }, () => String(int(0, 9))).join('');
const pad = (n: number, w: number) => String(n).padStart(w, '0');
const mobile = (int: (lo: number, hi: number) => number) => `1${int(3, 9)}${digitString(int, 9)}`;
/** A valid birth date YYYYMMDD (or YYMMDD for old 15-digit numbers). */
const birth = (int: (lo: number, hi: number) => number, long: boolean) =>
  `${long ? int(1900, 2025) : pad(int(20, 99), 2)}${pad(int(1, 12), 2)}${pad(int(1, 28), 2)}`;
const areaCode = (int: (lo: number, hi: number) => number) => `${int(1, 9)}${digitString(int, 5)}`;

const MOBILE = /^1[3-9][0-9]{9}$/;
const ID18 = /^[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9X]$/;
/**
 * Old 15-digit numbers (issued until 1999) carry YYMMDD; holders alive today were born 1920–1999,
 * and requiring YY ≥ 20 keeps 15-digit grid codes (district + street 0xx/1xx + community + grid,
 * e.g. 320502001001001) from reading as ID numbers.
 */
const ID15 = /^[1-9][0-9]{5}[2-9][0-9](?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}$/;
/** 0 + area code (010, 02x: 2 digits after the 0; others 3) + 7 or 8 subscriber digits. */
const LANDLINE = /^0(?:[12][0-9]{9}|[3-9][0-9]{9,10})$/;

/**
 * The table of formats (first match wins, so longer formats come first). Mobiles keep the
 * first 3 and last 4 digits (GB/T 35273 display), ID numbers the first and last character.
 * Landlines are masked only with their area code (0512-6512 3456 → 0512-**** **56): a bare 7–8
 * digit number is as often an amount, a count or an order number, and a shop's line is public.
 */
export const PII_FORMATS: readonly PiiFormat[] = [
  {
    name: 'id18',
    kind: 'idNumber',
    recognise: (d) => (ID18.test(d) ? { keepHead: 1, keepTail: 1 } : null),
    generate: (int) => {
      const body = `${areaCode(int)}${birth(int, true)}${digitString(int, 3)}`;
      return {
        prefix: '',
        digits: body + (int(0, 10) === 10 ? 'X' : String(int(0, 9))),
        keepHead: 1,
        keepTail: 1,
      };
    },
  },
  {
    name: 'id15',
    kind: 'idNumber',
    recognise: (d) => (ID15.test(d) ? { keepHead: 1, keepTail: 1 } : null),
    generate: (int) => ({
      prefix: '',
      digits: `${areaCode(int)}${birth(int, false)}${digitString(int, 3)}`,
      keepHead: 1,
      keepTail: 1,
    }),
  },
  {
    name: 'mobile_cc',
    kind: 'phone',
    recognise: (d) => {
      const cc = d.startsWith('0086') ? 4 : d.startsWith('86') ? 2 : 0;
      return cc > 0 && MOBILE.test(d.slice(cc)) ? { keepHead: cc + 3, keepTail: 4 } : null;
    },
    generate: (int) => ({
      prefix: ['+86 ', '+86', '0086 ', '(+86)', '（+86）', '+86-', '86 '][int(0, 6)]!,
      digits: mobile(int),
      keepHead: 3,
      keepTail: 4,
    }),
  },
  {
    name: 'mobile',
    kind: 'phone',
    recognise: (d) => (MOBILE.test(d) ? { keepHead: 3, keepTail: 4 } : null),
    generate: (int) => ({ prefix: '', digits: mobile(int), keepHead: 3, keepTail: 4 }),
  },
  {
    name: 'landline',
    kind: 'phone',
    recognise: (d) =>
      LANDLINE.test(d) ? { keepHead: d[1] === '1' || d[1] === '2' ? 3 : 4, keepTail: 2 } : null,
    generate: (int) => {
      const area = int(0, 1) === 0 ? `0${int(1, 2)}${int(0, 9)}` : `0${int(3, 9)}${digitString(int, 2)}`;
      const sub = `${int(2, 8)}${digitString(int, area.length === 3 ? 7 : int(6, 7))}`;
      return { prefix: '', digits: area + sub, keepHead: area.length, keepTail: 2 };
    },
  },
];

/** The longest run of joined digits any format accepts (0086 + 11, an 18-character ID). */
const MAX_DIGITS = 18;
/** At most this many separator characters between two digit groups (`\r\n`, ` - `, `) `). */
const MAX_GAP = 3;

/** Normalised digit value of a character (ASCII or full-width), else -1. */
function digitAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0xff10 && c <= 0xff19) return c - 0xff10;
  return -1;
}

/** X or x, ASCII or full-width: an ID number's check character. */
function isCheckX(c: number): boolean {
  return c === 0x58 || c === 0x78 || c === 0xff38 || c === 0xff58;
}

/** Characters that join digit groups: spaces, line breaks, dashes, dots, brackets, a plus sign. */
function isSeparator(c: number): boolean {
  return (
    c === 0x20 ||
    c === 0x09 ||
    c === 0x0a ||
    c === 0x0d ||
    c === 0xa0 ||
    c === 0x3000 ||
    c === 0x2d ||
    c === 0x2e ||
    c === 0x28 ||
    c === 0x29 ||
    c === 0x2b ||
    (c >= 0x2010 && c <= 0x2015) ||
    c === 0x2212 ||
    c === 0xff0d ||
    c === 0xff0e ||
    c === 0xff08 ||
    c === 0xff09 ||
    c === 0xff0b ||
    (c >= 0x2000 && c <= 0x200b)
  );
}

/** One personal number found in a text: which format, and the positions of its hidden characters. */
export interface PiiMatch {
  format: string;
  kind: PiiKind;
  /** Positions (UTF-16 indices into the original text) of the first and past the last character. */
  start: number;
  end: number;
  /** Positions of the characters the mask hides. */
  hidden: number[];
}

/**
 * Finds the personal numbers in a text in one left-to-right pass. The text is read as digit
 * groups (ASCII or full-width digits; a trailing X); groups separated by at most MAX_GAP
 * separator characters are joined, and each run of consecutive groups starting at a group is
 * offered, longest first, to the table. Normalisation is one character for one character, so
 * the position map is the list of the digits' own indices and the masked text keeps the rest.
 */
export function findPii(text: string, kinds?: readonly PiiKind[]): PiiMatch[] {
  const out: PiiMatch[] = [];
  const n = text.length;
  // Digit groups: [start, end) of each, and whether it is joined to the previous one.
  const groups: Array<{ start: number; end: number; joined: boolean; x: number; fraction: boolean }> = [];
  let i = 0;
  let lastEnd = -1;
  while (i < n) {
    if (digitAt(text, i) < 0) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && digitAt(text, i) >= 0) i++;
    // An ID number's check character X may follow its digits directly or after a separator.
    let x = -1;
    for (let k = i; k < n && k <= i + MAX_GAP; k++) {
      const c = text.charCodeAt(k);
      if (isCheckX(c)) x = k;
      if (!isSeparator(c)) break;
    }
    let joined = false;
    if (lastEnd >= 0 && start - lastEnd <= MAX_GAP) {
      joined = true;
      let dot = false;
      for (let k = lastEnd; k < start; k++) {
        const c = text.charCodeAt(k);
        if (!isSeparator(c)) joined = false;
        if (c === 0x2e || c === 0xff0e) dot = true;
      }
      // 138.0013.8000 is a phone; 31.5449960103315 (a coordinate) and 1280.50 are not.
      const prev = groups[groups.length - 1]!;
      if (dot && (prev.end - prev.start > 4 || i - start > 4)) joined = false;
    }
    // The digits after a decimal point (31.259940610130666, a coordinate) are no one's number.
    const point = start >= 2 ? text.charCodeAt(start - 1) : 0;
    const fraction = !joined && (point === 0x2e || point === 0xff0e) && digitAt(text, start - 2) >= 0;
    groups.push({ start, end: i, joined, x, fraction });
    lastEnd = i;
  }
  let g = 0;
  while (g < groups.length) {
    if (groups[g]!.fraction) {
      g++;
      continue;
    }
    // The longest run of joined groups from g that fits in MAX_DIGITS characters.
    let last = g;
    let len = groups[g]!.end - groups[g]!.start;
    while (last + 1 < groups.length && groups[last + 1]!.joined) {
      const next = len + groups[last + 1]!.end - groups[last + 1]!.start;
      if (next > MAX_DIGITS + 4) break;
      len = next;
      last++;
    }
    let found: PiiMatch | null = null;
    for (let h = last; h >= g && !found; h--) {
      const positions: number[] = [];
      let digits = '';
      for (let k = g; k <= h; k++)
        for (let p = groups[k]!.start; p < groups[k]!.end; p++) {
          positions.push(p);
          digits += String(digitAt(text, p));
        }
      if (digits.length > MAX_DIGITS + 4) continue;
      const xAt = groups[h]!.x;
      const tries = xAt >= 0 ? [`${digits}X`, digits] : [digits];
      for (const d of tries) {
        const pos = d.length > digits.length ? [...positions, xAt] : positions;
        for (const f of PII_FORMATS) {
          if (kinds && !kinds.includes(f.kind)) continue;
          const keep = f.recognise(d);
          if (!keep) continue;
          found = {
            format: f.name,
            kind: f.kind,
            start: pos[0]!,
            end: pos[pos.length - 1]! + 1,
            hidden: pos.slice(keep.keepHead, pos.length - keep.keepTail),
          };
          g = h + 1;
          break;
        }
        if (found) break;
      }
    }
    if (found) out.push(found);
    else g++;
  }
  return out;
}

/** A RegExp whose exec runs the detector, so `toMatch`, `.test` and `.exec` see what it sees. */
class PiiPattern extends RegExp {
  static override get [Symbol.species](): RegExpConstructor {
    return RegExp;
  }

  constructor(
    source: RegExp,
    private readonly kind: PiiKind,
  ) {
    super(source.source);
  }

  override exec(s: string): RegExpExecArray | null {
    const [m] = findPii(String(s), [this.kind]);
    if (!m) return null;
    const arr = [String(s).slice(m.start, m.end)] as unknown as RegExpExecArray;
    arr.index = m.start;
    arr.input = String(s);
    return arr;
  }
}

/**
 * Patterns that must never appear in a response unless it came from an audited reveal. They are
 * the detector itself (every format of the table, separators, full-width digits), not a copy.
 */
export const UNMASKED_PII_PATTERNS = {
  /** A full mobile number in any written format. */
  phone: new PiiPattern(/(?<![0-9])1[3-9][0-9]{9}(?![0-9])/, 'phone'),
  /** A full 18- or 15-character resident identity number. */
  idNumber: new PiiPattern(/(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9])/, 'idNumber'),
} as const;

/**
 * Masks phone and ID numbers that people type into free text ("call me on 138 0013 8000"), so
 * descriptions can be shown without leaking them. Only the hidden digits change (to `*`); every
 * other character, separators included, stays where it was.
 */
export function redactFreeText(text: string): string {
  const found = findPii(text);
  if (found.length === 0) return text;
  const chars = text.split('');
  for (const m of found) for (const p of m.hidden) chars[p] = '*';
  return chars.join('');
}
