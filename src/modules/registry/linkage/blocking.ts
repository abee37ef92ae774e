/**
 * Blocking: candidate pairs without comparing every record with every other. Each rule maps a
 * record to a key (or none); records sharing a key are paired. The union of all rules' pairs is
 * returned once each (i < j). A block larger than the cap is skipped and counted: it would cost
 * n² comparisons and says little (a key everybody shares).
 */
import type { FieldKind, Prepared } from './comparisons.js';

export interface LinkField {
  column: string;
  kind: FieldKind;
}

/** One record prepared for linkage: `values[f]` belongs to `fields[f]`. */
export interface LinkRecord {
  id: string;
  values: readonly (Prepared | null)[];
}

export interface BlockingRule {
  name: string;
  key(r: LinkRecord): string | null;
}

export interface CandidatePairs {
  /** Flattened pairs: left = pairs[2k], right = pairs[2k + 1], left < right. */
  pairs: Uint32Array;
  count: number;
  /** Blocks over the cap, skipped. */
  skippedBlocks: number;
  /** New pairs each rule contributed (after the earlier rules). */
  perRule: { name: string; pairs: number }[];
}

/** A date's year and its day and month in either order (a day/month swap gives the same key). */
function unorderedDate(v: Prepared | null): string | null {
  const d = v?.date;
  if (!d) return null;
  return d.m <= d.d ? `${d.y}|${d.m}|${d.d}` : `${d.y}|${d.d}|${d.m}`;
}

/**
 * The rules that fit the fields present. Every rule keeps its blocks small at a million records
 * (a name sound alone, or a birth year, would put thousands of namesakes in one block):
 * name sound + birth date (day and month in either order), given name sound + birth date, birth
 * date + name initial (two characters of its sound), phone (last 8 digits), identity number (18 characters: first 6 + last 4 +
 * initial, first 14 + initial, last 12 — so a single wrong digit anywhere still shares a key; other
 * numbers, such as passports: exactly), name sound + the numbers of the address (house, building,
 * room, street number), postcode + street number + name initial.
 */
export function defaultRules(fields: readonly LinkField[]): BlockingRule[] {
  const idx = (kind: FieldKind): number => fields.findIndex((f) => f.kind === kind);
  const rules: BlockingRule[] = [];
  const at = (r: LinkRecord, f: number): Prepared | null => (f < 0 ? null : (r.values[f] ?? null));
  const name = idx('name');
  const surname = idx('surname');
  const given = idx('given_name');
  const date = idx('date');
  const nameField = name >= 0 ? name : surname;
  const col = (f: number): string => fields[f]?.column ?? '';
  /** The first two characters of the name's sound: `wa` for 王/汪, `S5` for Smith/Smyth. */
  const initial = (r: LinkRecord): string => {
    const s = at(r, nameField)?.sound ?? at(r, given)?.sound;
    return s ? s.slice(0, 2) : '';
  };
  if (nameField >= 0 && date >= 0)
    rules.push({
      name: `${col(nameField)} sound + ${col(date)} (day/month either way)`,
      key: (r) => {
        const s = at(r, nameField)?.sound;
        const d = unorderedDate(at(r, date));
        return s && d ? `${s}|${d}` : null;
      },
    });
  if (given >= 0 && date >= 0)
    rules.push({
      name: `${col(given)} sound + ${col(date)} (day/month either way)`,
      key: (r) => {
        const s = at(r, given)?.sound;
        const d = unorderedDate(at(r, date));
        return s && d ? `${s}|${d}` : null;
      },
    });
  if ((nameField >= 0 || given >= 0) && date >= 0)
    rules.push({
      name: `${col(date)} + initial`,
      key: (r) => {
        const d = at(r, date)?.v;
        return d ? `${d}|${initial(r)}` : null;
      },
    });
  const phone = idx('phone');
  if (phone >= 0)
    rules.push({
      name: `${col(phone)} last 8 digits`,
      key: (r) => {
        const v = at(r, phone)?.v;
        return v && v.length >= 8 ? v.slice(-8) : null;
      },
    });
  const id = idx('id_number');
  if (id >= 0) {
    rules.push({
      name: `${col(id)} first 6 + last 4 + initial (other numbers: exact)`,
      key: (r) => {
        const v = at(r, id)?.v;
        if (!v) return null;
        return v.length === 18 ? `${v.slice(0, 6)}|${v.slice(-4)}|${initial(r)}` : v;
      },
    });
    rules.push({
      name: `${col(id)} first 14 + initial`,
      key: (r) => {
        const v = at(r, id)?.v;
        return v && v.length === 18 ? `${v.slice(0, 14)}|${initial(r)}` : null;
      },
    });
    rules.push({
      name: `${col(id)} last 12`,
      key: (r) => {
        const v = at(r, id)?.v;
        return v && v.length === 18 ? v.slice(6) : null;
      },
    });
  }
  const address = idx('address');
  const number = idx('street_number');
  const soundField = nameField >= 0 ? nameField : given;
  if (soundField >= 0 && (address >= 0 || number >= 0))
    rules.push({
      name: `${col(soundField)} sound + address numbers`,
      key: (r) => {
        const s = at(r, soundField)?.sound;
        if (!s) return null;
        const digits = (at(r, address)?.tokens ?? []).filter((t) => /^\d+$/.test(t));
        const n = at(r, number)?.v;
        if (n) digits.push(n);
        return digits.length === 0 ? null : `${s}|${digits.join(' ')}`;
      },
    });
  const postcode = idx('postcode');
  if (postcode >= 0 && number >= 0)
    rules.push({
      name: `${col(postcode)} + ${col(number)} + initial`,
      key: (r) => {
        const p = at(r, postcode)?.v;
        const n = at(r, number)?.v;
        return p && n ? `${p}|${n}|${initial(r)}` : null;
      },
    });
  return rules;
}

