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

/** Patterns that must never appear in a response unless it came from an audited reveal. */
export const UNMASKED_PII_PATTERNS = {
  /** A full mainland mobile number. */
  phone: /(?<![0-9])1[3-9][0-9]{9}(?![0-9])/,
  /** A full 18-character resident identity number. */
  idNumber:
    /(?<![0-9])[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?![0-9])/,
} as const;

/**
 * Masks phone and ID numbers that people type into free text (a description saying "call me on
 * 13812345678"), so descriptions can be shown without leaking them.
 */
export function redactFreeText(text: string): string {
  const g = (re: RegExp) => new RegExp(re.source, 'g');
  return text
    .replace(g(UNMASKED_PII_PATTERNS.idNumber), (m) => maskIdNumber(m))
    .replace(g(UNMASKED_PII_PATTERNS.phone), (m) => maskPhone(m));
}
