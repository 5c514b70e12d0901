/**
 * WGSL twin of parallel tempering (see `pt.ts`): the inner sampler's step at the chain's rung of
 * the ladder, and the swap moves and ladder adaptation of `sampler_exchange`.
 * @module
 */
import { f32ToBits } from "../random/f32math.ts";
import { wgslF32Literal } from "../wgsl/math.ts";

/** Constants of the WGSL program (options, never sizes): see `ptConstants` in `pt.ts`. */
export interface PtWgslOptions {
  replicas: number;
  swapEvery: number;
  adaptLadder: boolean;
  /** f32 values, rounded on the host. */
  geometric: Float32Array;
  betaMin: number;
  logBetaMin: number;
  invPairs: number;
  kappa: number;
  invT0: number;
  rho: number;
  stream: number;
}

const lit = (v: number) => wgslF32Literal(f32ToBits(v));

/**
 * `sampler_step` (the inner step, renamed, at the chain's inverse temperature) and
 * `sampler_exchange` for parallel tempering around the inner sampler's WGSL.
 */
export function ptWgsl(innerWgsl: string, o: PtWgslOptions): string {
  const parts = innerWgsl.split("fn sampler_step(");
  if (parts.length !== 2) throw new Error("pt: the inner WGSL must define sampler_step once");
  const r = o.replicas;
  return /* wgsl */ `${parts.join("fn pt_inner_step(")}
const PT_R: u32 = ${r}u;
const PT_SWAP_EVERY: u32 = ${o.swapEvery}u;
const PT_ADAPT: bool = ${o.adaptLadder};
const PT_BETA_MIN: f32 = ${lit(o.betaMin)};
const PT_LOG_BETA_MIN: f32 = ${lit(o.logBetaMin)};
const PT_INV_PAIRS: f32 = ${lit(o.invPairs)};
const PT_KAPPA: f32 = ${lit(o.kappa)};
const PT_INV_T0: f32 = ${lit(o.invT0)};
const PT_RHO: f32 = ${lit(o.rho)};
const PT_STREAM: u32 = ${o.stream}u;
var<private> pt_geo: array<f32, ${r}> = array<f32, ${r}>(${
    Array.from(o.geometric, lit).join(", ")
  });
// This chain's words after the inner sampler's: f32 beta (0: the geometric rung), log width
// u of the pair (r, r + 1), its running swap acceptance, its post-burn-in acceptance sum;
// u32 post-burn-in swap attempts.
fn pt_f(chain: u32, k: u32) -> u32 { return scratch_at(chain, SAMPLER_PT_F0 + k); }
fn pt_beta(chain: u32) -> f32 {
  let b = scratch_get_f(pt_f(chain, 0u));
  return select(b, pt_geo[chain % PT_R], b == 0.0);
}
fn sampler_step(chain: u32, base: u32, step: u32) -> f32 {
  engine_beta = math_keep(engine_beta * pt_beta(chain));
  return pt_inner_step(chain, base, step);
}
fn pt_swap(c: u32, e: u32) {
  for (var i = 0u; i < D; i++) {
    let t = state[c * D + i];
    state[c * D + i] = state[e * D + i];
    state[e * D + i] = t;
  }
  let te = energy[c];
  energy[c] = energy[e];
  energy[e] = te;
  let th = hamming[c];
  hamming[c] = hamming[e];
  hamming[e] = th;
}
// Equalise neighbour swap rates: u_j moves with the pair's running acceptance minus the mean,
// at a gain decaying as 1 / (1 + t / t0); the rungs between the fixed ends follow the widths.
fn pt_adapt_ladder(first: u32, round: u32) {
  let kappa = math_keep(PT_KAPPA * math_recip(math_keep(f32(round) * PT_INV_T0) + 1.0));
  var s = 0.0;
  for (var j = 0u; j + 1u < PT_R; j++) { s = s + scratch_get_f(pt_f(first + j, 2u)); }
  let mean = math_keep(s * PT_INV_PAIRS);
  var w = 0.0;
  for (var j = 0u; j + 1u < PT_R; j++) {
    let at = pt_f(first + j, 1u);
    let a = scratch_get_f(pt_f(first + j, 2u));
    let u = clamp(math_mad(kappa, a - mean, scratch_get_f(at)), -8.0, 8.0);
    scratch_set_f(at, u);
    w = w + math_exp(u);
  }
  let inv_w = math_recip(w);
  var cum = 0.0;
  scratch_set_f(pt_f(first, 0u), 1.0);
  for (var j = 1u; j + 1u < PT_R; j++) {
    cum = cum + math_exp(scratch_get_f(pt_f(first + j - 1u, 1u)));
    let frac = math_keep(cum * inv_w);
    scratch_set_f(pt_f(first + j, 0u), math_exp(math_keep(frac * PT_LOG_BETA_MIN)));
  }
  scratch_set_f(pt_f(first + PT_R - 1u, 0u), PT_BETA_MIN);
}
fn sampler_exchange(first: u32, size: u32, step: u32) {
  if ((step + 1u) % PT_SWAP_EVERY != 0u) { return; }
  let round = step / PT_SWAP_EVERY;
  let b = engine_base_beta(step);
  let adapting = PT_ADAPT && size == PT_R && step < params.burn_in;
  // Even pairs on even rounds, odd pairs on odd rounds.
  for (var r = round & 1u; r + 1u < size; r += 2u) {
    let c = first + r;
    let bl = math_keep(b * pt_beta(c));
    let bh = math_keep(b * pt_beta(c + 1u));
    let a = acc_prob(math_keep(bl - bh) * math_keep(energy[c] - energy[c + 1u]));
    let u = rng_uniform(rng_draw(first, step, r, PT_STREAM).x);
    if (u < a) { pt_swap(c, c + 1u); }
    if (step >= params.burn_in) {
      scratch_set_f(pt_f(c, 3u), scratch_get_f(pt_f(c, 3u)) + a);
      let n = scratch_u_at(c, SAMPLER_PT_U0);
      scratch[n] = scratch[n] + 1u;
    } else if (adapting) {
      let at = pt_f(c, 2u);
      let m = scratch_get_f(at);
      scratch_set_f(at, math_mad(PT_RHO, a - m, m));
    }
  }
  if (adapting) { pt_adapt_ladder(first, round); }
}
`;
}
