/**
 * Clustering of scored pairs into persons: union-find over the pairs at or above the upper
 * threshold (strongest first); pairs between the lower and the upper threshold go to review.
 * A union that would put two different valid id numbers into one person is refused and counted,
 * so transitivity cannot merge what the model would never merge directly.
 */
import type { ScoredPair } from './model.js';

export interface Clustering {
  /** clusterOf[i]: a representative record index of record i's person. */
  clusterOf: Int32Array;
  /** Persons (clusters of one record included). */
  clusters: number;
  linked: ScoredPair[];
  review: ScoredPair[];
  /** Links refused because they would join two different valid id numbers. */
  refused: number;
}

export function clusterPairs(
  n: number,
  pairs: readonly ScoredPair[],
  thresholds: { upper: number; lower: number },
  /** A record's valid id number, if any. */
  validId: (i: number) => string | null,
): Clustering {
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const ids = new Map<number, Set<string>>();
  for (let i = 0; i < n; i++) {
    const id = validId(i);
    if (id !== null) ids.set(i, new Set([id]));
  }
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
  const linked: ScoredPair[] = [];
  const review: ScoredPair[] = [];
  let refused = 0;
  const sorted = [...pairs].sort((a, b) => b.probability - a.probability);
  for (const p of sorted) {
    if (p.probability < thresholds.lower) break;
    if (p.probability < thresholds.upper) {
      review.push(p);
      continue;
    }
    const ra = find(p.left);
    const rb = find(p.right);
    if (ra === rb) {
      linked.push(p);
      continue;
    }
    const ia = ids.get(ra);
    const ib = ids.get(rb);
    if (ia && ib && [...ib].some((id) => !ia.has(id))) {
      refused++;
      review.push(p);
      continue;
    }
    const [big, small] = (ia?.size ?? 0) >= (ib?.size ?? 0) ? [ra, rb] : [rb, ra];
    parent[small] = big;
    const merged = new Set([...(ids.get(big) ?? []), ...(ids.get(small) ?? [])]);
    if (merged.size > 0) ids.set(big, merged);
    ids.delete(small);
    linked.push(p);
  }
  const clusterOf = new Int32Array(n);
  let clusters = 0;
  for (let i = 0; i < n; i++) {
    clusterOf[i] = find(i);
    if (clusterOf[i] === i) clusters++;
  }
  return { clusterOf, clusters, linked, review, refused };
}
