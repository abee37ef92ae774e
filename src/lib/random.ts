/**
 * Deterministic pseudo-random numbers for generators (demo city, benchmarks, tests).
 * Never use for secrets: use node:crypto there.
 */

/** A seeded random source; every generator takes one so that the same seed gives the same city. */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** Uniform float in [min, max). */
  range(min: number, max: number): number;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** True with probability p. */
  chance(p: number): boolean;
  /** Normally distributed value (Box–Muller). */
  normal(mean: number, sd: number): number;
  /** A new independent stream derived from this one (stable for the same call order). */
  fork(label: string): Rng;
}

function hashString(s: string): number {
  // FNV-1a 32-bit: only used to turn labels into seeds.
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** sfc32: small, fast, passes PractRand for our sizes; seeded from a number or a string. */
export function createRng(seed: number | string): Rng {
  const s = typeof seed === 'string' ? hashString(seed) : seed >>> 0;
  let a = 0x9e3779b9 ^ s;
  let b = 0x243f6a88 ^ Math.imul(s, 0x85ebca6b);
  let c = 0xb7e15162 ^ Math.imul(s, 0xc2b2ae35);
  let d = s ^ 0x12345678;
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  const rng: Rng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    range: (min, max) => min + next() * (max - min),
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('pick from empty array');
      return items[Math.floor(next() * items.length)] as T;
    },
    chance: (p) => next() < p,
    normal: (mean, sd) => {
      const u = 1 - next();
      const v = next();
      return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    fork: (label) => createRng((Math.floor(next() * 4294967296) ^ hashString(label)) >>> 0),
  };
  return rng;
}
