/**
 * The Fellegi–Sunter model. Each candidate pair has a comparison vector (one level per field);
 * m[f][l] = P(level l | match), u[f][l] = P(level l | non-match). u starts from random pairs,
 * then m, u and the match prior λ are estimated by EM over the candidates' vectors (no labels).
 * A pair's match weight is log2 of the prior odds plus the sum of log2(m/u) over its non-null
 * fields; for exact name matches u is replaced by the value's own frequency (王伟 is weak
 * evidence, 欧阳靖 strong). Two records whose VALID id numbers differ are never linked: their
 * probability is capped below the review band and flagged.
 */
import type { Progress } from '../../../kernel/progress.js';
import type { Rng } from '../../../lib/random.js';
import type { LinkField, LinkRecord } from './blocking.js';
import { compareLevel, LEVELS } from './comparisons.js';

export interface ModelParams {
  lambda: number;
  /** m[f][l] and u[f][l]; index 0 (null) is unused (a null level contributes nothing). */
  m: number[][];
  u: number[][];
  iterations: number;
  converged: boolean;
}

const EPS = 1e-6;
/** Share of m spread evenly over a field's levels (see trainEm). */
const M_FLOOR = 0.05;
const clamp = (p: number): number => Math.min(1 - EPS, Math.max(EPS, p));

/** Comparison vectors of all pairs, flattened: vectors[k * F + f]. */
export function comparisonVectors(
  records: readonly LinkRecord[],
  fields: readonly LinkField[],
  pairs: Uint32Array,
  progress?: Progress,
): Uint8Array {
  const F = fields.length;
  const count = pairs.length / 2;
  const out = new Uint8Array(count * F);
  progress?.start('comparing pairs', count);
  for (let k = 0; k < count; k++) {
    if ((k & 65535) === 65535) progress?.tick(65536);
    const a = records[pairs[2 * k] as number] as LinkRecord;
    const b = records[pairs[2 * k + 1] as number] as LinkRecord;
    for (let f = 0; f < F; f++) {
      out[k * F + f] = compareLevel((fields[f] as LinkField).kind, a.values[f] ?? null, b.values[f] ?? null);
    }
  }
  progress?.done();
  return out;
}

/** u from `samples` random pairs (almost all non-matches), with add-one smoothing per level. */
export function estimateU(
  records: readonly LinkRecord[],
  fields: readonly LinkField[],
  rng: Rng,
  samples = 20_000,
): number[][] {
  const counts = fields.map((f) => new Array<number>(LEVELS[f.kind].length).fill(1));
  const n = records.length;
  if (n >= 2) {
    for (let s = 0; s < samples; s++) {
      const i = rng.int(0, n - 1);
      let j = rng.int(0, n - 2);
      if (j >= i) j++;
      const a = records[i] as LinkRecord;
      const b = records[j] as LinkRecord;
      fields.forEach((field, f) => {
        const l = compareLevel(field.kind, a.values[f] ?? null, b.values[f] ?? null);
        (counts[f] as number[])[l] = ((counts[f] as number[])[l] ?? 0) + 1;
      });
    }
  }
  return counts.map((c) => {
    const total = c.slice(1).reduce((x, y) => x + y, 0);
    return c.map((v, l) => (l === 0 ? 1 : clamp(v / total)));
  });
}

/** Initial m: most mass on the exact level, decreasing towards "else". */
function initialM(fields: readonly LinkField[]): number[][] {
  return fields.map((f) => {
    const L = LEVELS[f.kind].length - 1;
    const raw = Array.from({ length: L }, (_, i) => (i === 0 ? 0.8 : 0.2 / L));
    return [1, ...raw];
  });
}

export interface EmOptions {
  maxIterations?: number;
  tolerance?: number;
  /** Initial share of matches among the candidate pairs. */
  lambda?: number;
}