/**
 * The union of the rules' pairs, each once; blocks over `maxBlockSize` records are skipped.
 * Scales to millions of records: each rule's keys are interned to block numbers, records are
 * grouped by a counting sort (typed arrays, no per-block arrays), pairs are packed into one
 * float64 (`i·n + j`, exact below 2^53) with the rule's number, sorted and de-duplicated.
 */
export function candidatePairs(
  records: readonly LinkRecord[],
  rules: readonly BlockingRule[],
  maxBlockSize = 1000,
  onRule?: (rule: number) => void,
): CandidatePairs {
  const n = records.length;
  const R = rules.length;
  let packed = new Float64Array(1 << 16);
  let used = 0;
  let skippedBlocks = 0;
  const push = (v: number): void => {
    if (used === packed.length) {
      const grown = new Float64Array(packed.length * 2);
      grown.set(packed);
      packed = grown;
    }
    packed[used++] = v;
  };
  const blockOf = new Int32Array(n);
  rules.forEach((rule, ruleIndex) => {
    const ids = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const k = rule.key(records[i] as LinkRecord);
      if (k === null) {
        blockOf[i] = -1;
        continue;
      }
      let b = ids.get(k);
      if (b === undefined) {
        b = ids.size;
        ids.set(k, b);
      }
      blockOf[i] = b;
    }
    const blocks = ids.size;
    const start = new Int32Array(blocks + 1);
    for (let i = 0; i < n; i++)
      if ((blockOf[i] as number) >= 0) (start[(blockOf[i] as number) + 1] as number)++;
    for (let b = 0; b < blocks; b++) start[b + 1] = (start[b + 1] as number) + (start[b] as number);
    const fill = start.slice(0, blocks);
    const members = new Uint32Array(start[blocks] as number);
    for (let i = 0; i < n; i++) {
      const b = blockOf[i] as number;
      if (b >= 0) members[(fill[b] as number)++] = i;
    }
    for (let b = 0; b < blocks; b++) {
      const lo = start[b] as number;
      const hi = start[b + 1] as number;
      const size = hi - lo;
      if (size < 2) continue;
      if (size > maxBlockSize) {
        skippedBlocks++;
        continue;
      }
      // members of a block are in ascending record order (the counting sort is stable)
      for (let x = lo; x < hi; x++) {
        const i = members[x] as number;
        for (let y = x + 1; y < hi; y++) push((i * n + (members[y] as number)) * R + ruleIndex);
      }
    }
    onRule?.(ruleIndex);
  });
  const all = packed.subarray(0, used).sort();
  const perRuleCounts = new Array<number>(R).fill(0);
  const out = new Uint32Array(2 * used);
  let count = 0;
  let last = -1;
  for (let k = 0; k < used; k++) {
    const v = all[k] as number;
    const pair = Math.floor(v / R);
    if (pair === last) continue;
    last = pair;
    (perRuleCounts[v - pair * R] as number)++;
    out[2 * count] = Math.floor(pair / n);
    out[2 * count + 1] = pair % n;
    count++;
  }
  const perRule = rules.map((r, i) => ({ name: r.name, pairs: perRuleCounts[i] as number }));
  return { pairs: out.slice(0, 2 * count), count, skippedBlocks, perRule };
}
