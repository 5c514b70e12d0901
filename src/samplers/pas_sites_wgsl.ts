/**
 * WGSL of PAS in the chains x sites layout (see `pas_sites.ts`): binary sites, one workgroup
 * per chain. Each site's log-ratio term t_i (the gradient estimate, or the exact energy change,
 * before the inverse temperature: w_i = g(-beta t_i)) is cached in the chain's scratch, in two
 * slots (x and y), so a step walks each site's neighbours once, at y (t_i and the site energy in
 * one walk), and reuses y's terms as the next step's x when the move is accepted (x's otherwise).
 * Scratch words: t slots [0, D) and [D, 2D), Gumbel keys [2D, 3D), then the slot of x and the
 * step the cache is valid for (plus one, so fresh zeroed scratch is invalid). The path's R sites
 * are R workgroup argmax rounds over the keys (each below the last pick in the order key desc,
 * index asc).
 * @module
 */
import type { BalancingFn } from "./balancing.ts";
import { balanceWgsl } from "./balancing.ts";
import type { LogRatioMode } from "./local_logits.ts";
import { lseUnitWgsl, wgslF32 } from "./local_logits.ts";

/** Program-changing options of the PAS sites step. */
export interface PasSitesWgslOptions {
  maxFlips: number;
  target: number;
  balancing: BalancingFn;
  mode: LogRatioMode;
  /** The model keeps integer neighbour counts (`SiteEnergy.counts`): flips update them. */
  counts: boolean;
}

