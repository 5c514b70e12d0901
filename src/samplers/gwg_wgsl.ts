/**
 * WGSL twin of the Gibbs-with-gradients step (see `gwg.ts`). One invocation runs one chain, and
 * SIMD software adapters (llvmpipe) run 8 chains in lock step, so the kernel avoids divergence:
 * the normaliser is branch-free with one exp per unit, binary models skip the `v == x_i` test
 * (the only move is `1 - x_i`), and each chain walks only its own blocks (a chain skips the
 * blocks below its goal in a cheap inner loop, so lanes walk different blocks together).
 * @module
 */
import type { TypedScalar } from "../gpu/uniforms.ts";
import type { BalancingFn } from "./balancing.ts";
import { localLogitWgsl, lseUnitWgsl, unitLogitWgsl, wgslF32 } from "./local_logits.ts";

/** Program-changing GWG options. */
export interface GwgWgslOptions {
  /** Size of the per-chain draw buffer (1 for categorical models). */
  maxFlips: number;
  target: number;
  categorical: boolean;
  balancing: BalancingFn;
  numCategories: number;
  /** Sites per checkpoint block of the normaliser. */
  blockSites: number;
}

/**
 * The units of one site `i` (WGSL statements, `xi` and `gx` in scope): binary models have one,
 * `v = 1 - xi`; categorical ones loop over `v` and mark `v == xi` invalid instead of branching.
 * `body` sees `v`, `l` and the validity `ok`.
 */
function unitsOfSite(numCategories: number, body: string): string {
  return numCategories === 2
    ? `{
        let v = 1u - xi;
        let l = sampler_unit_logit(base, i, xi, v, gx);
        let ok = true;
        ${body}
      }`
    : `for (var v = 0u; v < C; v++) {
        let l = sampler_unit_logit(base, i, xi, v, gx);
        let ok = v != xi;
        ${body}
      }`;
}

