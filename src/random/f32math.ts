/**
 * Deterministic f32 math: the TypeScript twin of `src/wgsl/math.ts`.
 *
 * WGSL's builtin `exp`, `log`, `sin`, `sqrt` and even `/` are not correctly rounded and differ
 * between GPUs and from `Math.*`, so a CPU replay of a GPU run could take a different branch.
 * These functions use only f32 `+ - *`, comparisons, `floor`/`round`, bit casts and exact
 * power-of-two scaling, and both twins run the same operations in the same order, so they
 * return the same bits. Every TypeScript operation is rounded to f32 with `Math.fround`.
 *
 * Conventions shared by both twins (keep them in sync):
 * - Results that would be subnormal are flushed to zero explicitly, because GPUs may flush
 *   subnormals (FTZ) while JavaScript does not.
 * - Inputs are finite normal f32 values; NaN handling is not part of the contract.
 * - Constants are stored as f32 bit patterns in {@link MATH_CONSTANT_BITS}; the WGSL text is
 *   generated from the same table.
 * - Shader compilers treat float math as reassociable: Mesa's NIR (llvmpipe) rewrites
 *   (1 + x) - 1 to x and may fuse a * b + c into an FMA, while WGSL `fma` itself is not
 *   guaranteed fused (on llvmpipe it is not). The WGSL side therefore routes every inexact
 *   multiply-add through `math_mad` (product, opaque barrier `math_keep`, then sum; twin
 *   {@link madF32}) and puts `math_keep` wherever a rewrite could cancel terms. Products
 *   that feed additions elsewhere are exact (16-bit constant splits, powers of two).
 *   Kernels built on these snippets should follow the same rule.
 *
 * @module
 */

const f32Buf = new Float32Array(1);
const u32Buf = new Uint32Array(f32Buf.buffer);
const fr = Math.fround;

/**
 * The bits of `x` rounded to f32, as an unsigned 32-bit integer.
 * @example
 * ```ts
 * f32ToBits(1); // 0x3f800000
 * ```
 */
export function f32ToBits(x: number): number {
  f32Buf[0] = x;
  return u32Buf[0];
}

/**
 * The f32 value whose bits are `u` (read as unsigned 32-bit).
 * @example
 * ```ts
 * bitsToF32(0x3f800000); // 1
 * ```
 */
export function bitsToF32(u: number): number {
  u32Buf[0] = u >>> 0;
  return f32Buf[0];
}

/**
 * f32 bit patterns of every constant used by the deterministic math (both twins).
 * Polynomials were fitted (near-minimax, iteratively reweighted least squares in double) and
 * rounded to f32; the ln2 splits carry 16 significant bits each so `k * ln2_i` is exact.
 */
