/**
 * One linkage run in memory: prepare → block → compare → EM → score → cluster, and with a truth
 * column the pairwise precision / recall / F1 of the resulting persons.
 */

import type { Progress } from '../../../kernel/progress.js';
import { createRng } from '../../../lib/random.js';
import {
  type BlockingRule,
  candidatePairs,
  defaultRules,
  type LinkField,
  type LinkRecord,
} from './blocking.js';
import { type Clustering, clusterPacked } from './cluster.js';
import { type FieldKind, type Prepared, prepare } from './comparisons.js';
import {
  comparisonVectors,
  estimateU,
  type ModelParams,
  type PackedScores,
  type ScoredPair,
  scoredPairAt,
  scorePairsPacked,
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
  /** Progress of the long steps (blocking, comparing); the CLI shows a bar on a TTY. */
  progress?: Progress;
  /** EM learns from at most this many pairs (an even sample beyond it; default 2,000,000). */
  emSample?: number;
}

export interface LinkResult {
  records: LinkRecord[];
  fields: readonly LinkField[];
  candidates: number;
  skippedBlocks: number;
  perRule: { name: string; pairs: number }[];
  params: ModelParams;
  /** Every scored candidate pair as an object (built on first access; prefer `scores` at scale). */
  readonly pairs: ScoredPair[];
  /** Every scored candidate pair in typed arrays. */
  scores: PackedScores;
  clustering: Clustering;
  /** Milliseconds per stage (blocking, comparing, em, scoring, clustering). */
  timings: Record<string, number>;
}

/** Kinds whose values repeat across a registry: prepared once per distinct value (pinyin is costly). */
const REPEATING: ReadonlySet<FieldKind> = new Set([
  'name',
  'given_name',
  'surname',
  'date',
  'suburb',
  'state',
  'postcode',
  'street_number',
  'text',
]);

/**
 * Prepares `rows` (column → raw value) for linkage on `fields`, record ids from `idColumn`.
 * Values of repeating kinds are prepared once and shared (prepared values are never mutated).
 */
export function prepareRecords(
  rows: readonly Readonly<Record<string, string>>[],
  idColumn: string,
  fields: readonly LinkField[],
  progress?: Progress,
): LinkRecord[] {
  const caches = fields.map((f) => (REPEATING.has(f.kind) ? new Map<string, Prepared | null>() : null));
  const one = (f: number, raw: string | undefined): Prepared | null => {
    const kind = (fields[f] as LinkField).kind;
    const cache = caches[f];
    if (!cache || raw === undefined) return prepare(kind, raw);
    let p = cache.get(raw);
    if (p === undefined) {
      p = prepare(kind, raw);
      cache.set(raw, p);
    }
    return p;
  };
  progress?.start('preparing records', rows.length);
  const out = new Array<LinkRecord>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as Readonly<Record<string, string>>;
    out[i] = { id: row[idColumn] ?? String(i + 1), values: fields.map((f, k) => one(k, row[f.column])) };
    if ((i & 4095) === 4095) progress?.tick(4096);
  }
  progress?.done();
  return out;
}

export function linkRecords(
  records: LinkRecord[],
  fields: readonly LinkField[],
  options: LinkOptions = {},
): LinkResult {
  const upper = options.threshold ?? 0.9;
  const lower = Math.min(options.reviewThreshold ?? 0.5, upper);
  const rng = createRng(`linkage:${options.seed ?? 1}`);
  const progress = options.progress;
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (stage: string): void => {
    const now = performance.now();
    timings[stage] = Math.round(now - t);
    t = now;
  };
  const rules = options.rules ?? defaultRules(fields);
  progress?.start('blocking', rules.length);
  const blocked = candidatePairs(records, rules, options.maxBlockSize ?? 1000, () => progress?.tick());
  progress?.done();
  lap('blocking');
  const vectors = comparisonVectors(records, fields, blocked.pairs, progress);
  lap('comparing');
  const uRandom = estimateU(records, fields, rng);
  const em = trainEm(emSample(vectors, fields.length, options.emSample ?? 2_000_000), fields, uRandom);
  const params = splinkStyle(em, uRandom, blocked.count, records.length);
  lap('em');
  const scores = scorePairsPacked(
    records,
    fields,
    blocked.pairs,
    vectors,
    params,
    termFrequencies(records, fields),
    { reviewThreshold: lower },
  );
  lap('scoring');
  const idField = fields.findIndex((f) => f.kind === 'id_number');
  const clustering = clusterPacked(records.length, scores, { upper, lower }, (i) => {
    const v = idField < 0 ? null : records[i]?.values[idField];
    return v?.valid ? v.v : null;
  });
  lap('clustering');
  let pairs: ScoredPair[] | undefined;
  return {
    records,
    fields,
    candidates: blocked.count,
    skippedBlocks: blocked.skippedBlocks,
    perRule: blocked.perRule,
    params,
    // Materialised on first use: a million records give millions of pairs.
    get pairs(): ScoredPair[] {
      if (pairs === undefined) {
        pairs = new Array<ScoredPair>(scores.count);
        for (let k = 0; k < scores.count; k++) pairs[k] = scoredPairAt(scores, k);
      }
      return pairs;
    },
    scores,
    clustering,
    timings,
  };
}

/**
 * The model the pairs are scored with: m as EM estimated it over the candidates, u from random
 * pairs, and the prior of a random pair being a match (EM's share of matches among the candidates
 * times the candidates, over all pairs), as Splink scores. EM's own u describes the non-matches
 * that blocking let through — they agree on the blocked fields far more often than two random
 * records — and would turn agreement on a blocked field into evidence against a match.
 */
function splinkStyle(em: ModelParams, u: number[][], candidates: number, n: number): ModelParams {
  const all = (n * (n - 1)) / 2;
  const lambda = all > 0 ? Math.min(0.5, Math.max(1e-12, (em.lambda * candidates) / all)) : em.lambda;
  return { ...em, u: u.map((row) => [...row]), lambda };
}

/**
 * The vectors EM learns from: all of them up to `max` pairs, else an evenly spaced sample of
 * `max` (the distinct patterns are few; Splink estimates on a sample the same way).
 */
function emSample(vectors: Uint8Array, F: number, max: number): Uint8Array {
  const count = vectors.length / F;
  if (count <= max) return vectors;
  const out = new Uint8Array(max * F);
  const step = count / max;
  for (let s = 0; s < max; s++) {
    const k = Math.floor(s * step);
    out.set(vectors.subarray(k * F, (k + 1) * F), s * F);
  }
  return out;
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

/** The thresholds of the F1 curve the CLI and the benchmark print. */
export const CURVE_THRESHOLDS = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99] as const;

export interface CurvePoint extends PairwiseScores {
  threshold: number;
  clusters: number;
}

/** Pairwise scores when the upper threshold is each of `thresholds` (clustering redone each time). */
export function thresholdCurve(
  result: Pick<LinkResult, 'records' | 'fields' | 'scores'>,
  truth: readonly string[],
  thresholds: readonly number[] = CURVE_THRESHOLDS,
): CurvePoint[] {
  const idField = result.fields.findIndex((f) => f.kind === 'id_number');
  const validId = (i: number): string | null => {
    const v = idField < 0 ? null : result.records[i]?.values[idField];
    return v?.valid ? v.v : null;
  };
  return thresholds.map((threshold) => {
    const c = clusterPacked(
      result.records.length,
      result.scores,
      { upper: threshold, lower: threshold },
      validId,
    );
    return { threshold, clusters: c.clusters, ...pairwiseScores(c.clusterOf, truth) };
  });
}
