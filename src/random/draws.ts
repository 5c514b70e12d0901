/**
 * Derived draws from 32-bit Philox words, the TypeScript twins of the `rng_*` draw functions in
 * `src/wgsl/rng.ts`. Every float operation is rounded to f32 and uses the deterministic math in
 * `f32math.ts`, so each function returns the same bits as its WGSL twin.
 *
 * @module
 */

import { mathLog, mathSincos2pi, mathSqrt } from "./f32math.ts";

const fr = Math.fround;
const TWO_M24 = 2 ** -24;
const TWO_M23 = 2 ** -23;

/**
 * A uniform f32 in [0, 1) from a 32-bit word: (x >>> 8) * 2^-24, exact in f32.
 * @example
 * ```ts
 * uniform01(0xffffffff); // 1 - 2^-24
 * ```
 */
export function uniform01(x: number): number {
  return (x >>> 8) * TWO_M24;
}

/**
 * A uniform f32 in the open interval (0, 1): ((x >>> 9) + 0.5) * 2^-23, exact in f32, so
 * the values lie in [2^-24, 1 - 2^-24]. (With 24 bits, k + 0.5 needs 25 bits and the top
 * value would round to exactly 1, so this uses 23.)
 * @example
 * ```ts
 * uniformOpen(0); // 2^-24
 * ```
 */
export function uniformOpen(x: number): number {
  return ((x >>> 9) + 0.5) * TWO_M23;
}

/**
 * Two independent standard normals from two words by Box-Muller:
 * r = sqrt(-2 log u1) with u1 = uniformOpen(a), angle 2 pi uniform01(b); returns
 * [r cos, r sin] (written into `out` when given).
 * @example
 * ```ts
 * const [z0, z1] = normal2(0x12345678, 0x9abcdef0);
 * ```
 */
export function normal2(
  a: number,
  b: number,
  out: number[] | Float32Array = [0, 0],
): typeof out {
  const r = mathSqrt(fr(-2 * mathLog(uniformOpen(a))));
  mathSincos2pi(uniform01(b), out);
  const s = out[0];
  out[0] = fr(r * out[1]);
  out[1] = fr(r * s);
  return out;
}

/**
 * A standard Gumbel draw -log(-log(u)) with u = uniformOpen(x).
 * @example
 * ```ts
 * gumbel(0x80000000); // about 0.3665 (= -log(log 2))
 * ```
 */
export function gumbel(x: number): number {
  return -mathLog(-mathLog(uniformOpen(x)));
}

/**
 * A Bernoulli(p) draw: uniform01(x) < p (p is rounded to f32 first, like on the GPU).
 * @example
 * ```ts
 * bernoulli(0, 0.5); // true
 * ```
 */
export function bernoulli(x: number, p: number): boolean {
  return uniform01(x) < fr(p);
}

/**
 * Categorical draw by Gumbel-max: argmax_j (logits[j] + gumbel(words[j])), first index on
 * ties. `words` needs at least `logits.length` entries (e.g. from `philoxWords`).
 * @example
 * ```ts
 * categoricalGumbelMax([0, 1, 2], [0x1, 0x2, 0x3]);
 * ```
 */
export function categoricalGumbelMax(
  logits: ArrayLike<number>,
  words: ArrayLike<number>,
): number {
  if (words.length < logits.length) {
    throw new Error(
      `categoricalGumbelMax: expected at least ${logits.length} words, got ${words.length}`,
    );
  }
  let best = -Infinity;
  let arg = 0;
  for (let j = 0; j < logits.length; j++) {
    const g = fr(fr(logits[j]) + gumbel(words[j]));
    if (g > best) {
      best = g;
      arg = j;
    }
  }
  return arg;
}
