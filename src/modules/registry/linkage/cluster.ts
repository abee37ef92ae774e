/**
 * Clustering of scored pairs into persons: union-find over the pairs at or above the upper
 * threshold (strongest first); pairs between the lower and the upper threshold go to review.
 * A union that would put two different valid id numbers into one person is refused and counted,
 * so transitivity cannot merge what the model would never merge directly.
 */
import { type PackedScores, type ScoredPair, scoredPairAt } from './model.js';

export interface Clustering {
  /** clusterOf[i]: a representative record index of record i's person. */
  clusterOf: Int32Array;
  /** Persons (clusters of one record included). */
  clusters: number;
  linked: ScoredPair[];
  review: ScoredPair[];
  /** Links refused because they would join two different valid id numbers. */
  refused: number;
  /** Per input pair: 0 below the review band, 1 for review, 2 linked. */
  status: Uint8Array;
}

export function clusterPairs(
  n: number,
  pairs: readonly ScoredPair[],
  thresholds: { upper: number; lower: number },
  /** A record's valid id number, if any. */
  validId: (i: number) => string | null,
): Clustering {
  return clusterCore(
    n,
    pairs.length,
    (k) => (pairs[k] as ScoredPair).left,
    (k) => (pairs[k] as ScoredPair).right,
    (k) => (pairs[k] as ScoredPair).probability,
    (k) => pairs[k] as ScoredPair,
    thresholds,
    validId,
  );
}

/** `clusterPairs` on packed scores; only linked and review pairs become objects. */
export function clusterPacked(
  n: number,
  scores: PackedScores,
  thresholds: { upper: number; lower: number },
  validId: (i: number) => string | null,
): Clustering {
  return clusterCore(
    n,
    scores.count,
    (k) => scores.pairs[2 * k] as number,
    (k) => scores.pairs[2 * k + 1] as number,
    (k) => scores.probability[k] as number,
    (k) => scoredPairAt(scores, k),
    thresholds,
    validId,
  );
}

function clusterCore(
  n: number,
  count: number,
  leftOf: (k: number) => number,
  rightOf: (k: number) => number,
  probabilityOf: (k: number) => number,
  pairAt: (k: number) => ScoredPair,
  thresholds: { upper: number; lower: number },
  validId: (i: number) => string | null,
): Clustering {
  const parent = new Int32Array(n);
  const size = new Int32Array(n).fill(1);
  for (let i = 0; i < n; i++) parent[i] = i;
  // The one valid id number of a person (a union that would bring a second one is refused, so
  // a person never holds two).
  const idOf = new Array<string | null>(n);
  for (let i = 0; i < n; i++) idOf[i] = validId(i);
  const find = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r] as number;
    let x = i;
    while (parent[x] !== r) {
      const next = parent[x] as number;
      parent[x] = r;
      x = next;
    }
    return r;
  };
  // Pairs from the lower threshold up, strongest first (ties in input order).
  let m = 0;
  const order = new Uint32Array(count);
  for (let k = 0; k < count; k++) if (probabilityOf(k) >= thresholds.lower) order[m++] = k;
  const candidates = Array.from(order.subarray(0, m)).sort(
    (x, y) => probabilityOf(y) - probabilityOf(x) || x - y,
  );
  const status = new Uint8Array(count);
  const linked: ScoredPair[] = [];
  const review: ScoredPair[] = [];
  let refused = 0;
  for (const k of candidates) {
    const p = probabilityOf(k);
    if (p < thresholds.upper) {
      status[k] = 1;
      review.push(pairAt(k));
      continue;
    }
    const ra = find(leftOf(k));
    const rb = find(rightOf(k));
    if (ra === rb) {
      status[k] = 2;
      linked.push(pairAt(k));
      continue;
    }
    const ia = idOf[ra] ?? null;
    const ib = idOf[rb] ?? null;
    if (ia !== null && ib !== null && ia !== ib) {
      refused++;
      status[k] = 1;
      review.push(pairAt(k));
      continue;
    }
    const [big, small] = (size[ra] as number) >= (size[rb] as number) ? [ra, rb] : [rb, ra];
    parent[small] = big;
    size[big] = (size[big] as number) + (size[small] as number);
    idOf[big] = ia ?? ib;
    status[k] = 2;
    linked.push(pairAt(k));
  }
  const clusterOf = new Int32Array(n);
  let clusters = 0;
  for (let i = 0; i < n; i++) {
    clusterOf[i] = find(i);
    if (clusterOf[i] === i) clusters++;
  }
  return { clusterOf, clusters, linked, review, refused, status };
}
