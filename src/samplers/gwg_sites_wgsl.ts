/**
 * WGSL of GWG in the chains x sites layout (see `gwg_sites.ts`): binary sites, one workgroup per
 * chain. The n draws (with replacement) from softmax(w) are n Gumbel-max rounds, each with fresh
 * Gumbel noise (Philox stream 4 + k) over every site and one workgroup argmax; every site drawn
 * at least once flips. log q of the draws is `sum_k w_{i_k} - n logZ` at x, and the same sites
 * under the weights at y for the reverse move.
 *
 * Generic models cache each site's log-ratio term t_i in two slots (x and y) as PAS's sites step
 * does (scratch: t slots [0, D) and [D, 2D), weights at x [2D, 3D), the slot of x, the step the
 * cache is valid for plus one). Count models (MIS, max clique) cache neighbour counts ([0, D),
 * weights at x [D, 2D), valid step in 2D) and apply the flips one after another, the lanes
 * splitting each flipped site's row.
 * @module
 */
import type { BalancingFn } from "./balancing.ts";
import { balanceWgsl } from "./balancing.ts";
import { lseUnitWgsl, wgslF32 } from "./local_logits.ts";
import { overSites } from "./pas_sites_wgsl.ts";

/** Program-changing options of the GWG sites step. */
export interface GwgSitesWgslOptions {
  maxFlips: number;
  target: number;
  balancing: BalancingFn;
  /** The model keeps integer neighbour counts (`SiteEnergy.counts`). */
  counts: boolean;
}

/** The n Gumbel-max rounds over the weights stored at scratch word `w0 + i`, into `gwg_pick`. */
function drawsWgsl(w0: string): string {
  return `for (var k = 0u; k < r; k++) {
    var bk = -math_inf();
    var bi = 0xffffffffu;
    ${
    overSites(
      `let key = sites_get_f(${w0} + i) + rng_gumbel(g[jj]);
        let take = key > bk;
        bk = select(bk, key, take);
        bi = select(bi, i, take);`,
      "let g = rng_draw(chain, step, q, 4u + k);",
    )
  }
    gwg_pick[k] = sites_argmax(bk, bi).y;
  }
  storageBarrier();`;
}

/** `sampler_sites_step` and `sampler_adapt` of GWG on binary models. */
export function gwgSitesWgsl(o: GwgSitesWgslOptions): string {
  const common = balanceWgsl(o.balancing) + /* wgsl */ `
const GWG_CAP: u32 = ${o.maxFlips}u;
const GWG_TARGET: f32 = ${wgslF32(o.target)};
var<private> gwg_pick: array<u32, GWG_CAP>;
// Draw k's site was not drawn before it (each drawn site flips once).
fn gwg_first(k: u32) -> bool {
  for (var j = 0u; j < k; j++) {
    if (gwg_pick[j] == gwg_pick[k]) { return false; }
  }
  return true;
}
fn sampler_adapt(param: f32, mean_acc: f32) -> f32 {
  // math_keep: compilers otherwise fold this into param + (mean_acc - target).
  return clamp(math_keep(param + mean_acc) - GWG_TARGET, 1.0, SAMPLER_GWG_MAX_RADIUS);
}
`;
  return common + (o.counts ? COUNTS_STEP : GENERIC_STEP);
}

const GENERIC_STEP = /* wgsl */ `
fn gwg_t(base: u32, i: u32) -> f32 {
  let g = model_grad(base, i, 0u);
  return select(g, -g, state[base + i] != 0u);
}
fn sampler_sites_step(chain: u32, base: u32, step: u32, param: f32, ex: f32) -> vec2<f32> {
  let r = u32(clamp(round(param), 1.0, f32(GWG_CAP)));
  let sx = sites_get(3u * D) & 1u;
  let cached = sites_get(3u * D + 1u) == step + 1u;
  let at_x = sx * D;
  let at_y = (sx ^ 1u) * D;
  var m = -math_inf();
  var s = 0.0;
  ${
  overSites(`var t = 0.0;
        if (cached) {
          t = sites_get_f(at_x + i);
        } else {
          t = gwg_t(base, i);
          sites_set_f(at_x + i, t);
        }
        let w = acc_balance(-engine_beta * t);
        ${lseUnitWgsl("w", "true")}
        sites_set_f(2u * D + i, w);`)
}
  let log_z = sites_lse(m, s);
  ${drawsWgsl("2u * D")}
  var sum_l = 0.0;
  for (var k = 0u; k < r; k++) { sum_l = sum_l + sites_get_f(2u * D + gwg_pick[k]); }
  let fwd = math_mad(-f32(r), log_z, sum_l);
  for (var k = sites_lid; k < r; k += SITES_WG) {
    let i = gwg_pick[k];
    if (gwg_first(k)) { state[base + i] = 1u - state[base + i]; }
  }
  storageBarrier();
  m = -math_inf();
  s = 0.0;
  var esum = 0.0;
  ${
  overSites(`let ge = model_site_grad_energy(base, i);
        let t = select(ge.x, -ge.x, state[base + i] != 0u);
        sites_set_f(at_y + i, t);
        let w = acc_balance(-engine_beta * t);
        ${lseUnitWgsl("w", "true")}
        esum = esum + ge.y;`)
}
  let log_zy = sites_lse(m, s);
  let ey = sites_sum2(vec2<f32>(esum, 0.0)).x;
  storageBarrier();
  var sum_ly = 0.0;
  for (var k = 0u; k < r; k++) {
    sum_ly = sum_ly + acc_balance(-engine_beta * sites_get_f(at_y + gwg_pick[k]));
  }
  let rev = math_mad(-f32(r), log_zy, sum_ly);
  let a = acc_prob(math_mad(-engine_beta, ey - ex, rev - fwd));
  let ok = rng_uniform(rng_draw(chain, step, 0u, 3u).x) < a;
  if (!ok) {
    for (var k = sites_lid; k < r; k += SITES_WG) {
      let i = gwg_pick[k];
      if (gwg_first(k)) { state[base + i] = 1u - state[base + i]; }
    }
  }
  // Everyone has read the cache words; the next step finds x's terms in slot sx or sx ^ 1.
  storageBarrier();
  if (sites_lid == 0u) {
    sites_set(3u * D, select(sx, sx ^ 1u, ok));
    sites_set(3u * D + 1u, step + 2u);
  }
  return vec2<f32>(a, select(ex, ey, ok));
}
`;