/** `sampler_step` and `sampler_adapt` for GWG with the options baked in. */
export function gwgWgsl(o: GwgWgslOptions): string {
  const c = o.numCategories;
  // Online log-sum-exp with one exp per unit; the argmax unit follows the running maximum.
  const normUnit = `${lseUnitWgsl("l", "ok")}
        top = select(top, vec2<u32>(i, v), vec2<bool>(take));`;
  const walkUnit = `if (ok) {
          cum = cum + math_exp(l - ms.x);
          while (k < n && goal < cum) {
            idx[k] = i;
            val[k] = v;
            sum_l = sum_l + l;
            k++;
            goal = goals[min(k, GWG_MAX_FLIPS - 1u)];
          }
        }`;
  return localLogitWgsl(c, "grad", o.balancing) + unitLogitWgsl(c, "grad") + /* wgsl */ `
const GWG_MAX_FLIPS: u32 = ${o.maxFlips}u;
const GWG_TARGET: f32 = ${wgslF32(o.target)};
const GWG_CATEGORICAL: bool = ${o.categorical};
const GWG_BLOCK: u32 = ${o.blockSites}u;
// Running (max, sum) after each block of sites (per-chain scratch words 2b, 2b + 1), and the
// argmax unit, of the last normaliser.
var<private> gwg_chain: u32;
var<private> gwg_top: vec2<u32>;
fn gwg_mark(b: u32) -> vec2<f32> {
  return vec2<f32>(scratch_get_f(scratch_at(gwg_chain, 2u * b)), scratch_get_f(scratch_at(gwg_chain, 2u * b + 1u)));
}
// vec2(max logit m, sum of exp(logit - m)) over all single-site moves at the current state, in
// one pass (online log-sum-exp: rescale the running sum when a new maximum appears).
fn gwg_normaliser(base: u32) -> vec2<f32> {
  var m = -math_inf();
  var s = 0.0;
  var top = vec2<u32>(0u, 0u);
  for (var b = 0u; b < SAMPLER_GWG_BLOCKS; b++) {
    let end = min(D, (b + 1u) * GWG_BLOCK);
    for (var i = b * GWG_BLOCK; i < end; i++) {
      let xi = state[base + i];
      let gx = sampler_grad_x(base, i, xi);
      ${unitsOfSite(c, normUnit)}
    }
    scratch_set_f(scratch_at(gwg_chain, 2u * b), m);
    scratch_set_f(scratch_at(gwg_chain, 2u * b + 1u), s);
  }
  gwg_top = top;
  return vec2<f32>(m, s);
}
fn gwg_spacing(chain: u32, step: u32, k: u32) -> f32 {
  return -math_log(rng_uniform_open(rng_draw(chain, step, k, 2u).x));
}
fn sampler_step(chain: u32, base: u32, step: u32) -> f32 {
  gwg_chain = chain;
  var n = 1u;
  if (!GWG_CATEGORICAL) { n = u32(clamp(round(ctrl_param()), 1.0, f32(GWG_MAX_FLIPS))); }
  let ms = gwg_normaliser(base);
  let log_z = ms.x + math_log(ms.y);
  // The n sorted goals up front (uniform loops), so the walk's divergent loop draws no randoms.
  var goals: array<f32, GWG_MAX_FLIPS>;
  var total = 0.0;
  for (var k = 0u; k <= n; k++) {
    let e = gwg_spacing(chain, step, k);
    total = total + e;
    if (k < n) { goals[k] = e; }
  }
  let inv_total = math_recip(total);
  // Prefix sums of the spacings (0 + E_0 = E_0 exactly: spacings are positive).
  var part = 0.0;
  for (var k = 0u; k < n; k++) {
    part = part + goals[k];
    goals[k] = math_keep(part * inv_total) * ms.y;
  }
  var idx: array<u32, GWG_MAX_FLIPS>;
  var val: array<u32, GWG_MAX_FLIPS>;
  var orig: array<u32, GWG_MAX_FLIPS>;
  var k = 0u;
  var goal = goals[0];
  var cum = 0.0;
  var sum_l = 0.0;
  // Each chain visits the blocks in order as the CPU twin does, but skips the blocks below its
  // goal in an inner loop, so each outer pass walks one block per chain (its next hit).
  var b = 0u;
  loop {
    loop {
      if (k >= n || b >= SAMPLER_GWG_BLOCKS) { break; }
      // Mass through block b, in units of exp(m): no draw lands in it when below the goal.
      let mark = gwg_mark(b);
      let mass = mark.y * math_exp(mark.x - ms.x);
      if (mass > goal) { break; }
      cum = mass;
      b++;
    }
    if (k >= n || b >= SAMPLER_GWG_BLOCKS) { break; }
    let end = min(D, (b + 1u) * GWG_BLOCK);
    for (var i = b * GWG_BLOCK; i < end && k < n; i++) {
      let xi = state[base + i];
      let gx = sampler_grad_x(base, i, xi);
      ${unitsOfSite(c, walkUnit)}
    }
    b++;
  }
  // Rounding can leave the last sorted uniforms at the total mass: give them the argmax.
  for (; k < n; k++) {
    idx[k] = gwg_top.x;
    val[k] = gwg_top.y;
    sum_l = sum_l + ms.x;
  }
  let fwd = math_mad(-f32(n), log_z, sum_l);
  var de = 0.0;
  for (var j = 0u; j < n; j++) {
    if (j > 0u && idx[j] == idx[j - 1u]) {
      orig[j] = orig[j - 1u];
      continue;
    }
    orig[j] = state[base + idx[j]];
    de = de + model_delta(base, idx[j], val[j]);
    engine_set(chain, idx[j], val[j]);
  }
  let msy = gwg_normaliser(base);
  let log_zy = msy.x + math_log(msy.y);
  var sum_ly = 0.0;
  for (var j = 0u; j < n; j++) { sum_ly = sum_ly + sampler_logit(base, idx[j], orig[j]); }
  let rev = math_mad(-f32(n), log_zy, sum_ly);
  let a = acc_prob(math_mad(-engine_beta, de, rev - fwd));
  if (rng_uniform(rng_draw(chain, step, 0u, 3u).x) < a) {
    energy[chain] = energy[chain] + de;
  } else {
    for (var j = n; j > 0u; j--) {
      if (j == 1u || idx[j - 1u] != idx[j - 2u]) { engine_set(chain, idx[j - 1u], orig[j - 1u]); }
    }
  }
  return a;
}
fn sampler_adapt(param: f32, mean_acc: f32) -> f32 {
  if (GWG_CATEGORICAL) { return param; }
  // math_keep: compilers otherwise fold this into param + (mean_acc - target).
  return clamp(math_keep(param + mean_acc) - GWG_TARGET, 1.0, SAMPLER_GWG_MAX_RADIUS);
}
`;
}

/** GWG's size-derived values: checkpoint blocks and the radius clip `min(D, maxFlips)`. */
export function gwgSizes(
  numSites: number,
  blockSites: number,
  maxFlips: number,
): Record<string, TypedScalar> {
  return {
    SAMPLER_GWG_BLOCKS: { type: "u32", value: Math.ceil(numSites / blockSites) },
    SAMPLER_GWG_MAX_RADIUS: { type: "f32", value: Math.min(numSites, maxFlips) },
  };
}
