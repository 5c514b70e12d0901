/**
 * WGSL twin of the Gibbs-with-gradients step (see `gwg.ts`).
 * @module
 */
import type { BalancingFn } from "./balancing.ts";
import { localLogitWgsl, wgslF32 } from "./local_logits.ts";

/** Program-changing GWG options. */
export interface GwgWgslOptions {
  /** Size of the per-chain draw buffer (1 for categorical models). */
  maxFlips: number;
  /** Upper clip of the adaptive radius. */
  maxRadius: number;
  target: number;
  categorical: boolean;
  balancing: BalancingFn;
  numCategories: number;
}

/** `sampler_step` and `sampler_adapt` for GWG with the options baked in. */
export function gwgWgsl(o: GwgWgslOptions): string {
  return localLogitWgsl(o.numCategories, "grad", o.balancing) + /* wgsl */ `
const GWG_MAX_FLIPS: u32 = ${o.maxFlips}u;
const GWG_MAX_RADIUS: f32 = ${wgslF32(o.maxRadius)};
const GWG_TARGET: f32 = ${wgslF32(o.target)};
const GWG_CATEGORICAL: bool = ${o.categorical};
// vec2(max logit, sum of exp(logit - max)) over all single-site moves at the current state.
fn gwg_normaliser(base: u32) -> vec2<f32> {
  var m = -math_inf();
  for (var i = 0u; i < D; i++) {
    for (var v = 0u; v < C; v++) {
      if (v != state[base + i]) { m = max(m, sampler_logit(base, i, v)); }
    }
  }
  var s = 0.0;
  for (var i = 0u; i < D; i++) {
    for (var v = 0u; v < C; v++) {
      if (v != state[base + i]) { s = s + math_exp(sampler_logit(base, i, v) - m); }
    }
  }
  return vec2<f32>(m, s);
}
fn gwg_spacing(chain: u32, step: u32, k: u32) -> f32 {
  return -math_log(rng_uniform_open(rng_draw(chain, step, k, 2u).x));
}
fn sampler_step(chain: u32, base: u32, step: u32) -> f32 {
  var n = 1u;
  if (!GWG_CATEGORICAL) { n = u32(clamp(round(ctrl_param()), 1.0, f32(GWG_MAX_FLIPS))); }
  let ms = gwg_normaliser(base);
  let log_z = ms.x + math_log(ms.y);
  var total = 0.0;
  for (var k = 0u; k <= n; k++) { total = total + gwg_spacing(chain, step, k); }
  let inv_total = math_recip(total);
  var idx: array<u32, GWG_MAX_FLIPS>;
  var val: array<u32, GWG_MAX_FLIPS>;
  var orig: array<u32, GWG_MAX_FLIPS>;
  var k = 0u;
  var part = gwg_spacing(chain, step, 0u);
  var goal = math_keep(part * inv_total) * ms.y;
  var cum = 0.0;
  var sum_l = 0.0;
  var last_i = 0u;
  var last_v = 0u;
  var last_l = 0.0;
  for (var i = 0u; i < D && k < n; i++) {
    let xi = state[base + i];
    for (var v = 0u; v < C && k < n; v++) {
      if (v == xi) { continue; }
      let l = sampler_logit(base, i, v);
      let w = math_exp(l - ms.x);
      cum = cum + w;
      if (w > 0.0) {
        last_i = i;
        last_v = v;
        last_l = l;
      }
      while (k < n && goal < cum) {
        idx[k] = i;
        val[k] = v;
        sum_l = sum_l + l;
        k++;
        if (k < n) {
          part = part + gwg_spacing(chain, step, k);
          goal = math_keep(part * inv_total) * ms.y;
        }
      }
    }
  }
  for (; k < n; k++) {
    idx[k] = last_i;
    val[k] = last_v;
    sum_l = sum_l + last_l;
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
  return clamp(math_keep(param + mean_acc) - GWG_TARGET, 1.0, GWG_MAX_RADIUS);
}
`;
}
