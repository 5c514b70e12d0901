/**
 * WGSL twin of the path auxiliary sampler step (see `pas.ts`).
 * @module
 */
import type { BalancingFn } from "./balancing.ts";
import { localLogitWgsl, type LogRatioMode, wgslF32 } from "./local_logits.ts";

/** Program-changing PAS options. */
export interface PasWgslOptions {
  /** Size of the per-chain path buffer and upper clip of the adaptive path length. */
  maxFlips: number;
  target: number;
  adaptive: boolean;
  balancing: BalancingFn;
  mode: LogRatioMode;
  numCategories: number;
}

/** `sampler_step` and `sampler_adapt` for PAS with the options baked in. */
export function pasWgsl(o: PasWgslOptions): string {
  return localLogitWgsl(o.numCategories, o.mode, o.balancing) + /* wgsl */ `
const PAS_MAX: u32 = ${o.maxFlips}u;
const PAS_TARGET: f32 = ${wgslF32(o.target)};
var<private> pas_key: array<f32, PAS_MAX>;
var<private> pas_i: array<u32, PAS_MAX>;
var<private> pas_w: array<f32, PAS_MAX>;
fn pas_site_weight(base: u32, i: u32) -> f32 {
  let xi = state[base + i];
  if (C == 2u) { return sampler_logit(base, i, 1u - xi); }
  var m = -math_inf();
  for (var v = 0u; v < C; v++) { if (v != xi) { m = max(m, sampler_logit(base, i, v)); } }
  var s = 0.0;
  for (var v = 0u; v < C; v++) {
    if (v != xi) { s = s + math_exp(sampler_logit(base, i, v) - m); }
  }
  return m + math_log(s);
}
// log Z of the site distribution; with r > 0 also the Gumbel-top-r sites into pas_*.
fn pas_sites(chain: u32, base: u32, step: u32, r: u32) -> f32 {
  var m = -math_inf();
  for (var i = 0u; i < D; i++) { m = max(m, pas_site_weight(base, i)); }
  var s = 0.0;
  var count = 0u;
  for (var i = 0u; i < D; i++) {
    let w = pas_site_weight(base, i);
    s = s + math_exp(w - m);
    if (r == 0u) { continue; }
    let key = w + rng_gumbel(rng_draw(chain, step, i >> 2u, 0u)[i & 3u]);
    if (count < r || key > pas_key[count - 1u]) {
      var pos = min(count, r - 1u);
      for (; pos > 0u && key > pas_key[pos - 1u]; pos--) {
        pas_key[pos] = pas_key[pos - 1u];
        pas_i[pos] = pas_i[pos - 1u];
        pas_w[pos] = pas_w[pos - 1u];
      }
      pas_key[pos] = key;
      pas_i[pos] = i;
      pas_w[pos] = w;
      count = min(count + 1u, r);
    }
  }
  return m + math_log(s);
}
// One Plackett-Luce term: vec2(log p - log(1 - cum), cum + p).
fn pas_pl_term(w: f32, log_z: f32, cum: f32) -> vec2<f32> {
  let lp = w - log_z;
  return vec2<f32>(lp - math_log1p(max(-cum, -1.0)), cum + math_exp(lp));
}
fn sampler_step(chain: u32, base: u32, step: u32) -> f32 {
  let r = u32(clamp(round(ctrl_param()), 1.0, f32(PAS_MAX)));
  let log_z = pas_sites(chain, base, step, r);
  var fwd = 0.0;
  var cum = 0.0;
  for (var k = 0u; k < r; k++) {
    let t = pas_pl_term(pas_w[k], log_z, cum);
    fwd = fwd + t.x;
    cum = t.y;
  }
  var nv: array<u32, PAS_MAX>;
  var ov: array<u32, PAS_MAX>;
  for (var k = 0u; k < r; k++) {
    let i = pas_i[k];
    let xi = state[base + i];
    ov[k] = xi;
    if (C == 2u) {
      nv[k] = 1u - xi;
      continue;
    }
    var best = -math_inf();
    var best_v = 0u;
    var best_l = 0.0;
    for (var v = 0u; v < C; v++) {
      if (v == xi) { continue; }
      let l = sampler_logit(base, i, v);
      let u = k * C + v;
      let key = l + rng_gumbel(rng_draw(chain, step, u >> 2u, 1u)[u & 3u]);
      if (key > best) {
        best = key;
        best_v = v;
        best_l = l;
      }
    }
    nv[k] = best_v;
    fwd = fwd + (best_l - pas_w[k]);
  }
  var de = 0.0;
  for (var k = 0u; k < r; k++) {
    de = de + model_delta(base, pas_i[k], nv[k]);
    engine_set(chain, pas_i[k], nv[k]);
  }
  let log_zy = pas_sites(chain, base, step, 0u);
  var rev = 0.0;
  cum = 0.0;
  for (var k = r; k > 0u; k--) {
    let i = pas_i[k - 1u];
    let w = pas_site_weight(base, i);
    let t = pas_pl_term(w, log_zy, cum);
    rev = rev + t.x;
    cum = t.y;
    if (C > 2u) { rev = rev + (sampler_logit(base, i, ov[k - 1u]) - w); }
  }
  let a = acc_prob(math_mad(-engine_beta, de, rev - fwd));
  if (rng_uniform(rng_draw(chain, step, 0u, 3u).x) < a) {
    energy[chain] = energy[chain] + de;
  } else {
    for (var k = r; k > 0u; k--) { engine_set(chain, pas_i[k - 1u], ov[k - 1u]); }
  }
  return a;
}
fn sampler_adapt(param: f32, mean_acc: f32) -> f32 {
  // math_keep: compilers otherwise fold this into param + (mean_acc - target).
  return clamp(math_keep(param + mean_acc) - PAS_TARGET, 1.0, f32(PAS_MAX));
}
`;
}
