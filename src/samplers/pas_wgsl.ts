/**
 * WGSL twin of the path auxiliary sampler step (see `pas.ts`). One invocation runs one chain, and
 * SIMD software adapters (llvmpipe) run 8 chains in lock step, so the kernel avoids divergence:
 * the log-normaliser is one branch-free online log-sum-exp pass with one exp per unit, each site
 * loads `x_i` once (binary models have the single move `1 - x_i`, categorical ones mark
 * `v == x_i` invalid instead of branching), one Philox draw serves four sites' Gumbel keys, and
 * only candidate sites (a cheap bound of the Gumbel noise clears the running r-th best key) get
 * exact keys and insertions.
 * @module
 */
import type { TypedScalar } from "../gpu/uniforms.ts";
import type { BalancingFn } from "./balancing.ts";
import {
  localLogitWgsl,
  type LogRatioMode,
  lseUnitWgsl,
  unitLogitWgsl,
  wgslF32,
} from "./local_logits.ts";

/** Program-changing PAS options. */
export interface PasWgslOptions {
  /** Size of the per-chain path buffer (the option; the length clip min(maxFlips, D) is a size). */
  maxFlips: number;
  target: number;
  adaptive: boolean;
  balancing: BalancingFn;
  mode: LogRatioMode;
  numCategories: number;
}

/** `pas_site_weight(base, i, xi, gx)`: W_i, one logit (binary) or an online log-sum-exp. */
function siteWeightWgsl(numCategories: number): string {
  return numCategories === 2
    ? /* wgsl */ `
fn pas_site_weight(base: u32, i: u32, xi: u32, gx: f32) -> f32 {
  return sampler_unit_logit(base, i, xi, 1u - xi, gx);
}`
    : /* wgsl */ `
fn pas_site_weight(base: u32, i: u32, xi: u32, gx: f32) -> f32 {
  var m = -math_inf();
  var s = 0.0;
  for (var v = 0u; v < C; v++) {
    let l = sampler_unit_logit(base, i, xi, v, gx);
    let ok = v != xi;
    ${lseUnitWgsl("l", "ok")}
  }
  return m + math_log(s);
}`;
}

