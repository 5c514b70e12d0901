/**
 * WGSL of the discrete Langevin step (DMALA, DLMC) in the chains x sites layout, binary models
 * (see `langevin_sites.ts`). Scratch of the running chain: d_i at x (words [0, D)), d_i at y
 * ([D, 2D)) and whether site i moved ([2D, 3D)).
 * @module
 */
import type { BalancingFn } from "./balancing.ts";
import { commonWgsl, type LogTauRule, logTauWgsl } from "./langevin_common.ts";

/** Visits the invocation's sites: `body` sees `i` (and the quad `q`, `jj`). */
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
): string {
  const rate = rule === "rate";
  return commonWgsl(balancing, target) + pair + "\n" + logTauWgsl(rule) + /* wgsl */ `
fn sampler_lg_d(base: u32, i: u32, xi: u32) -> f32 {
  let bg = engine_beta * model_grad(base, i, 0u);
  return select(-bg, bg, xi == 1u);
}
fn sampler_sites_step(chain: u32, base: u32, step: u32, param: f32, ex: f32) -> vec2<f32> {
  var z = 0.0;
  ${
    overSites(`let d = sampler_lg_d(base, i, state[base + i]);
        sites_set_f(i, d);
        ${rate ? "z = z + math_exp(acc_balance(d));" : ""}`)
  }
  ${rate ? "let zx = sites_sum2(vec2<f32>(z, 0.0)).x;" : "let zx = 0.0;"}
  let tx = sampler_lg_log_tau(zx);
  // Every invocation has read its neighbours' x before any site moves.
  storageBarrier();
  var fwd = 0.0;
  ${
    overSites(
      `let u = rng_uniform(g[jj]);
        let xi = state[base + i];
        let p = sampler_lg_pair(sites_get_f(i), tx);
        let one = xi == 1u;
        let acc0 = select(p.w, p.z, one);
        let acc1 = acc0 + select(p.z, p.w, one);
        let y = select(select(xi, 1u, u < acc1), 0u, u < acc0);
        let flip = y != xi;
        fwd = fwd + select(p.y, p.x, flip);
        sites_set(2u * D + i, select(0u, 1u, flip));
        state[base + i] = y;`,
      "let g = rng_draw(chain, step, q, 0u);",
    )
  }
  storageBarrier();
  var zy = 0.0;
  ${
    overSites(`let d = sampler_lg_d(base, i, state[base + i]);
        sites_set_f(D + i, d);
        ${rate ? "zy = zy + math_exp(acc_balance(d));" : ""}`)
  }
  // E(y) in a pass of its own: llvmpipe skipped the site energy's loop when it followed the
  // gradient's loop in one loop body (observed on Mesa 23's llvmpipe; results came out wrong).
  let esum = sites_energy(base);
  let t = vec2<f32>(sites_sum2(vec2<f32>(zy, 0.0)).x, esum);
  let ty = sampler_lg_log_tau(t.x);
  var rev = 0.0;
  ${
    overSites(`let p = sampler_lg_pair(sites_get_f(D + i), ty);
        rev = rev + select(p.y, p.x, sites_get(2u * D + i) != 0u);`)
  }
  let fr = sites_sum2(vec2<f32>(fwd, rev));
  let de = t.y - ex;
  let a = acc_prob(math_mad(-engine_beta, de, fr.y) - fr.x);
  let ok = rng_uniform(rng_draw(chain, step, 0u, 1u).x) < a;
  if (!ok) {
    ${overSites(`if (sites_get(2u * D + i) != 0u) { state[base + i] = 1u - state[base + i]; }`)}
  }
  return vec2<f32>(a, select(ex, t.y, ok));
}
`;
}
