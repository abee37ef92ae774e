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

/** Birth year from the first date field, else from a valid id number. */
function birthYear(fields: readonly LinkField[], r: LinkRecord): number | null {
  for (let f = 0; f < fields.length; f++) {
    const v = r.values[f];
    if (fields[f]?.kind === 'date' && v?.date) return v.date.y;
  }
  for (let f = 0; f < fields.length; f++) {
    const v = r.values[f];
    if (fields[f]?.kind === 'id_number' && v?.valid) return Number(v.v.slice(6, 10));
  }
  return null;
}

/** The rules that fit the fields present (surname/name sound + birth year, phone, id, postcode + number, …). */
export function defaultRules(fields: readonly LinkField[]): BlockingRule[] {
  const idx = (kind: FieldKind): number => fields.findIndex((f) => f.kind === kind);
  const rules: BlockingRule[] = [];
  const at = (r: LinkRecord, f: number): Prepared | null => (f < 0 ? null : (r.values[f] ?? null));
  const name = idx('name');
  const surname = idx('surname');
  const given = idx('given_name');
  const date = idx('date');
  const hasYear = date >= 0 || idx('id_number') >= 0;
  const nameField = name >= 0 ? name : surname;
  if (nameField >= 0 && hasYear)
    rules.push({
      name: `${fields[nameField]?.column} sound + birth year`,
      key: (r) => {
        const s = at(r, nameField)?.sound;
        const y = birthYear(fields, r);
        return s && y !== null ? `${s}|${y}` : null;
      },
    });
  if (given >= 0 && date >= 0)
    rules.push({
      name: `${fields[given]?.column} sound + ${fields[date]?.column}`,
      key: (r) => {
        const s = at(r, given)?.sound;
        const d = at(r, date)?.v;
        return s && d ? `${s}|${d}` : null;
      },
    });
  if (nameField >= 0 && date >= 0)
    rules.push({
      name: `${fields[date]?.column} + initial`,
      key: (r) => {
        const s = at(r, nameField)?.sound;
        const d = at(r, date)?.v;
        return s && d ? `${d}|${s.charAt(0)}` : null;
      },
    });
  const phone = idx('phone');
  if (phone >= 0)
    rules.push({
      name: `${fields[phone]?.column} last 8 digits`,
      key: (r) => {
        const v = at(r, phone)?.v;
        return v && v.length >= 8 ? v.slice(-8) : null;
      },
    });
  const id = idx('id_number');
  if (id >= 0)
    rules.push({
      name: `${fields[id]?.column} first 6 + last 4`,
      key: (r) => {
        const v = at(r, id)?.v;
        return v && v.length >= 10 ? `${v.slice(0, 6)}|${v.slice(-4)}` : null;
      },
    });
  const postcode = idx('postcode');
  const number = idx('street_number');
  if (postcode >= 0 && number >= 0)
    rules.push({
      name: `${fields[postcode]?.column} + ${fields[number]?.column}`,
      key: (r) => {
        const p = at(r, postcode)?.v;
        const n = at(r, number)?.v;
        return p && n ? `${p}|${n}` : null;
      },
    });
  return rules;
}

/** The union of the rules' pairs, each once; blocks over `maxBlockSize` records are skipped. */
export function candidatePairs(
  records: readonly LinkRecord[],
  rules: readonly BlockingRule[],
  maxBlockSize = 1000,
): CandidatePairs {
  const n = records.length;
  const seen = new Set<number>();
  let out = new Uint32Array(1024);
  let count = 0;
  let skippedBlocks = 0;
  const perRule: { name: string; pairs: number }[] = [];
  for (const rule of rules) {
    const blocks = new Map<string, number[]>();
    for (let i = 0; i < n; i++) {
      const k = rule.key(records[i] as LinkRecord);
      if (k === null) continue;
      const b = blocks.get(k);
      if (b) b.push(i);
      else blocks.set(k, [i]);
    }
    const before = count;
    for (const members of blocks.values()) {
      if (members.length < 2) continue;
      if (members.length > maxBlockSize) {
        skippedBlocks++;
        continue;
      }
      for (let a = 0; a < members.length; a++) {
        for (let b = a + 1; b < members.length; b++) {
          const i = members[a] as number;
          const j = members[b] as number;
          const key = i * n + j;
          if (seen.has(key)) continue;
          seen.add(key);
          if (2 * count + 2 > out.length) {
            const grown = new Uint32Array(out.length * 2);
            grown.set(out);
            out = grown;
          }
          out[2 * count] = i;
          out[2 * count + 1] = j;
          count++;
        }
      }
    }
    perRule.push({ name: rule.name, pairs: count - before });
  }
  return { pairs: out.subarray(0, 2 * count), count, skippedBlocks, perRule };
}
