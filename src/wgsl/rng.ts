/**
 * WGSL counter-based RNG (`rng_*`): Philox4x32-10 and derived draws, the twins of
 * `src/random/philox.ts` and `src/random/draws.ts`. Counter convention:
 * `ctr = vec4(index, step, chain, stream)`, `key = vec2(seed_lo, seed_hi)`.
 *
 * Snippets and their dependencies:
 * - {@link RNG_PHILOX_WGSL}: `rng_mulhilo`, `rng_philox`, `rng_word` (no dependencies).
 * - {@link RNG_DRAWS_WGSL}: `rng_uniform`, `rng_uniform_open`, `rng_normal2`, `rng_gumbel`,
 *   `rng_bernoulli` (needs `MATH_WGSL` from `math.ts`).
 * - {@link RNG_WGSL}: math + philox + draws, complete. Include it alone, not together with
 *   `MATH_WGSL` (WGSL rejects duplicate declarations).
 *
 * @module
 */

import { MATH_WGSL } from "./math.ts";

/** Philox4x32-10 in WGSL; mulhi by 16-bit limbs since WGSL has no 64-bit integers. */
export const RNG_PHILOX_WGSL: string =
  `// ---- rng: Philox4x32-10 (twin of src/random/philox.ts) ----
// vec2(hi, lo) of the 64-bit product a * b, from 16-bit limbs.
fn rng_mulhilo(a: u32, b: u32) -> vec2<u32> {
  let a_lo = a & 0xffffu;
  let a_hi = a >> 16u;
  let b_lo = b & 0xffffu;
  let b_hi = b >> 16u;
  let ll = a_lo * b_lo;
  let lh = a_lo * b_hi;
  let hl = a_hi * b_lo;
  let hh = a_hi * b_hi;
  let mid = (ll >> 16u) + (lh & 0xffffu) + (hl & 0xffffu);
  let hi = hh + (lh >> 16u) + (hl >> 16u) + (mid >> 16u);
  return vec2<u32>(hi, a * b);
}

fn rng_philox(ctr: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  var c = ctr;
  var k = key;
  for (var r = 0u; r < 10u; r = r + 1u) {
    let p0 = rng_mulhilo(0xd2511f53u, c.x);
    let p1 = rng_mulhilo(0xcd9e8d57u, c.z);
    c = vec4<u32>(p1.x ^ c.y ^ k.x, p1.y, p0.x ^ c.w ^ k.y, p0.y);
    k = k + vec2<u32>(0x9e3779b9u, 0xbb67ae85u);
  }
  return c;
}

// Word j of the draws for ctr = (index, step, chain, stream): block j / 4 uses stream word
// stream | (block << 16). Same as philoxWords in TS.
fn rng_word(key: vec2<u32>, ctr: vec4<u32>, j: u32) -> u32 {
  let block = rng_philox(vec4<u32>(ctr.x, ctr.y, ctr.z, ctr.w | ((j >> 2u) << 16u)), key);
  return block[j & 3u];
}
`;

/** Derived draws in WGSL; needs `MATH_WGSL`. */
export const RNG_DRAWS_WGSL: string = `// ---- rng: derived draws (twin of src/random/draws.ts) ----
// [0, 1): (x >> 8) * 2^-24, exact.
fn rng_uniform(x: u32) -> f32 {
  return f32(x >> 8u) * 0x1p-24f;
}

// (0, 1): ((x >> 9) + 0.5) * 2^-23, exact, in [2^-24, 1 - 2^-24].
fn rng_uniform_open(x: u32) -> f32 {
  return (f32(x >> 9u) + 0.5) * 0x1p-23f;
}

// Box-Muller: vec2(r cos, r sin), r = sqrt(-2 log u1), angle 2 pi u2.
fn rng_normal2(a: u32, b: u32) -> vec2<f32> {
  let r = math_sqrt(-2.0 * math_log(rng_uniform_open(a)));
  let sc = math_sincos_2pi(rng_uniform(b));
  return vec2<f32>(r * sc.y, r * sc.x);
}

fn rng_gumbel(x: u32) -> f32 {
  return -math_log(-math_log(rng_uniform_open(x)));
}

fn rng_bernoulli(x: u32, p: f32) -> bool {
  return rng_uniform(x) < p;
}
`;

/** Complete RNG snippet: math + Philox + draws. */
export const RNG_WGSL: string = `${MATH_WGSL}\n${RNG_PHILOX_WGSL}\n${RNG_DRAWS_WGSL}`;

/**
 * The complete RNG snippet (same text as {@link RNG_WGSL}), math included.
 * @example
 * ```ts
 * const code = rngWgsl() + "fn sampler_u(i: u32) -> f32 { return rng_uniform(i); }";
 * ```
 */
export function rngWgsl(): string {
  return RNG_WGSL;
}
