/**
 * WGSL twin of the Hamming ball step (see `hamming_ball.ts`).
 * @module
 */

/** `sampler_step` for the radius-1 Hamming ball with block `k` and ball size `m` baked in. */
export function hammingBallWgsl(k: number, m: number): string {
  return /* wgsl */ `
const HB_K: u32 = ${k}u;
const HB_M: u32 = ${m}u;
// Member e > 0 of the ball around the current state: (site, new value).
fn hb_member(base: u32, start: u32, e: u32) -> vec2<u32> {
  let i = (start + (e - 1u) / (C - 1u)) % D;
  return vec2<u32>(i, (state[base + i] + 1u + (e - 1u) % (C - 1u)) % C);
}
fn sampler_step(chain: u32, base: u32, step: u32) -> f32 {
  let start = ((step % D) * HB_K) % D;
  // Exact auxiliary draw: uniform over the ball (DISCS uses the weights as logits).
  let aux = rng_mulhilo(rng_draw(chain, step, 0u, 1u).x, HB_M).x;
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
  for (var e = 1u; e < HB_M; e++) {
    if ((e & 3u) == 0u) { w = rng_draw(chain, step, e >> 2u, 0u); }
    let mv = hb_member(base, start, e);
    let de = model_delta(base, mv.x, mv.y);
    let key = math_mad(-engine_beta, de, rng_gumbel(w[e & 3u]));
    // Selects, not a branch: lanes (chains) disagree about the maximum.
    let better = key > best;
    best = select(best, key, better);
    best_e = select(best_e, e, better);
    best_de = select(best_de, de, better);
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