/** `sampler_step` and `sampler_adapt` for PAS with the options baked in. */
export function pasWgsl(o: PasWgslOptions): string {
  const c = o.numCategories;
  return localLogitWgsl(c, o.mode, o.balancing) + unitLogitWgsl(c, o.mode) +
    siteWeightWgsl(c) + /* wgsl */ `
// Capacity of the per-chain path buffers (an option); the path length is clipped at
// SAMPLER_PAS_MAX = min(maxFlips, D), a size.
const PAS_CAP: u32 = ${o.maxFlips}u;
const PAS_TARGET: f32 = ${wgslF32(o.target)};
var<private> pas_key: array<f32, PAS_CAP>;
var<private> pas_i: array<u32, PAS_CAP>;
// log Z of the site distribution in one pass; with r > 0 also the Gumbel-top-r sites into pas_*.
// The keys w + Gumbel are evaluated only for candidate sites: a cheap upper bound of the Gumbel
// noise (below) rules out most sites against the running r-th best key, so a chunk of 32 sites
// marks its candidates in a bit mask and then runs the exact keys and insertions for those
// alone, in site order, which visits the same insertions as the CPU twin's full scan.
fn pas_sites(chain: u32, base: u32, step: u32, r: u32) -> f32 {
  var m = -math_inf();
  var s = 0.0;
  var count = 0u;
  // Key of the r-th best site once r are held (-inf before).
  var thresh = -math_inf();
  var ws: array<f32, 32>;
  var us: array<u32, 32>;
  for (var q0 = 0u; q0 < D; q0 += 32u) {
    var mask = 0u;
    let all = count < r;
    for (var j = 0u; j < 32u && q0 + j < D; j += 4u) {
      // One Philox draw for four sites' Gumbel noise (the CPU twin reuses it the same way).
      var g = vec4<u32>(0u);
      if (r > 0u) { g = rng_draw(chain, step, (q0 + j) >> 2u, 0u); }
      for (var jj = 0u; jj < 4u && q0 + j + jj < D; jj++) {
        let i = q0 + j + jj;
        let xi = state[base + i];
        let w = pas_site_weight(base, i, xi, sampler_grad_x(base, i, xi));
        ${lseUnitWgsl("w", "true")}
        if (r == 0u) { continue; }
        ws[j + jj] = w;
        us[j + jj] = g[jj];
        let cand = all || math_keep(w + pas_gumbel_bound(g[jj])) > thresh;
        mask = mask | select(0u, 1u << (j + jj), cand);
      }
    }
    while (mask != 0u) {
      let j = countTrailingZeros(mask);
      mask = mask & (mask - 1u);
      let w = ws[j];
      let key = w + rng_gumbel(us[j]);
      if (count < r || key > thresh) {
        var pos = min(count, r - 1u);
        for (; pos > 0u && key > pas_key[pos - 1u]; pos--) {
          pas_key[pos] = pas_key[pos - 1u];
          pas_i[pos] = pas_i[pos - 1u];
        }
        pas_key[pos] = key;
        pas_i[pos] = q0 + j;
        count = min(count + 1u, r);
        if (count == r) { thresh = pas_key[r - 1u]; }
      }
    }
  }
  return m + math_log(s);
}
// An upper bound of rng_gumbel(x) = -log(-log u) from the bits: -log u >= 1 - u = z (exact in
// f32), and log2 z >= bits(z) * 2^-23 - 127 (the exponent plus the linear mantissa bound), so
// -log(-log u) <= ln 2 (127 - bits(z) * 2^-23); 0.01 covers every rounding on the way (the
// computed keys are accurate to a few ulps), so key <= bound <= thresh proves "not inserted".
fn pas_gumbel_bound(x: u32) -> f32 {
  let z = (f32(0x800000u - (x >> 9u)) - 0.5) * 0x1p-23f;
  return math_mad(127.0 - f32(bitcast<i32>(z)) * 0x1p-23f, 0.6931472, 0.01);
}
// One Plackett-Luce term: vec2(log p - log(1 - cum), cum + p).
fn pas_pl_term(w: f32, log_z: f32, cum: f32) -> vec2<f32> {
  let lp = w - log_z;
  return vec2<f32>(lp - math_log1p(max(-cum, -1.0)), cum + math_exp(lp));
}
fn sampler_step(chain: u32, base: u32, step: u32) -> f32 {
  let r = u32(clamp(round(ctrl_param()), 1.0, f32(SAMPLER_PAS_MAX)));
  let log_z = pas_sites(chain, base, step, r);
  // The path's site weights are recomputed at x (same bits) rather than carried through the
  // insertions, which shift the buffers about D times per step.
  var fwd = 0.0;
  var cum = 0.0;
  var pw: array<f32, PAS_CAP>;
  var ov: array<u32, PAS_CAP>;
  for (var k = 0u; k < r; k++) {
    let i = pas_i[k];
    let xi = state[base + i];
    ov[k] = xi;
    pw[k] = pas_site_weight(base, i, xi, sampler_grad_x(base, i, xi));
    let t = pas_pl_term(pw[k], log_z, cum);
    fwd = fwd + t.x;
    cum = t.y;
  }
  var nv: array<u32, PAS_CAP>;
  for (var k = 0u; k < r; k++) {
    let i = pas_i[k];
    let xi = ov[k];
    if (C == 2u) {
      nv[k] = 1u - xi;
      continue;
    }
    // Gumbel-max over the other values; v == x_i is masked, not branched around.
    let gx = sampler_grad_x(base, i, xi);
    var best = -math_inf();
    var best_v = 0u;
    var best_l = 0.0;
    for (var v = 0u; v < C; v++) {
      let l = sampler_unit_logit(base, i, xi, v, gx);
      let u = k * C + v;
      let key = l + rng_gumbel(rng_draw(chain, step, u >> 2u, 1u)[u & 3u]);
      let take = v != xi && key > best;
      best = select(best, key, take);
      best_v = select(best_v, v, take);
      best_l = select(best_l, l, take);
    }
    nv[k] = best_v;
    fwd = fwd + (best_l - pw[k]);
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
    let xi = state[base + i];
    let gx = sampler_grad_x(base, i, xi);
    let w = pas_site_weight(base, i, xi, gx);
    let t = pas_pl_term(w, log_zy, cum);
    rev = rev + t.x;
    cum = t.y;
    if (C > 2u) { rev = rev + (sampler_unit_logit(base, i, xi, ov[k - 1u], gx) - w); }
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
  return clamp(math_keep(param + mean_acc) - PAS_TARGET, 1.0, f32(SAMPLER_PAS_MAX));
}
`;
}

/** PAS's size-derived value: the path length clip `min(maxFlips, D)`. */
export function pasSizes(numSites: number, maxFlips: number): Record<string, TypedScalar> {
  return { SAMPLER_PAS_MAX: { type: "u32", value: Math.min(maxFlips, numSites) } };
}
