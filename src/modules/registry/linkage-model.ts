/**
 * The in-memory half of a database linkage run: the decrypted source records (they never leave
 * this process) go through the engine in linkage/ — blocking, comparison vectors, u from random
 * pairs, EM — and the labels of earlier review decisions then correct the estimate: each
 * labelled match is one observation of m, each labelled non-match one of u, added to the EM
 * estimate weighted as LABEL_PRIOR pseudo-pairs (a Dirichlet prior centred on EM). Pairs are
 * scored with the corrected m/u, and each field's log2(m/u) is kept for the review waterfall.
 * An incremental run scores only the pairs with at least one new record; the estimate still
 * uses every candidate pair of the loaded records.
 */
import { createRng } from '../../lib/random.js';
import { candidatePairs, defaultRules, type LinkField, type LinkRecord } from './linkage/blocking.js';
import { LEVELS } from './linkage/comparisons.js';
import { prepareRecords } from './linkage/link.js';
import {
  comparisonVectors,
  estimateU,
  type ModelParams,
  type ScoredPair,
  scorePairs,
  termFrequencies,
  trainEm,
} from './linkage/model.js';
import type { Contribution } from './linkage.repository.js';

/** The fields a database run compares, in the column names of its in-memory rows. */
export const RUN_FIELDS: readonly LinkField[] = [
  { column: 'name', kind: 'name' },
  { column: 'id_number', kind: 'id_number' },
  { column: 'birth_date', kind: 'date' },
  { column: 'phone', kind: 'phone' },
  { column: 'address', kind: 'address' },
];

/** How strongly the EM estimate holds against labels: it counts as this many labelled pairs. */
export const LABEL_PRIOR = 10;

/** One decrypted source record (lives only in memory during a run). */
export interface ClearRecord {
  recordId: number;
  fresh: boolean;
  values: Partial<Record<'name' | 'id_number' | 'birth_date' | 'phone' | 'address', string>>;
}

export interface ModelRun {
  records: LinkRecord[];
  /** Candidate pairs compared (all, or only those touching a new record when incremental). */
  compared: number;
  /** Scored pairs at or above the lower threshold (id conflicts are capped below it). */
  pairs: ScoredPair[];
  params: ModelParams;
  /** m and u before the labels corrected them. */
  emParams: Pick<ModelParams, 'm' | 'u' | 'lambda'>;
  labelled: { matches: number; nonMatches: number };
  contributions(p: ScoredPair): { prior: number; fields: Contribution[] };
}

const EPS = 1e-6;
const clamp = (p: number): number => Math.min(1 - EPS, Math.max(EPS, p));

/** Per-field level counts of labelled pairs, corrected into `probs` (rows of m or u). */
function withLabels(probs: number[][], levels: number[][], fields: readonly LinkField[]): number[][] {
  return probs.map((row, f) => {
    const counts = new Array<number>(row.length).fill(0);
    let n = 0;
    for (const v of levels) {
      const l = v[f] as number;
      if (l === 0) continue;
      counts[l] = (counts[l] ?? 0) + 1;
      n++;
    }
    if (n === 0) return [...row];
    const L = LEVELS[(fields[f] as LinkField).kind].length;
    return Array.from({ length: L }, (_, l) =>
      l === 0 ? 1 : clamp((LABEL_PRIOR * (row[l] as number) + (counts[l] as number)) / (LABEL_PRIOR + n)),
    );
  });
}

/** Scores the records' candidate pairs with an estimate corrected by `labels` (pairs of record ids). */
export function runModel(
  clear: readonly ClearRecord[],
  labels: ReadonlyArray<{ recordA: number; recordB: number; isMatch: boolean }>,
  o: { lower: number; incremental: boolean; seed?: string },
): ModelRun {
  const fields = RUN_FIELDS;
  const records = prepareRecords(
    clear.map((r) => ({ ...r.values, rid: String(r.recordId) })),
    'rid',
    fields,
  );
  const blocked = candidatePairs(records, defaultRules(fields), 1000);
  const allVectors = comparisonVectors(records, fields, blocked.pairs);
  const em = trainEm(allVectors, fields, estimateU(records, fields, createRng(`linkage-run:${o.seed ?? 1}`)));

  const index = new Map(clear.map((r, i) => [r.recordId, i]));
  const labelPairs: number[] = [];
  const labelMatch: boolean[] = [];
  for (const l of labels) {
    const a = index.get(l.recordA);
    const b = index.get(l.recordB);
    if (a === undefined || b === undefined) continue;
    labelPairs.push(a, b);
    labelMatch.push(l.isMatch);
  }
  const labelVectors = comparisonVectors(records, fields, Uint32Array.from(labelPairs));
  const F = fields.length;
  const matchLevels: number[][] = [];
  const nonMatchLevels: number[][] = [];
  labelMatch.forEach((isMatch, k) => {
    (isMatch ? matchLevels : nonMatchLevels).push(Array.from(labelVectors.subarray(k * F, (k + 1) * F)));
  });
  const params: ModelParams = {
    ...em,
    m: withLabels(em.m, matchLevels, fields),
    u: withLabels(em.u, nonMatchLevels, fields),
  };

  let pairs = blocked.pairs;
  let vectors = allVectors;
  if (o.incremental) {
    const keep: number[] = [];
    const keepVec: number[] = [];
    for (let k = 0; k < pairs.length / 2; k++) {
      const a = pairs[2 * k] as number;
      const b = pairs[2 * k + 1] as number;
      if (clear[a]?.fresh || clear[b]?.fresh) {
        keep.push(a, b);
        for (let f = 0; f < F; f++) keepVec.push(allVectors[k * F + f] as number);
      }
    }
    pairs = Uint32Array.from(keep);
    vectors = Uint8Array.from(keepVec);
  }
  const tf = termFrequencies(records, fields);
  const scored = scorePairs(records, fields, pairs, vectors, params, tf, { reviewThreshold: o.lower });
  const meanTf = new Map<number, number>();
  for (const [f, freq] of tf) {
    let s = 0;
    for (const p of freq.values()) s += p * p;
    meanTf.set(f, s);
  }
  const prior = Math.log2(params.lambda / (1 - params.lambda));
  return {
    records,
    compared: pairs.length / 2,
    pairs: scored.filter((p) => p.probability >= o.lower),
    params,
    emParams: { m: em.m, u: em.u, lambda: em.lambda },
    labelled: { matches: matchLevels.length, nonMatches: nonMatchLevels.length },
    contributions(p) {
      const a = records[p.left] as LinkRecord;
      return {
        prior,
        fields: fields.map((field, f) => {
          const l = p.levels[f] as number;
          let weight = 0;
          if (l !== 0) {
            const mf = (params.m[f] as number[])[l] as number;
            let uf = (params.u[f] as number[])[l] as number;
            const freq = tf.get(f);
            const mean = meanTf.get(f);
            if (l === 1 && freq && mean)
              uf = clamp((uf * (freq.get((a.values[f] ?? { v: '' }).v) ?? mean)) / mean);
            weight = Math.log2(mf / uf);
          }
          return { field: field.column, level: LEVELS[field.kind][l] ?? String(l), weight };
        }),
      };
    },
  };
}