/** EM over the distinct comparison vectors (weighted by how often each occurs). */
export function trainEm(
  vectors: Uint8Array,
  fields: readonly LinkField[],
  initialU: number[][],
  options: EmOptions = {},
): ModelParams {
  const F = fields.length;
  // Distinct vectors as mixed-radix integers (levels per kind are few), counted in one pass.
  const radix = fields.map((f) => LEVELS[f.kind].length);
  const counts = new Map<number, number>();
  for (let o = 0; o < vectors.length; o += F) {
    let code = 0;
    for (let f = 0; f < F; f++) code = code * (radix[f] as number) + (vectors[o + f] as number);
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  const patterns = new Map<number, { levels: number[]; count: number }>();
  for (const [code, count] of counts) {
    const levels = new Array<number>(F);
    let c = code;
    for (let f = F - 1; f >= 0; f--) {
      levels[f] = c % (radix[f] as number);
      c = Math.floor(c / (radix[f] as number));
    }
    patterns.set(code, { levels, count });
  }
  const pats = [...patterns.values()];
  const total = vectors.length / F;
  let m = initialM(fields);
  let u = initialU.map((row) => [...row]);
  let lambda = options.lambda ?? 0.1;
  const maxIterations = options.maxIterations ?? 200;
  const tolerance = options.tolerance ?? 1e-6;
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations && total > 0) {
    iterations++;
    const mAcc = fields.map((f) => new Array<number>(LEVELS[f.kind].length).fill(0));
    const uAcc = fields.map((f) => new Array<number>(LEVELS[f.kind].length).fill(0));
    let matchMass = 0;
    for (const p of pats) {
      let lm = Math.log(lambda);
      let lu = Math.log(1 - lambda);
      for (let f = 0; f < F; f++) {
        const l = p.levels[f] as number;
        if (l === 0) continue;
        lm += Math.log((m[f] as number[])[l] as number);
        lu += Math.log((u[f] as number[])[l] as number);
      }
      const post = 1 / (1 + Math.exp(lu - lm));
      matchMass += post * p.count;
      for (let f = 0; f < F; f++) {
        const l = p.levels[f] as number;
        (mAcc[f] as number[])[l] = ((mAcc[f] as number[])[l] as number) + post * p.count;
        (uAcc[f] as number[])[l] = ((uAcc[f] as number[])[l] as number) + (1 - post) * p.count;
      }
    }
    const normalise = (acc: number[]): number[] => {
      const s = acc.slice(1).reduce((x, y) => x + y, 0);
      return acc.map((v, l) => (l === 0 ? 1 : s > 0 ? clamp(v / s) : 1 / (acc.length - 1)));
    };
    // m keeps a floor on every level (a Dirichlet-like smoothing): with few candidates EM can
    // drive a level it rarely saw among matches (a moved address) to zero, and one such field
    // would then veto a pair that everything else says is a match.
    const nextM = mAcc
      .map(normalise)
      .map((row) => row.map((v, l) => (l === 0 ? 1 : (1 - M_FLOOR) * v + M_FLOOR / (row.length - 1))));
    const nextU = uAcc.map(normalise);
    const nextLambda = clamp(matchMass / total);
    let delta = Math.abs(nextLambda - lambda);
    for (let f = 0; f < F; f++) {
      for (let l = 1; l < (nextM[f] as number[]).length; l++) {
        delta = Math.max(
          delta,
          Math.abs(((nextM[f] as number[])[l] as number) - ((m[f] as number[])[l] as number)),
          Math.abs(((nextU[f] as number[])[l] as number) - ((u[f] as number[])[l] as number)),
        );
      }
    }
    m = nextM;
    u = nextU;
    lambda = nextLambda;
    if (delta < tolerance) {
      converged = true;
      break;
    }
  }
  return { lambda, m, u, iterations, converged };
}

/** Per name field: value → share of records holding it (term frequencies). */
export function termFrequencies(
  records: readonly LinkRecord[],
  fields: readonly LinkField[],
): Map<number, Map<string, number>> {
  const out = new Map<number, Map<string, number>>();
  fields.forEach((field, f) => {
    if (field.kind !== 'name' && field.kind !== 'given_name' && field.kind !== 'surname') return;
    const counts = new Map<string, number>();
    let n = 0;
    for (const r of records) {
      const v = r.values[f];
      if (!v) continue;
      counts.set(v.v, (counts.get(v.v) ?? 0) + 1);
      n++;
    }
    const freq = new Map<string, number>();
    for (const [v, c] of counts) freq.set(v, c / n);
    out.set(f, freq);
  });
  return out;
}

export interface ScoredPair {
  left: number;
  right: number;
  /** log2 Bayes factor sum including the prior odds. */
  weight: number;
  probability: number;
  /** Per-field levels (index into LEVELS[kind]). */
  levels: number[];
  /** Both id numbers are valid and differ: never linked automatically. */
  idConflict: boolean;
}

export interface ScoreOptions {
  /** The lower bound of the review band; an id conflict is capped below it. */
  reviewThreshold: number;
}

