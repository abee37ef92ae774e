/**
 * One linkage run in memory: prepare → block → compare → EM → score → cluster, and with a truth
 * column the pairwise precision / recall / F1 of the resulting persons.
 */
import { createRng } from '../../../lib/random.js';
import {
  type BlockingRule,
  candidatePairs,
  defaultRules,
  type LinkField,
  type LinkRecord,
} from './blocking.js';
import { type Clustering, clusterPairs } from './cluster.js';
import { prepare } from './comparisons.js';
import {
  comparisonVectors,
  estimateU,
  type ModelParams,
  type ScoredPair,
  scorePairs,
  termFrequencies,
  trainEm,
} from './model.js';

export interface LinkOptions {
  /** Upper threshold: pairs at or above it are linked (default 0.9). */
  threshold?: number;
  /** Lower threshold: pairs from here to the upper one go to review (default 0.5). */
  reviewThreshold?: number;
  seed?: number | string;
  maxBlockSize?: number;
  rules?: BlockingRule[];
}

export interface LinkResult {
  records: LinkRecord[];
  fields: readonly LinkField[];
  candidates: number;
  skippedBlocks: number;
  perRule: { name: string; pairs: number }[];
  params: ModelParams;
  pairs: ScoredPair[];
  clustering: Clustering;
}

/** Prepares `rows` (column → raw value) for linkage on `fields`, record ids from `idColumn`. */
export function prepareRecords(
  rows: readonly Readonly<Record<string, string>>[],
  idColumn: string,
  fields: readonly LinkField[],
): LinkRecord[] {
  return rows.map((row, i) => ({
    id: row[idColumn] ?? String(i + 1),
    values: fields.map((f) => prepare(f.kind, row[f.column])),
  }));
}

export function linkRecords(
  records: LinkRecord[],
  fields: readonly LinkField[],
  options: LinkOptions = {},
): LinkResult {
  const upper = options.threshold ?? 0.9;
  const lower = Math.min(options.reviewThreshold ?? 0.5, upper);
  const rng = createRng(`linkage:${options.seed ?? 1}`);
  const blocked = candidatePairs(
    records,
    options.rules ?? defaultRules(fields),
    options.maxBlockSize ?? 1000,
  );
  const vectors = comparisonVectors(records, fields, blocked.pairs);
  const params = trainEm(vectors, fields, estimateU(records, fields, rng));
  const pairs = scorePairs(
    records,
    fields,
    blocked.pairs,
    vectors,
    params,
    termFrequencies(records, fields),
    {
      reviewThreshold: lower,
    },
  );
  const idField = fields.findIndex((f) => f.kind === 'id_number');
  const clustering = clusterPairs(records.length, pairs, { upper, lower }, (i) => {
    const v = idField < 0 ? null : records[i]?.values[idField];
    return v?.valid ? v.v : null;
  });
  return {
    records,
    fields,
    candidates: blocked.count,
    skippedBlocks: blocked.skippedBlocks,
    perRule: blocked.perRule,
    params,
    pairs,
    clustering,
  };
}

export interface PairwiseScores {
  truePairs: number;
  predictedPairs: number;
  correctPairs: number;
  precision: number;
  recall: number;
  f1: number;
  truthEntities: number;
}

const pairsOf = (k: number): number => (k * (k - 1)) / 2;

/** Pairwise precision / recall / F1 of the clusters against the true entity of each record. */
export function pairwiseScores(clusterOf: Int32Array, truth: readonly string[]): PairwiseScores {
  const byTruth = new Map<string, number>();
  const byCluster = new Map<number, number>();
  const byBoth = new Map<string, number>();
  truth.forEach((t, i) => {
    const c = clusterOf[i] as number;
    byTruth.set(t, (byTruth.get(t) ?? 0) + 1);
    byCluster.set(c, (byCluster.get(c) ?? 0) + 1);
    const key = `${c}\u0000${t}`;
    byBoth.set(key, (byBoth.get(key) ?? 0) + 1);
  });
  let truePairs = 0;
  for (const k of byTruth.values()) truePairs += pairsOf(k);
  let predictedPairs = 0;
  for (const k of byCluster.values()) predictedPairs += pairsOf(k);
  let correctPairs = 0;
  for (const k of byBoth.values()) correctPairs += pairsOf(k);
  const precision = predictedPairs === 0 ? 1 : correctPairs / predictedPairs;
  const recall = truePairs === 0 ? 1 : correctPairs / truePairs;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { truePairs, predictedPairs, correctPairs, precision, recall, f1, truthEntities: byTruth.size };
}
