/**
 * WGSL of the discrete Langevin step (DMALA, DLMC) in the chains x sites layout, binary models
 * (see `langevin_sites.ts`). Each site's gradient is cached in the chain's scratch in two slots
 * (x and y): a step walks each site's neighbours once, at y (gradient and site energy in one
 * walk), and an accepted step's y gradients serve the next step's x. Scratch words: gradient
 * slots [0, D) and [D, 2D), whether site i moved [2D, 3D), then the slot of x and the step the
 * cache is valid for (plus one, so fresh zeroed scratch is invalid).
 * @module
 */
import type { BalancingFn } from "./balancing.ts";
import { commonWgsl, type LogTauRule, logTauWgsl } from "./langevin_common.ts";

/** Visits the invocation's sites: `body` sees `i` (and the quad `q`, lane `jj`). */
function overSites(body: string, perQuad = ""): string {
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

/**
 * `sampler_sites_step` and `sampler_adapt` of a Langevin sampler around its binary per-site
 * proposal `pair` (`sampler_lg_pair(d, log_tau)`, as in the per-chain layout).
 */
export function langevinSitesWgsl(
  balancing: BalancingFn,
  rule: LogTauRule,
  target: number,
  pair: string,
  counts: boolean,
): string {
  return counts
    ? langevinCountsWgsl(balancing, rule, target, pair)
    : langevinWalkWgsl(balancing, rule, target, pair);
}

/**
 * Count models: each site's count of neighbours in state 1 is cached (scratch words [0, D),
 * valid for the step in word 3D); the moved sites are gathered into a list ([D, 2D), by a
 * workgroup prefix sum over the invocations' numbers of moves) and applied one after another,
 * each updating its neighbours' counts (the lanes split its row); E(y) comes from the integer
 * totals. A step walks the moved sites' rows only. Words [2D, 3D): whether site i moved.
 */
function langevinCountsWgsl(
  balancing: BalancingFn,
  rule: LogTauRule,
  target: number,
  pair: string,
): string {
  const rate = rule === "rate";
  return commonWgsl(balancing, target) + pair + "\n" + logTauWgsl(rule) + /* wgsl */ `
fn sampler_lg_d(g: f32, xi: u32) -> f32 {
  let bg = engine_beta * g;
  return select(-bg, bg, xi == 1u);
}
// d_i at the current state from the cached count.
fn sampler_lg_dc(i: u32, xi: u32) -> f32 { return sampler_lg_d(model_count_grad(sites_get(i)), xi); }
// The list's moves, in list order: each updates its neighbours' counts by its new value.
fn sampler_lg_recount(base: u32, total: u32) {
  storageBarrier();
  for (var k = 0u; k < total; k++) {
    let i = sites_get(D + k);
    let up = state[base + i] == 1u;
    for (var q = model_row_ptr[i] + sites_lid; q < model_row_ptr[i + 1u]; q += SITES_WG) {
      let j = model_col_idx[q];
      let c = sites_get(j);
      sites_set(j, select(c - 1u, c + 1u, up));
    }
    storageBarrier();
  }
}
fn sampler_sites_step(chain: u32, base: u32, step: u32, param: f32, ex: f32) -> vec2<f32> {
  let cached = sites_get(3u * D) == step + 1u;
  var z = 0.0;
  ${
    overSites(`let xi = state[base + i];
        if (!cached) { sites_set(i, model_count(base, i)); }
        ${rate ? "z = z + math_exp(acc_balance(sampler_lg_dc(i, xi)));" : ""}`)
  }
  ${rate ? "let zx = sites_sum2(vec2<f32>(z, 0.0)).x;" : "let zx = 0.0;"}
  let tx = sampler_lg_log_tau(zx);
  // Every invocation has read its neighbours' x before any site moves.
  storageBarrier();
  var fwd = 0.0;
  var moved = 0u;
  ${
    overSites(
      `let u = rng_uniform(r[jj]);
        let xi = state[base + i];
        let p = sampler_lg_pair(sampler_lg_dc(i, xi), tx);
        let one = xi == 1u;
        let acc0 = select(p.w, p.z, one);
        let acc1 = acc0 + select(p.z, p.w, one);
        let y = select(select(xi, 1u, u < acc1), 0u, u < acc0);
        let flip = y != xi;
        fwd = fwd + select(p.y, p.x, flip);
        sites_set(2u * D + i, select(0u, 1u, flip));
        state[base + i] = y;
        moved = moved + select(0u, 1u, flip);`,
      "let r = rng_draw(chain, step, q, 0u);",
    )
  }
  let scan = sites_scan(moved);
  var at = scan.x;
  ${
    overSites(`if (sites_get(2u * D + i) != 0u) {
          sites_set(D + at, i);
          at = at + 1u;
        }`)
  }
  sampler_lg_recount(base, scan.y);
  var zy = 0.0;
  var pairs = 0u;
  var ones = 0u;
  ${
    overSites(`let yi = state[base + i];
        ${rate ? "zy = zy + math_exp(acc_balance(sampler_lg_dc(i, yi)));" : ""}
        pairs = pairs + select(0u, sites_get(i), yi == 1u);
        ones = ones + yi;`)
  }
  let ey = model_count_energy(sites_count(pairs) >> 1u, sites_count(ones));
  ${rate ? "let zty = sites_sum2(vec2<f32>(zy, 0.0)).x;" : "let zty = 0.0;"}
  let ty = sampler_lg_log_tau(zty);
  var rev = 0.0;
  ${
    overSites(`let p = sampler_lg_pair(sampler_lg_dc(i, state[base + i]), ty);
        rev = rev + select(p.y, p.x, sites_get(2u * D + i) != 0u);`)
  }
  let fr = sites_sum2(vec2<f32>(fwd, rev));
  let de = ey - ex;
  let a = acc_prob(math_mad(-engine_beta, de, fr.y) - fr.x);
  if (sites_lid == 0u) {
    sites_wo = select(0u, 1u, rng_uniform(rng_draw(chain, step, 0u, 1u).x) < a);
  }
  let ok = workgroupUniformLoad(&sites_wo) == 1u;
  if (!ok) {
    ${overSites(`if (sites_get(2u * D + i) != 0u) { state[base + i] = 1u - state[base + i]; }`)}
    sampler_lg_recount(base, scan.y);
  }
  storageBarrier();
  if (sites_lid == 0u) { sites_set(3u * D, step + 2u); }
  return vec2<f32>(a, select(ex, ey, ok));
}
`;
}

/** Models without counts: one walk per site at y (gradient and site energy). */
function langevinWalkWgsl(
  balancing: BalancingFn,
  rule: LogTauRule,
  target: number,
  pair: string,
): string {
  const counts = false;
  const rate = rule === "rate";
  // At y: the gradient and the site's energy terms from one walk (integer counts when the model
  // has them, so E(y) is the model's own energy).
  const atY = counts
    ? `let c = model_count(base, i);
        let ge = vec2<f32>(model_count_grad(c), 0.0);
        let one = state[base + i] == 1u;
        pairs = pairs + select(0u, c, one);
        ones = ones + select(0u, 1u, one);`
    : `let ge = model_site_grad_energy(base, i);
        esum = esum + ge.y;`;
  return commonWgsl(balancing, target) + pair + "\n" + logTauWgsl(rule) + /* wgsl */ `
// d_i = log pi(flip i) - log pi(x) to first order, from the gradient g at x_i = xi.
fn sampler_lg_d(g: f32, xi: u32) -> f32 {
  let bg = engine_beta * g;
  return select(-bg, bg, xi == 1u);
}
fn sampler_sites_step(chain: u32, base: u32, step: u32, param: f32, ex: f32) -> vec2<f32> {
  let sx = sites_get(3u * D) & 1u;
  let cached = sites_get(3u * D + 1u) == step + 1u;
  let at_x = sx * D;
  let at_y = (sx ^ 1u) * D;
  var z = 0.0;
  ${
    overSites(`var g = 0.0;
        if (cached) {
          g = sites_get_f(at_x + i);
        } else {
          g = model_grad(base, i, 0u);
          sites_set_f(at_x + i, g);
        }
        ${rate ? "z = z + math_exp(acc_balance(sampler_lg_d(g, state[base + i])));" : ""}`)
  }
  ${rate ? "let zx = sites_sum2(vec2<f32>(z, 0.0)).x;" : "let zx = 0.0;"}
  let tx = sampler_lg_log_tau(zx);
  // Every invocation has read its neighbours' x before any site moves.
  storageBarrier();
  var fwd = 0.0;
  ${
    overSites(
      `let u = rng_uniform(r[jj]);
        let xi = state[base + i];
        let p = sampler_lg_pair(sampler_lg_d(sites_get_f(at_x + i), xi), tx);
        let one = xi == 1u;
        let acc0 = select(p.w, p.z, one);
        let acc1 = acc0 + select(p.z, p.w, one);
        let y = select(select(xi, 1u, u < acc1), 0u, u < acc0);
        let flip = y != xi;
        fwd = fwd + select(p.y, p.x, flip);
        sites_set(2u * D + i, select(0u, 1u, flip));
        state[base + i] = y;`,
      "let r = rng_draw(chain, step, q, 0u);",
    )
  }
  storageBarrier();
  var zy = 0.0;
  var esum = 0.0;
  var pairs = 0u;
  var ones = 0u;
  ${
    overSites(`${atY}
        sites_set_f(at_y + i, ge.x);
        ${rate ? "zy = zy + math_exp(acc_balance(sampler_lg_d(ge.x, state[base + i])));" : ""}`)
  }
  ${
    counts
      ? `let p2 = sites_count(pairs);
  let t = vec2<f32>(sites_sum2(vec2<f32>(zy, 0.0)).x, model_count_energy(p2 >> 1u, sites_count(ones)));`
      : "let t = sites_sum2(vec2<f32>(zy, esum));"
  }
  let ty = sampler_lg_log_tau(t.x);
  var rev = 0.0;
  ${
    overSites(`let p = sampler_lg_pair(sampler_lg_d(sites_get_f(at_y + i), state[base + i]), ty);
        rev = rev + select(p.y, p.x, sites_get(2u * D + i) != 0u);`)
  }
  let fr = sites_sum2(vec2<f32>(fwd, rev));
  let de = t.y - ex;
  let a = acc_prob(math_mad(-engine_beta, de, fr.y) - fr.x);
  let ok = rng_uniform(rng_draw(chain, step, 0u, 1u).x) < a;
  if (!ok) {
    ${overSites(`if (sites_get(2u * D + i) != 0u) { state[base + i] = 1u - state[base + i]; }`)}
  }
  // Everyone has read the cache words; the next step finds x's gradients in slot sx or sx ^ 1.
  storageBarrier();
  if (sites_lid == 0u) {
    sites_set(3u * D, select(sx, sx ^ 1u, ok));
    sites_set(3u * D + 1u, step + 2u);
  }
  return vec2<f32>(a, select(ex, t.y, ok));
}
`;
}
