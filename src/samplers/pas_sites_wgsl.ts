/**
 * WGSL of PAS in the chains x sites layout (see `pas_sites.ts`): binary sites, one workgroup
 * per chain. Site weights and Gumbel keys at x go to the chain's scratch (words [0, D) and
 * [D, 2D)), the path's R sites are R workgroup argmax rounds over the keys (each below the last
 * pick in the order key desc, index asc), the weights at y go to words [2D, 3D).
 * @module
 */
import type { BalancingFn } from "./balancing.ts";
import {
  localLogitWgsl,
  type LogRatioMode,
  lseUnitWgsl,
  unitLogitWgsl,
  wgslF32,
} from "./local_logits.ts";

/** Program-changing options of the PAS sites step. */
export interface PasSitesWgslOptions {
  maxFlips: number;
  target: number;
  balancing: BalancingFn;
  mode: LogRatioMode;
}

/** Visits the invocation's sites: `body` sees `i` (and the quad `q`). */
function overSites(body: string): string {
  return `for (var q = sites_lid; q * 4u < D; q += SITES_WG) {
    for (var jj = 0u; jj < 4u; jj++) {
      let i = q * 4u + jj;
      if (i < D) {
        ${body}
      }
    }
  }`;
}

/** `sampler_sites_step` and `sampler_adapt` of PAS on binary models. */
export function pasSitesWgsl(o: PasSitesWgslOptions): string {
  return localLogitWgsl(2, o.mode, o.balancing) + unitLogitWgsl(2, o.mode) + /* wgsl */ `
const PAS_CAP: u32 = ${o.maxFlips}u;
const PAS_TARGET: f32 = ${wgslF32(o.target)};
var<private> pas_pick: array<u32, PAS_CAP>;
fn pas_weight(base: u32, i: u32) -> f32 {
  let xi = state[base + i];
  return sampler_unit_logit(base, i, xi, 1u - xi, sampler_grad_x(base, i, xi));
}
fn pas_pl_term(w: f32, log_z: f32, cum: f32) -> vec2<f32> {
  let lp = w - log_z;
  return vec2<f32>(lp - math_log1p(max(-cum, -1.0)), cum + math_exp(lp));
}
fn sampler_sites_step(chain: u32, base: u32, step: u32, param: f32, ex: f32) -> vec2<f32> {
  let r = u32(clamp(round(param), 1.0, f32(SAMPLER_PAS_MAX)));
  var m = -math_inf();
  var s = 0.0;
  for (var q = sites_lid; q * 4u < D; q += SITES_WG) {
    let g = rng_draw(chain, step, q, 0u);
    for (var jj = 0u; jj < 4u; jj++) {
      let i = q * 4u + jj;
      if (i < D) {
        let w = pas_weight(base, i);
        ${lseUnitWgsl("w", "true")}
        sites_set_f(i, w);
        sites_set_f(D + i, w + rng_gumbel(g[jj]));
      }
    }
  }
  let log_z = sites_lse(m, s);
  // Gumbel-top-r: round k takes the largest key below round k - 1's pick.
  var pk = math_inf();
  var pi = 0u;
  for (var k = 0u; k < r; k++) {
    var bk = -math_inf();
    var bi = 0xffffffffu;
    ${
    overSites(`let key = sites_get_f(D + i);
        let below = key < pk || (key == pk && i > pi);
        let take = below && key > bk;
        bk = select(bk, key, take);
        bi = select(bi, i, take);`)
  }
    let best = sites_argmax(bk, bi);
    pk = bitcast<f32>(best.x);
    pi = best.y;
    pas_pick[k] = pi;
  }
  storageBarrier();
  var fwd = 0.0;
  var cum = 0.0;
  for (var k = 0u; k < r; k++) {
    let t = pas_pl_term(sites_get_f(pas_pick[k]), log_z, cum);
    fwd = fwd + t.x;
    cum = t.y;
  }
  for (var k = sites_lid; k < r; k += SITES_WG) {
    let i = pas_pick[k];
    state[base + i] = 1u - state[base + i];
  }
  storageBarrier();
  m = -math_inf();
  s = 0.0;
  ${
    overSites(`let w = pas_weight(base, i);
        ${lseUnitWgsl("w", "true")}
        sites_set_f(2u * D + i, w);`)
  }
  let log_zy = sites_lse(m, s);
  // E(y) in a pass of its own (see langevin_sites_wgsl.ts: llvmpipe skipped a second inner loop).
  let ey = sites_energy(base);
  storageBarrier();
  var rev = 0.0;
  cum = 0.0;
  for (var k = r; k > 0u; k--) {
    let t = pas_pl_term(sites_get_f(2u * D + pas_pick[k - 1u]), log_zy, cum);
    rev = rev + t.x;
    cum = t.y;
  }
  let de = ey - ex;
  let a = acc_prob(math_mad(-engine_beta, de, rev - fwd));
  let ok = rng_uniform(rng_draw(chain, step, 0u, 3u).x) < a;
  if (!ok) {
    for (var k = sites_lid; k < r; k += SITES_WG) {
      let i = pas_pick[k];
      state[base + i] = 1u - state[base + i];
    }
  }
  return vec2<f32>(a, select(ex, ey, ok));
}
fn sampler_adapt(param: f32, mean_acc: f32) -> f32 {
  // math_keep: compilers otherwise fold this into param + (mean_acc - target).
  return clamp(math_keep(param + mean_acc) - PAS_TARGET, 1.0, f32(SAMPLER_PAS_MAX));
}
`;
}
