/**
 * WGSL of RWM in the chains x sites layout (see `rwm_sites.ts`): binary sites, one workgroup per
 * chain. Every site flips with probability p = r / D (one uniform per site, the quad's Philox
 * draw); the flipped sites are gathered into a list (scratch words [0, D), by a workgroup prefix
 * sum, in invocation order). Few flips (at most the sites per invocation) are applied one after
 * another, the energy change being the sum of their `model_delta`s as in the per-chain layout;
 * more are applied at once and the energy change is E(y) - E(x), E(y) the tree sum of site
 * energies. Either way a step costs about (sites per invocation) x (model call cost).
 * @module
 */
import { wgslF32 } from "./local_logits.ts";
import { overSites } from "./pas_sites_wgsl.ts";

/** `sampler_sites_step` and `sampler_adapt` of RWM on binary models. */
export function rwmSitesWgsl(target: number): string {
  return /* wgsl */ `
const RWM_TARGET: f32 = ${wgslF32(target)};
var<workgroup> rwm_wseq: u32;
fn sampler_sites_step(chain: u32, base: u32, step: u32, param: f32, ex: f32) -> vec2<f32> {
  let p = min(param * SAMPLER_RWM_INV_D, 1.0);
  var moved = 0u;
  ${
    overSites(
      "moved = moved + select(0u, 1u, rng_uniform(w[jj]) < p);",
      "let w = rng_draw(chain, step, q, 0u);",
    )
  }
  let scan = sites_scan(moved);
  var at = scan.x;
  ${
    overSites(
      `if (rng_uniform(w[jj]) < p) {
          sites_set(at, i);
          at = at + 1u;
        }`,
      "let w = rng_draw(chain, step, q, 0u);",
    )
  }
  let total = scan.y;
  // The list is in storage: every invocation's entries are written before anyone reads them.
  storageBarrier();
  // Sequential deltas while they cost no more than a walk of the invocation's own sites.
  if (sites_lid == 0u) {
    rwm_wseq = select(0u, 1u, total <= 4u * ((D + 4u * SITES_WG - 1u) / (4u * SITES_WG)));
  }
  let sequential = workgroupUniformLoad(&rwm_wseq) == 1u;
  var ey = 0.0;
  var a = 0.0;
  if (sequential) {
    var de = 0.0;
    for (var k = 0u; k < total; k++) {
      let i = sites_get(k);
      de = de + model_delta(base, i, 1u - state[base + i]);
      storageBarrier();
      if (sites_lid == 0u) { state[base + i] = 1u - state[base + i]; }
      storageBarrier();
    }
    a = acc_prob(-engine_beta * de);
    ey = ex + de;
  } else {
    for (var k = sites_lid; k < total; k += SITES_WG) {
      let i = sites_get(k);
      state[base + i] = 1u - state[base + i];
    }
    storageBarrier();
    ey = sites_energy(base);
    a = acc_prob(-engine_beta * (ey - ex));
  }
  let ok = rng_uniform(rng_draw(chain, step, 0u, 1u).x) < a;
  // Everyone has read the states it needed (sites_energy ends with a uniform load).
  storageBarrier();
  if (!ok) {
    for (var k = sites_lid; k < total; k += SITES_WG) {
      let i = sites_get(k);
      state[base + i] = 1u - state[base + i];
    }
  }
  return vec2<f32>(a, select(ex, ey, ok));
}
fn sampler_adapt(param: f32, mean_acc: f32) -> f32 {
  // math_keep: compilers otherwise fold this into param + (mean_acc - target).
  return clamp(math_keep(param + mean_acc) - RWM_TARGET, 1.0, SAMPLER_RWM_MAX_RADIUS);
}
`;
}