export const MATH_CONSTANT_BITS = {
  /** log2(e) */
  log2e: 0x3fb8aa3b,
  /** ln 2 = ln2_1 + ln2_2 + ln2_3 (+ 9e-17), 16 significant bits each */
  ln2_1: 0x3f317200,
  ln2_2: 0x35bfbf00,
  ln2_3: 0xad630800,
  /** smallest f32 x with exp(x) >= 2^-126 (below: 0) */
  expMin: 0xc2aeac4f,
  /** largest f32 x with exp(x) <= FLT_MAX (above: +inf) */
  expMax: 0x42b17217,
  /** exp(r) = 1 + r + r^2 * (p0 + p1 r + ... + p4 r^4), |r| <= ln2/2 */
  expP: [0x3efffffe, 0x3e2aaa49, 0x3d2aac79, 0x3c091ceb, 0x3ab5121f],
  /** log1p(f) = f + f^2 * (q0 + q1 f + ... + q8 f^8), f in [sqrt(1/2)-1, sqrt(2)-1] */
  logQ: [
    0xbefffffc,
    0x3eaaaaa8,
    0xbe800214,
    0x3e4cd201,
    0xbe2a139f,
    0x3e113846,
    0xbe079bd1,
    0x3e042735,
    0xbd9c1ea4,
  ],
  /** sqrt(2) rounded to f32 */
  sqrt2: 0x3fb504f3,
  /** sin(2 pi s) = s * (s0 + s1 s^2 + s2 s^4 + s3 s^6), |s| <= 1/8 */
  sinS: [0x40c90fdb, 0xc2255ddd, 0x42a32f4a, 0xc296c9b4],
  /** cos(2 pi s) = 1 + s^2 * (c0 + c1 s^2 + c2 s^4 + c3 s^6), |s| <= 1/8 */
  cosC: [0xc19de9e6, 0x4281e0ef, 0xc2aae2f0, 0x426ceac2],
  /** 1/sqrt(m) ~ r0 + r1 m + r2 m^2 on [1, 4): Newton seed (2.4% max error) */
  rsqrtR: [0x3faaed56, 0xbed23d04, 0x3d51b2a9],
  /** 1/m ~ a - b m on [1, 2) with a = 24/17, b = 8/17: Newton seed (1/17 max error) */
  recipSeed: [0x3fb4b4b5, 0x3ef0f0f1],
} as const;

const K = MATH_CONSTANT_BITS;
const LOG2E = bitsToF32(K.log2e);
const LN2_1 = bitsToF32(K.ln2_1);
const LN2_2 = bitsToF32(K.ln2_2);
const LN2_3 = bitsToF32(K.ln2_3);
const EXP_MIN = bitsToF32(K.expMin);
const EXP_MAX = bitsToF32(K.expMax);
const EXP_P = K.expP.map(bitsToF32);
const LOG_Q = K.logQ.map(bitsToF32);
const SQRT2 = bitsToF32(K.sqrt2);
const SIN_S = K.sinS.map(bitsToF32);
const COS_C = K.cosC.map(bitsToF32);
const RSQRT_R = K.rsqrtR.map(bitsToF32);
const RECIP_A = bitsToF32(K.recipSeed[0]);
const RECIP_B = bitsToF32(K.recipSeed[1]);
/** Smallest normal f32, 2^-126. */
export const F32_MIN_NORMAL: number = bitsToF32(0x00800000);
/** Largest finite f32. */
export const F32_MAX: number = bitsToF32(0x7f7fffff);

/**
 * a * b + c with two f32 roundings (product, then sum): the twin of WGSL `math_mad`, which
 * keeps the compiler from fusing the two into one FMA.
 * @example
 * ```ts
 * madF32(3, 0.5, 1); // 2.5
 * ```
 */
export function madF32(a: number, b: number, c: number): number {
  return fr(fr(fr(a) * fr(b)) + fr(c));
}

/** 2^n as f32 for integer n in [-126, 127] (exact, built from bits). */
function pow2(n: number): number {
  return bitsToF32((n + 127) << 23);
}

/**
 * Round half to even, like WGSL `round` (JavaScript's `Math.round` rounds halves up).
 * @example
 * ```ts
 * roundHalfEven(2.5); // 2
 * ```
 */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * e^x in f32 (about 1 ulp). Returns 0 where the result would be below 2^-126 and +inf
 * above the f32 range.
 * @example
 * ```ts
 * mathExp(1); // 2.7182817459106445 (f32 nearest e)
 * ```
 */
export function mathExp(x: number): number {
  x = fr(x);
  if (x > EXP_MAX) return Infinity;
  if (x < EXP_MIN) return 0;
  const k = roundHalfEven(fr(x * LOG2E));
  // Cody-Waite: every k * ln2_i is exact (8-bit k times 16-bit constant).
  let r = fr(x - fr(k * LN2_1));
  r = fr(r - fr(k * LN2_2));
  r = fr(r - fr(k * LN2_3));
  let p = EXP_P[4];
  p = madF32(p, r, EXP_P[3]);
  p = madF32(p, r, EXP_P[2]);
  p = madF32(p, r, EXP_P[1]);
  p = madF32(p, r, EXP_P[0]);
  const r2 = fr(r * r);
  const y = fr(1 + madF32(r2, p, r));
  // k is in [-126, 128]; two half-scalings keep each factor a normal power of two.
  const k1 = k >> 1;
  const out = fr(fr(y * pow2(k1)) * pow2(k - k1));
  return out < F32_MIN_NORMAL ? 0 : out;
}

