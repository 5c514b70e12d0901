/**
 * WGSL twin of the Hamming ball step (see `hamming_ball.ts`).
 * @module
 */
import type { TypedScalar } from "../gpu/uniforms.ts";

/**
 * `sampler_step` for the radius-1 Hamming ball. The member loop runs to the constant ball size
 * `HB_M = 1 + blockSize (C - 1)` (options and the family's C, never D), so the compiler unrolls it
 * and indexes the Philox words statically; the effective size `SAMPLER_HB_M` (smaller only when
 * D < blockSize) is a size, and members beyond it are never selected. The loop walks (site
 * offset, value shift) by increments rather than dividing by C - 1 and wrapping by D: a vector
 * integer division by a runtime value is scalarised on SIMD software adapters.
 */
export function hammingBallWgsl(blockSize: number, numCategories: number): string {
  return /* wgsl */ `
const HB_M: u32 = ${1 + blockSize * (numCategories - 1)}u;
// Site start + t (t < k <= D) and site i's value moved up by s (0 < s < C), wrapped.
fn hb_site(start: u32, t: u32) -> u32 {
  let i = start + t;
  return select(i, i - D, i >= D);
}
fn hb_value(base: u32, i: u32, s: u32) -> u32 {
  let v = state[base + i] + s;
  return select(v, v - C, v >= C);
}
// Member e > 0 of the ball around the current state: (site, new value).
fn hb_member(base: u32, start: u32, e: u32) -> vec2<u32> {
  let t = (e - 1u) / (C - 1u);
  let i = hb_site(start, t);
  return vec2<u32>(i, hb_value(base, i, e - t * (C - 1u)));
}
fn sampler_step(chain: u32, base: u32, step: u32) -> f32 {
  let start = ((step % D) * SAMPLER_HB_K) % D;
  // Exact auxiliary draw: uniform over the ball (DISCS uses the weights as logits).
  let aux = rng_mulhilo(rng_draw(chain, step, 0u, 1u).x, SAMPLER_HB_M).x;
  var du = 0.0;
  if (aux > 0u) {
    let mv = hb_member(base, start, aux);
    du = model_delta(base, mv.x, mv.y);
    engine_set(chain, mv.x, mv.y);
  }
  // One Philox call gives the Gumbel keys of four members.
  var w = rng_draw(chain, step, 0u, 0u);
  var best = rng_gumbel(w.x);
  var best_e = 0u;
  var best_de = 0.0;
  var t = 0u;
  var s = 1u;
  for (var e = 1u; e < HB_M; e++) {
    if ((e & 3u) == 0u) { w = rng_draw(chain, step, e >> 2u, 0u); }
    let i = hb_site(start, t);
    let de = model_delta(base, i, hb_value(base, i, s));
    let key = math_mad(-engine_beta, de, rng_gumbel(w[e & 3u]));
    // Selects, not a branch: lanes (chains) disagree about the maximum.
    let better = key > best && e < SAMPLER_HB_M;
    best = select(best, key, better);
    best_e = select(best_e, e, better);
    best_de = select(best_de, de, better);
    s = s + 1u;
    let wrap = s == C;
    s = select(s, 1u, wrap);
    t = select(t, t + 1u, wrap);
  }
  energy[chain] = energy[chain] + du;
  if (best_e > 0u) {
    let mv = hb_member(base, start, best_e);
    engine_set(chain, mv.x, mv.y);
    energy[chain] = energy[chain] + best_de;
  }
  return 1.0;
}
`;
}

/** The ball's block `k = min(blockSize, D)` and size `m = 1 + k (C - 1)`. */
export function hammingBallSizes(k: number, m: number): Record<string, TypedScalar> {
  return {
    SAMPLER_HB_K: { type: "u32", value: k },
    SAMPLER_HB_M: { type: "u32", value: m },
  };
}