/** Scores of all candidate pairs in typed arrays (a million records give millions of pairs). */
export interface PackedScores {
  count: number;
  /** left = pairs[2k], right = pairs[2k + 1]. */
  pairs: Uint32Array;
  /** Levels of pair k: vectors[k·F + f]. */
  vectors: Uint8Array;
  fieldCount: number;
  weight: Float64Array;
  probability: Float64Array;
  /** 1 when both valid id numbers differ. */
  idConflict: Uint8Array;
}

/** Pair k of packed scores as a `ScoredPair` object. */
export function scoredPairAt(s: PackedScores, k: number): ScoredPair {
  const F = s.fieldCount;
  return {
    left: s.pairs[2 * k] as number,
    right: s.pairs[2 * k + 1] as number,
    weight: s.weight[k] as number,
    probability: s.probability[k] as number,
    levels: Array.from(s.vectors.subarray(k * F, (k + 1) * F)),
    idConflict: s.idConflict[k] === 1,
  };
}

/** Match weight and probability of every pair, into typed arrays (see `scorePairs` for objects). */
export function scorePairsPacked(
  records: readonly LinkRecord[],
  fields: readonly LinkField[],
  pairs: Uint32Array,
  vectors: Uint8Array,
  params: ModelParams,
  tf: Map<number, Map<string, number>>,
  options: ScoreOptions,
): PackedScores {
  const F = fields.length;
  const count = pairs.length / 2;
  const prior = Math.log2(params.lambda / (1 - params.lambda));
  // The mean exact-agreement probability of two random records on a field (Σ f²): the value's own
  // frequency relative to it scales the exact level's u.
  const meanTf = new Map<number, number>();
  for (const [f, freq] of tf) {
    let s = 0;
    for (const p of freq.values()) s += p * p;
    meanTf.set(f, s);
  }
  // log2(m/u) per field and level, once.
  const bayes = fields.map((_, f) =>
    (params.m[f] as number[]).map((mf, l) =>
      l === 0 ? 0 : Math.log2(mf / ((params.u[f] as number[])[l] as number)),
    ),
  );
  const tfFields = fields.map((_, f) => {
    const freq = tf.get(f);
    const mean = meanTf.get(f);
    return freq && mean ? { freq, mean } : null;
  });
  const idFields = fields.map((f, i) => (f.kind === 'id_number' ? i : -1)).filter((i) => i >= 0);
  const cap = options.reviewThreshold / 2;
  const weight = new Float64Array(count);
  const probability = new Float64Array(count);
  const idConflict = new Uint8Array(count);
  for (let k = 0; k < count; k++) {
    const a = records[pairs[2 * k] as number] as LinkRecord;
    const b = records[pairs[2 * k + 1] as number] as LinkRecord;
    let w = prior;
    for (let f = 0; f < F; f++) {
      const l = vectors[k * F + f] as number;
      if (l === 0) continue;
      const t = l === 1 ? tfFields[f] : null;
      if (t) {
        const mf = (params.m[f] as number[])[1] as number;
        const uf = (params.u[f] as number[])[1] as number;
        const own = t.freq.get((a.values[f] ?? { v: '' }).v) ?? t.mean;
        w += Math.log2(mf / clamp((uf * own) / t.mean));
      } else w += (bayes[f] as number[])[l] as number;
    }
    let p = 1 / (1 + 2 ** -w);
    for (const f of idFields) {
      const x = a.values[f];
      const y = b.values[f];
      if (x?.valid && y?.valid && x.v !== y.v) {
        idConflict[k] = 1;
        p = Math.min(p, cap);
      }
    }
    weight[k] = w;
    probability[k] = p;
  }
  return { count, pairs, vectors, fieldCount: F, weight, probability, idConflict };
}

/** Match weight and probability of every pair, as objects (small runs; `scorePairsPacked` scales). */
export function scorePairs(
  records: readonly LinkRecord[],
  fields: readonly LinkField[],
  pairs: Uint32Array,
  vectors: Uint8Array,
  params: ModelParams,
  tf: Map<number, Map<string, number>>,
  options: ScoreOptions,
): ScoredPair[] {
  const packed = scorePairsPacked(records, fields, pairs, vectors, params, tf, options);
  const out = new Array<ScoredPair>(packed.count);
  for (let k = 0; k < packed.count; k++) out[k] = scoredPairAt(packed, k);
  return out;
}