/** log(2^e * (1 + f)) for the reduced argument; shared by log and log1p. */
function logReduced(e: number, f: number): number {
  let q = LOG_Q[8];
  for (let i = 7; i >= 0; i--) q = madF32(q, f, LOG_Q[i]);
  const f2 = fr(f * f);
  const t = madF32(f2, q, fr(e * LN2_2));
  return fr(fr(e * LN2_1) + fr(f + t));
}

/**
 * Splits a positive normal f32 into exponent `e` and mantissa `m` in [sqrt(1/2), sqrt(2)).
 * Writes into `split` to stay allocation-free.
 */
const split = { e: 0, m: 0 };
function splitLog(x: number): void {
  const bits = f32ToBits(x);
  let e = (bits >>> 23) - 127;
  let m = bitsToF32((bits & 0x007fffff) | 0x3f800000);
  if (m > SQRT2) {
    m = fr(m * 0.5);
    e += 1;
  }
  split.e = e;
  split.m = m;
}

/**
 * Natural logarithm in f32 (about 1 ulp) for x > 0. Subnormal inputs and 0 give -inf;
 * negative inputs give NaN.
 * @example
 * ```ts
 * mathLog(1); // 0
 * ```
 */
export function mathLog(x: number): number {
  x = fr(x);
  if (x < 0) return NaN;
  if (x < F32_MIN_NORMAL) return -Infinity;
  if (x > F32_MAX) return Infinity;
  splitLog(x);
  return logReduced(split.e, fr(split.m - 1));
}

/**
 * log(1 + x) in f32 (about 1 ulp), accurate for tiny x; x = -1 gives -inf.
 * @example
 * ```ts
 * mathLog1p(1e-10); // 1.0000000133514320e-10 (f32 of 1e-10)
 * ```
 */
export function mathLog1p(x: number): number {
  x = fr(x);
  if (x < -1) return NaN;
  if (x > F32_MAX) return Infinity;
  const u = fr(1 + x);
  if (u < F32_MIN_NORMAL) return -Infinity;
  if (u > F32_MAX) return mathLog(x);
  // c = the rounding error of 1 + x; log1p(x) = log(u) + log(1 + c/u).
  const c = fr(x - fr(u - 1));
  splitLog(u);
  const e = split.e;
  const corr = fr(c * pow2(Math.max(-e, -126)));
  return logReduced(e, fr(fr(split.m - 1) + corr));
}

/**
 * softplus(x) = log(1 + e^x) in f32, computed as max(x, 0) + log1p(exp(-|x|)).
 * @example
 * ```ts
 * mathLog1pExp(0); // 0.6931471824645996 (f32 ln 2)
 * ```
 */
export function mathLog1pExp(x: number): number {
  x = fr(x);
  const l = mathLog1p(mathExp(-Math.abs(x)));
  return fr(Math.max(x, 0) + l);
}

/**
 * 1/x in f32 (about 1 ulp) by Newton iteration, without a division. The sign is kept;
 * |x| > 2^127 gives 0 and |x| < 2^-126 gives infinity.
 * @example
 * ```ts
 * mathRecip(4); // 0.25
 * ```
 */
