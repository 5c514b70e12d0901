/**
 * RWM (see `rwm.ts`) in the chains x sites layout, binary models: every site flips with
 * probability p = r / D, drawn per site from its quad's Philox draw (the per-chain layout draws
 * geometric skips instead, so the two layouts give different bits). The flipped sites are listed
 * in invocation order (invocation 0's sites, then 1's, ...); when there are at most as many as one
 * invocation owns sites, they are applied one after another with the energy change summed from
 * `delta` (as in the per-chain layout), else all at once with E(y) the tree sum of site energies.
 * CPU twin of `rwm_sites_wgsl.ts`.
 * @module
 */
import { mathExp } from "../random/f32math.ts";
import { forInvocationSites, SITES_WG, sitesEnergy, sitesPerInvocation } from "./engine_sites.ts";
import { rwmSitesWgsl } from "./rwm_sites_wgsl.ts";
import { type SitesStep, uniform01 } from "./sampler.ts";

const f = Math.fround;

/** The chains x sites step of RWM (`target`: the adaptation's target acceptance). */
export function rwmSitesStep(target: number): SitesStep {
  let flip = new Uint8Array(0);
  const list: number[] = [];
  return {
    unsupported: (model) =>
      model.numCategories === 2
        ? null
        : `rwm in the chains x sites layout needs binary sites, got ${model.numCategories} categories`,
    scratchWords: (model) => model.numSites,
    // On llvmpipe at paper scale the per-chain CPU twin is 35-170x faster (docs/ENGINE2.md).
    explicitOnly: "slower than the per-chain CPU twin on llvmpipe",
    // Two light passes and a scan; then at most n deltas or n site energies, each one call.
    loopsPerStep: (_model, n, call) => n * (4 + 2 * (call + 4)) + 2 * Math.log2(SITES_WG) + 64,
    cpuStep(model, ch) {
      const d = model.numSites, x = ch.x, base = ch.base;
      if (flip.length !== d) flip = new Uint8Array(d);
      const p = Math.min(f(ch.param * f(1 / d)), 1);
      let w = ch.draw(0, 0);
      for (let i = 0; i < d; i++) {
        if ((i & 3) === 0) w = ch.draw(i >>> 2, 0);
        flip[i] = uniform01(w[i & 3]) < p ? 1 : 0;
      }
      list.length = 0;
      for (let lid = 0; lid < SITES_WG; lid++) {
        forInvocationSites(d, lid, (i) => void (flip[i] && list.push(i)));
      }
      let a: number, ey: number;
      if (list.length <= sitesPerInvocation(d)) {
        let de = 0;
        for (const i of list) {
          de = f(de + model.delta(x, base, i, 1 - x[base + i]));
          ch.set(i, 1 - x[base + i]);
        }
        a = mathExp(Math.min(f(-ch.beta * de), 0));
        ey = f(ch.energy + de);
      } else {
        for (const i of list) ch.set(i, 1 - x[base + i]);
        ey = sitesEnergy(model, x, base);
        a = mathExp(Math.min(f(-ch.beta * f(ey - ch.energy)), 0));
      }
      if (uniform01(ch.draw(0, 1)[0]) < a) ch.energy = ey;
      else for (const i of list) ch.set(i, 1 - x[base + i]);
      return a;
    },
    wgsl: () => rwmSitesWgsl(target),
  };
}