/** Visits the invocation's sites: `body` sees `i` (and the quad `q`, lane `jj`). */
export function overSites(body: string, perQuad = ""): string {
  return `for (var q = sites_lid; q * 4u < D; q += SITES_WG) {
    ${perQuad}
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
  if (o.counts && o.mode === "grad") return pasCountsWgsl(o);
  // t at y and e_i: one walk (gradient mode); the exact mode walks for model_delta and for E(y).
  const exact = o.mode === "exact";
  const tAtY = exact
    ? "let te = vec2<f32>(model_delta(base, i, 1u - state[base + i]), 0.0);"
    : `let ge = model_site_grad_energy(base, i);
        let te = vec2<f32>(select(ge.x, -ge.x, state[base + i] != 0u), ge.y);`;
  const tAtX = exact
    ? "return model_delta(base, i, 1u - state[base + i]);"
    : "let g = model_grad(base, i, 0u);\n  return select(g, -g, state[base + i] != 0u);";
  return balanceWgsl(o.balancing) + /* wgsl */ `
const PAS_CAP: u32 = ${o.maxFlips}u;
const PAS_TARGET: f32 = ${wgslF32(o.target)};
var<private> pas_pick: array<u32, PAS_CAP>;
// The site's log-ratio term at the current state (a walk over its neighbours).
fn pas_t(base: u32, i: u32) -> f32 {
  ${tAtX}
}
fn pas_pl_term(w: f32, log_z: f32, cum: f32) -> vec2<f32> {
  let lp = w - log_z;
  return vec2<f32>(lp - math_log1p(max(-cum, -1.0)), cum + math_exp(lp));
}
fn sampler_sites_step(chain: u32, base: u32, step: u32, param: f32, ex: f32) -> vec2<f32> {
  let r = u32(clamp(round(param), 1.0, f32(SAMPLER_PAS_MAX)));
  let sx = sites_get(3u * D) & 1u;
  let cached = sites_get(3u * D + 1u) == step + 1u;
  let at_x = sx * D;
  let at_y = (sx ^ 1u) * D;
  var m = -math_inf();
  var s = 0.0;
  ${
    overSites(
      `var t = 0.0;
        if (cached) {
          t = sites_get_f(at_x + i);
        } else {
          t = pas_t(base, i);
          sites_set_f(at_x + i, t);
        }
        let w = acc_balance(-engine_beta * t);
        ${lseUnitWgsl("w", "true")}
        sites_set_f(2u * D + i, w + rng_gumbel(g[jj]));`,
      "let g = rng_draw(chain, step, q, 0u);",
    )
  }
  let log_z = sites_lse(m, s);
  // Gumbel-top-r: round k takes the largest key below round k - 1's pick.
  var pk = math_inf();
  var pi = 0u;
  for (var k = 0u; k < r; k++) {
    var bk = -math_inf();
    var bi = 0xffffffffu;
    ${
    overSites(`let key = sites_get_f(2u * D + i);
        let take = (key < pk || (key == pk && i > pi)) && key > bk;
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
    let t = pas_pl_term(acc_balance(-engine_beta * sites_get_f(at_x + pas_pick[k])), log_z, cum);
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
  var esum = 0.0;
  ${
    overSites(`${tAtY}
        sites_set_f(at_y + i, te.x);
        let w = acc_balance(-engine_beta * te.x);
        ${lseUnitWgsl("w", "true")}
        esum = esum + te.y;`)
  }
  let log_zy = sites_lse(m, s);
  ${exact ? "let ey = sites_energy(base);" : "let ey = sites_sum2(vec2<f32>(esum, 0.0)).x;"}
  storageBarrier();
  var rev = 0.0;
  cum = 0.0;
  for (var k = r; k > 0u; k--) {
    let w = acc_balance(-engine_beta * sites_get_f(at_y + pas_pick[k - 1u]));
    let t = pas_pl_term(w, log_zy, cum);
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
  // Everyone has read the cache words; the next step finds x's terms in slot sx or sx ^ 1.
  storageBarrier();
  if (sites_lid == 0u) {
    sites_set(3u * D, select(sx, sx ^ 1u, ok));
    sites_set(3u * D + 1u, step + 2u);
  }
  return vec2<f32>(a, select(ex, ey, ok));
}
fn sampler_adapt(param: f32, mean_acc: f32) -> f32 {
  // math_keep: compilers otherwise fold this into param + (mean_acc - target).
  return clamp(math_keep(param + mean_acc) - PAS_TARGET, 1.0, f32(SAMPLER_PAS_MAX));
}
`;
}

/**
 * PAS on a count model (gradient estimate): each site's count of neighbours in state 1 is
 * cached in the chain's scratch (words [0, D), valid for the step in word 2D, keys in [D, 2D)),
 * the weights at x and at y come from the counts without walking neighbours, and the path's flips
 * are applied one after another, each updating its neighbours' counts (the lanes split the row)
 * and the integer totals of the energy; a rejected path is undone the same way in reverse.
 * Per step this walks R rows instead of every site's, so the step costs O(D + R deg / SITES_WG)
 * per invocation.
 */
function pasCountsWgsl(o: PasSitesWgslOptions): string {
  return balanceWgsl(o.balancing) + /* wgsl */ `
const PAS_CAP: u32 = ${o.maxFlips}u;
const PAS_TARGET: f32 = ${wgslF32(o.target)};
var<private> pas_pick: array<u32, PAS_CAP>;
// w_i from the site's count and value (the gradient estimate t = +-g of the flip).
fn pas_w(c: u32, xi: u32) -> f32 {
  let g = model_count_grad(c);
  return acc_balance(-engine_beta * select(g, -g, xi != 0u));
}
fn pas_pl_term(w: f32, log_z: f32, cum: f32) -> vec2<f32> {
  let lp = w - log_z;
  return vec2<f32>(lp - math_log1p(max(-cum, -1.0)), cum + math_exp(lp));
}
// Flips site i (all invocations call it with the same i): the lanes update its neighbours'
// counts, then invocation 0 writes the state. Returns the old value.
fn pas_flip(base: u32, i: u32) -> u32 {
  let xi = state[base + i];
  for (var q = model_row_ptr[i] + sites_lid; q < model_row_ptr[i + 1u]; q += SITES_WG) {
    let j = model_col_idx[q];
    let c = sites_get(j);
    sites_set(j, select(c + 1u, c - 1u, xi == 1u));
  }
  storageBarrier();
  if (sites_lid == 0u) { state[base + i] = 1u - xi; }
  storageBarrier();
  return xi;
}
fn sampler_sites_step(chain: u32, base: u32, step: u32, param: f32, ex: f32) -> vec2<f32> {
  let r = u32(clamp(round(param), 1.0, f32(SAMPLER_PAS_MAX)));
  let cached = sites_get(2u * D) == step + 1u;
  var m = -math_inf();
  var s = 0.0;
  var pairs = 0u;
  var ones = 0u;
  ${
    overSites(
      `let xi = state[base + i];
        var c = 0u;
        if (cached) {
          c = sites_get(i);
        } else {
          c = model_count(base, i);
          sites_set(i, c);
        }
        pairs = pairs + select(0u, c, xi == 1u);
        ones = ones + xi;
        let w = pas_w(c, xi);
        ${lseUnitWgsl("w", "true")}
        sites_set_f(D + i, w + rng_gumbel(g[jj]));`,
      "let g = rng_draw(chain, step, q, 0u);",
    )
  }
  let log_z = sites_lse(m, s);
  var pairs_t = sites_count(pairs) >> 1u;
  var ones_t = sites_count(ones);
  var pk = math_inf();
  var pi = 0u;
  for (var k = 0u; k < r; k++) {
    var bk = -math_inf();
    var bi = 0xffffffffu;
    ${
    overSites(`let key = sites_get_f(D + i);
        let take = (key < pk || (key == pk && i > pi)) && key > bk;
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
    let i = pas_pick[k];
    let t = pas_pl_term(pas_w(sites_get(i), state[base + i]), log_z, cum);
    fwd = fwd + t.x;
    cum = t.y;
  }
  // Every invocation has read the counts at x before the first flip changes them.
  storageBarrier();
  for (var k = 0u; k < r; k++) {
    let i = pas_pick[k];
    let c = sites_get(i);
    let xi = pas_flip(base, i);
    pairs_t = select(pairs_t + c, pairs_t - c, xi == 1u);
    ones_t = select(ones_t + 1u, ones_t - 1u, xi == 1u);
  }
  m = -math_inf();
  s = 0.0;
  ${
    overSites(`let w = pas_w(sites_get(i), state[base + i]);
        ${lseUnitWgsl("w", "true")}`)
  }
  let log_zy = sites_lse(m, s);
  let ey = model_count_energy(pairs_t, ones_t);
  var rev = 0.0;
  cum = 0.0;
  for (var k = r; k > 0u; k--) {
    let i = pas_pick[k - 1u];
    let t = pas_pl_term(pas_w(sites_get(i), state[base + i]), log_zy, cum);
    rev = rev + t.x;
    cum = t.y;
  }
  let de = ey - ex;
  let a = acc_prob(math_mad(-engine_beta, de, rev - fwd));
  if (sites_lid == 0u) {
    sites_wo = select(0u, 1u, rng_uniform(rng_draw(chain, step, 0u, 3u).x) < a);
  }
  let ok = workgroupUniformLoad(&sites_wo) == 1u;
  if (!ok) {
    for (var k = r; k > 0u; k--) { pas_flip(base, pas_pick[k - 1u]); }
  }
  if (sites_lid == 0u) { sites_set(2u * D, step + 2u); }
  return vec2<f32>(a, select(ex, ey, ok));
}
fn sampler_adapt(param: f32, mean_acc: f32) -> f32 {
  // math_keep: compilers otherwise fold this into param + (mean_acc - target).
  return clamp(math_keep(param + mean_acc) - PAS_TARGET, 1.0, f32(SAMPLER_PAS_MAX));
}
`;
}