export function mathRecip(x: number): number {
  x = fr(x);
  const bits = f32ToBits(x);
  const e = ((bits >>> 23) & 0xff) - 127;
  const neg = bits >>> 31 === 1;
  if (e > 126) return neg ? -0 : 0; // |1/x| < 2^-126: flushed like a GPU would
  if (e < -126) return neg ? -Infinity : Infinity; // 0 or subnormal input
  const m = bitsToF32((bits & 0x007fffff) | 0x3f800000);
  // Linear seed 24/17 - 8/17 m on [1, 2) has relative error <= 1/17; three Newton steps.
  let y = madF32(-RECIP_B, m, RECIP_A);
  for (let i = 0; i < 3; i++) {
    const err = madF32(-m, y, 1);
    y = madF32(y, err, y);
  }
  const out = fr(y * pow2(-e));
  return neg ? -out : out;
}

/**
 * The logistic function 1 / (1 + e^-x) in f32 (a few ulp), without a division.
 * @example
 * ```ts
 * mathSigmoid(0); // 0.5
 * ```
 */
export function mathSigmoid(x: number): number {
  x = fr(x);
  if (x >= 0) return mathRecip(fr(1 + mathExp(-x)));
  const e = mathExp(x);
  return fr(e * mathRecip(fr(1 + e)));
}

/**
 * sqrt(x) in f32 (about 1 ulp) by Newton iteration on 1/sqrt. 0 and subnormals give 0,
 * negative inputs NaN.
 * @example
 * ```ts
 * mathSqrt(2); // 1.4142135381698608
 * ```
 */
export function mathSqrt(x: number): number {
  x = fr(x);
  if (x < 0) return NaN;
  if (x < F32_MIN_NORMAL) return 0;
  if (x > F32_MAX) return Infinity;
  const bits = f32ToBits(x);
  let e = (bits >>> 23) - 127;
  let m = bitsToF32((bits & 0x007fffff) | 0x3f800000);
  if (e & 1) {
    m = fr(m * 2);
    e -= 1;
  }
  let y = RSQRT_R[2];
  y = madF32(y, m, RSQRT_R[1]);
  y = madF32(y, m, RSQRT_R[0]);
  const h = fr(m * 0.5);
  for (let i = 0; i < 3; i++) {
    const t = madF32(-h, fr(y * y), 1.5);
    y = fr(y * t);
  }
  let s = fr(m * y);
  const d = madF32(-s, s, m);
  s = madF32(fr(y * 0.5), d, s);
  return fr(s * pow2(e / 2));
}

/**
 * sin(2 pi t) and cos(2 pi t) in f32, written into `out` as [sin, cos] (absolute error about
 * 1e-7). The reduction t - round(4t)/4 is exact for every f32 t.
 * @example
 * ```ts
 * const sc = mathSincos2pi(0.25, [0, 0]); // [1, 0]
 * ```
 */
export function mathSincos2pi(t: number, out: number[] | Float32Array = [0, 0]): typeof out {
  t = fr(t);
  const q = roundHalfEven(fr(t * 4));
  const s = fr(t - fr(q * 0.25));
  const quadrant = fr(q - fr(4 * Math.floor(fr(q * 0.25))));
  const s2 = fr(s * s);
  let ps = SIN_S[3];
  ps = madF32(ps, s2, SIN_S[2]);
  ps = madF32(ps, s2, SIN_S[1]);
  ps = madF32(ps, s2, SIN_S[0]);
  const sn = fr(s * ps);
  let pc = COS_C[3];
  pc = madF32(pc, s2, COS_C[2]);
  pc = madF32(pc, s2, COS_C[1]);
  pc = madF32(pc, s2, COS_C[0]);
  const cs = madF32(s2, pc, 1);
  if (quadrant === 0) {
    out[0] = sn;
    out[1] = cs;
  } else if (quadrant === 1) {
    out[0] = cs;
    out[1] = -sn;
  } else if (quadrant === 2) {
    out[0] = -sn;
    out[1] = -cs;
  } else {
    out[0] = -cs;
    out[1] = sn;
  }
  return out;
}