const COUNTS_STEP = /* wgsl */ `
fn gwg_w(c: u32, xi: u32) -> f32 {
  let g = model_count_grad(c);
  return acc_balance(-engine_beta * select(g, -g, xi != 0u));
}
// Flips site i when 'on' (all invocations call it with the same i): the lanes update its
// neighbours' counts, then invocation 0 writes the state. Returns the old value.
fn gwg_flip(base: u32, i: u32, on: bool) -> u32 {
  let xi = state[base + i];
  if (on) {
    for (var q = model_row_ptr[i] + sites_lid; q < model_row_ptr[i + 1u]; q += SITES_WG) {
      let j = model_col_idx[q];
      let c = sites_get(j);
      sites_set(j, select(c + 1u, c - 1u, xi == 1u));
    }
  }
  storageBarrier();
  if (on && sites_lid == 0u) { state[base + i] = 1u - xi; }
  storageBarrier();
  return xi;
}
fn sampler_sites_step(chain: u32, base: u32, step: u32, param: f32, ex: f32) -> vec2<f32> {
  let r = u32(clamp(round(param), 1.0, f32(GWG_CAP)));
  let cached = sites_get(2u * D) == step + 1u;
  var m = -math_inf();
  var s = 0.0;
  var pairs = 0u;
  var ones = 0u;
  ${
  overSites(`let xi = state[base + i];
        var c = 0u;
        if (cached) {
          c = sites_get(i);
        } else {
          c = model_count(base, i);
          sites_set(i, c);
        }
        pairs = pairs + select(0u, c, xi == 1u);
        ones = ones + xi;
        let w = gwg_w(c, xi);
        ${lseUnitWgsl("w", "true")}
        sites_set_f(D + i, w);`)
}
  let log_z = sites_lse(m, s);
  var pairs_t = sites_count(pairs) >> 1u;
  var ones_t = sites_count(ones);
  ${drawsWgsl("D")}
  var sum_l = 0.0;
  for (var k = 0u; k < r; k++) { sum_l = sum_l + sites_get_f(D + gwg_pick[k]); }
  let fwd = math_mad(-f32(r), log_z, sum_l);
  for (var k = 0u; k < r; k++) {
    let i = gwg_pick[k];
    let first = gwg_first(k);
    let c = sites_get(i);
    let xi = gwg_flip(base, i, first);
    if (first) {
      pairs_t = select(pairs_t + c, pairs_t - c, xi == 1u);
      ones_t = select(ones_t + 1u, ones_t - 1u, xi == 1u);
    }
  }
  m = -math_inf();
  s = 0.0;
  ${
  overSites(`let w = gwg_w(sites_get(i), state[base + i]);
        ${lseUnitWgsl("w", "true")}`)
}
  let log_zy = sites_lse(m, s);
  let ey = model_count_energy(pairs_t, ones_t);
  var sum_ly = 0.0;
  for (var k = 0u; k < r; k++) {
    let i = gwg_pick[k];
    sum_ly = sum_ly + gwg_w(sites_get(i), state[base + i]);
  }
  let rev = math_mad(-f32(r), log_zy, sum_ly);
  let a = acc_prob(math_mad(-engine_beta, ey - ex, rev - fwd));
  if (sites_lid == 0u) {
    sites_wo = select(0u, 1u, rng_uniform(rng_draw(chain, step, 0u, 3u).x) < a);
  }
  let ok = workgroupUniformLoad(&sites_wo) == 1u;
  if (!ok) {
    for (var k = r; k > 0u; k--) { gwg_flip(base, gwg_pick[k - 1u], gwg_first(k - 1u)); }
  }
  if (sites_lid == 0u) { sites_set(2u * D, step + 2u); }
  return vec2<f32>(a, select(ex, ey, ok));
}
`;
