/**
 * The exact orientation predicate of the grid locator: the sign of the 2×2 determinant that
 * point-in-polygon-hao (turf's engine) takes from robust-predicates' orient2d, through a float
 * filter with a static error bound, then floating-point expansions, then BigInt arithmetic.
 */

// Error bound for the float filter of u2*v1 - u1*v2 (both products and the difference rounded):
// |error| <= 3ε(|dl| + |dr|) with ε = 2^-53; Shewchuk's ccwerrboundA is (3 + 16ε)ε.
const ORIENT_ERR = (3 + 16 * 2 ** -53) * 2 ** -53;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Exact x = m * 2^e as [m, e] with m a BigInt (x finite). */
function exactParts(x: number): [bigint, number] {
  if (x === 0) return [0n, 0];
  f64[0] = x;
  const hi = u32[LITTLE ? 1 : 0]!;
  const lo = u32[LITTLE ? 0 : 1]!;
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (hi & 0xfffff) * 4294967296 + lo;
  let exp: number;
  if (biased === 0) {
    exp = -1074;
  } else {
    mant += 4503599627370496; // 2^52, the implicit bit
    exp = biased - 1075;
  }
  const m = BigInt(mant);
  return [x < 0 ? -m : m, exp];
}

/** Exact sign of a*b - c*d for finite doubles. */
function exactSignDiffProducts(a: number, b: number, c: number, d: number): number {
  const [ma, ea] = exactParts(a);
  const [mb, eb] = exactParts(b);
  const [mc, ec] = exactParts(c);
  const [md, ed] = exactParts(d);
  let p = ma * mb;
  let q = mc * md;
  const ep = ea + eb;
  const eq = ec + ed;
  if (ep > eq) p <<= BigInt(ep - eq);
  else if (eq > ep) q <<= BigInt(eq - ep);
  return p > q ? 1 : p < q ? -1 : 0;
}

const SPLITTER = 134217729; // 2^27 + 1, Veltkamp splitting for Dekker's exact product

/**
 * Exact sign of (u2*v1) - (u1*v2) with floating-point expansions (Dekker two-product, Shewchuk
 * two-sum/grow-expansion): no allocation, valid while no product over- or underflows.
 */
function orientSignExpansion(u1: number, u2: number, v1: number, v2: number): number {
  // x1 + y1 = u2*v1 exactly
  const x1 = u2 * v1;
  let c = SPLITTER * u2;
  let ahi = c - (c - u2);
  let alo = u2 - ahi;
  c = SPLITTER * v1;
  let bhi = c - (c - v1);
  let blo = v1 - bhi;
  const y1 = alo * blo - (x1 - ahi * bhi - alo * bhi - ahi * blo);
  // x2 + y2 = u1*v2 exactly
  const x2 = u1 * v2;
  c = SPLITTER * u1;
  ahi = c - (c - u1);
  alo = u1 - ahi;
  c = SPLITTER * v2;
  bhi = c - (c - v2);
  blo = v2 - bhi;
  const y2 = alo * blo - (x2 - ahi * bhi - alo * bhi - ahi * blo);
  // [e0, e1] = x1 - x2 exactly (two-diff)
  const e1 = x1 - x2;
  let bv = x1 - e1;
  let av = e1 + bv;
  const e0 = x1 - av + (bv - x2);
  // grow with y1: [f0, f1, f2]
  let q = y1;
  let x = q + e0;
  bv = x - q;
  av = x - bv;
  const f0 = q - av + (e0 - bv);
  q = x;
  x = q + e1;
  bv = x - q;
  av = x - bv;
  const f1 = q - av + (e1 - bv);
  const f2 = x;
  // grow with -y2: [g0, g1, g2, g3]
  q = -y2;
  x = q + f0;
  bv = x - q;
  av = x - bv;
  const g0 = q - av + (f0 - bv);
  q = x;
  x = q + f1;
  bv = x - q;
  av = x - bv;
  const g1 = q - av + (f1 - bv);
  q = x;
  x = q + f2;
  bv = x - q;
  av = x - bv;
  const g2 = q - av + (f2 - bv);
  const g3 = x;
  // the largest non-zero component of a non-overlapping expansion carries the sign
  const top = g3 !== 0 ? g3 : g2 !== 0 ? g2 : g1 !== 0 ? g1 : g0;
  return top > 0 ? 1 : top < 0 ? -1 : 0;
}

/** Magnitudes for which Dekker's product neither overflows nor loses its error term to underflow. */
function inExpansionRange(v: number): boolean {
  const a = Math.abs(v);
  return a === 0 || (a > 1e-140 && a < 1e150);
}

/**
 * Sign of robust-predicates' orient2d(u1, u2, v1, v2, 0, 0) = sign(u2*v1 - u1*v2), exactly:
 * the inner predicate of point-in-polygon-hao. Exported for tests.
 */
export function orientSign(u1: number, u2: number, v1: number, v2: number): number {
  const dl = u2 * v1;
  const dr = u1 * v2;
  const det = dl - dr;
  const bound = ORIENT_ERR * (Math.abs(dl) + Math.abs(dr));
  if (bound > 1e-290) {
    // the static filter is valid away from underflow
    if (det > bound) return 1;
    if (det < -bound) return -1;
  }
  if ((u2 === 0 || v1 === 0) && (u1 === 0 || v2 === 0)) return 0; // both products exactly zero
  if (inExpansionRange(u1) && inExpansionRange(u2) && inExpansionRange(v1) && inExpansionRange(v2)) {
    return orientSignExpansion(u1, u2, v1, v2);
  }
  return exactOrientSign(u1, u2, v1, v2);
}

/** The same sign with BigInt arithmetic: slow, valid for every finite input (tests, extremes). */
export function exactOrientSign(u1: number, u2: number, v1: number, v2: number): number {
  return exactSignDiffProducts(u2, v1, u1, v2);
}
