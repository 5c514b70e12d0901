/**
 * GWG (see `gwg.ts`) in the chains x sites layout, binary models: the n draws with replacement
 * from softmax(w(x)) are n Gumbel-max rounds over the sites (round k draws its noise from Philox
 * stream 4 + k), the workgroup argmax taking the largest (key, index) in the order key desc,
 * index asc; each drawn site flips once; `log q = sum_k w_{i_k} - n logZ` at x and under the
 * weights at y for the reverse move; the energy change is E(y) - E(x), both tree sums of site
 * energies (`engine_sites.ts`). CPU twin of `gwg_sites_wgsl.ts`. The per-chain layout draws its
 * n units from sorted uniforms instead, so the two layouts give different bits.
 * @module
 */
import type { DiscreteModel } from "../models/discrete/model.ts";
import { gumbel, uniform01 } from "../random/draws.ts";
import { madF32, mathExp, roundHalfEven } from "../random/f32math.ts";
import type { BalancingFn } from "./balancing.ts";
import { SITES_WG, sitesEnergy, sitesLse } from "./engine_sites.ts";
import { gwgSitesWgsl } from "./gwg_sites_wgsl.ts";
import { flipLogits } from "./local_logits.ts";
import type { SitesStep } from "./sampler.ts";

const f = Math.fround;

/** Options of the GWG sites step. */
export interface GwgSitesOptions {
  maxFlips: number;
  target: number;
  balancing: BalancingFn;
  /** Draws per step at most: the fixed count, or maxFlips when adaptive (the loop budget). */
  maxDraws: number;
}

/** The chains x sites step of GWG. */
export function gwgSitesStep(o: GwgSitesOptions): SitesStep {
  let wx = new Float32Array(0), wy = new Float32Array(0);
  const picks: number[] = [];
  const weights = (
    model: DiscreteModel,
    x: Uint32Array,
    base: number,
    beta: number,
    w: Float32Array,
  ) => flipLogits(model, x, base, beta, "grad", o.balancing, w);
  // Each drawn site flips once: draw k is the first of its site.
  const first = (k: number) => picks.indexOf(picks[k]) === k;
  return {
    unsupported: (model) =>
      model.numCategories === 2
        ? null
        : `gwg in the chains x sites layout needs binary sites, got ${model.numCategories} categories`,
    scratchWords: (model) => 3 * model.numSites + 2,
    // Two passes of a weight (one call) plus a site energy, n argmax rounds over the sites with
    // a Philox draw per quad, n^2 duplicate checks, n flips splitting a row.
    loopsPerStep: (model, n, call) => {
      const r = Math.min(o.maxDraws, Math.max(model.numSites, 1));
      return n * (4 + 3 * (call + 1)) + r * (2 * n + 12 + 2 * Math.ceil(call / SITES_WG)) +
        r * r + 8 * r + 64;
    },
    cpuStep(model, ch) {
      const d = model.numSites, x = ch.x, base = ch.base, beta = ch.beta;
      if (wx.length !== d) [wx, wy] = [new Float32Array(d), new Float32Array(d)];
      const r = Math.min(Math.max(roundHalfEven(f(ch.param)), 1), o.maxFlips);
      weights(model, x, base, beta, wx);
      const logZ = sitesLse(d, (i) => wx[i]);
      picks.length = 0;
      for (let k = 0; k < r; k++) {
        let bk = -Infinity, bi = 0xffffffff, draws = ch.draw(0, 4 + k);
        for (let i = 0; i < d; i++) {
          if ((i & 3) === 0) draws = ch.draw(i >>> 2, 4 + k);
          const key = f(wx[i] + gumbel(draws[i & 3]));
          if (key > bk) bk = key, bi = i;
        }
        picks.push(bi);
      }
      let sumL = 0;
      for (const i of picks) sumL = f(sumL + wx[i]);
      const fwd = madF32(-r, logZ, sumL);
      for (let k = 0; k < r; k++) if (first(k)) ch.set(picks[k], 1 - x[base + picks[k]]);
      weights(model, x, base, beta, wy);
      const logZy = sitesLse(d, (i) => wy[i]);
      const ey = sitesEnergy(model, x, base);
      let sumLy = 0;
      for (const i of picks) sumLy = f(sumLy + wy[i]);
      const rev = madF32(-r, logZy, sumLy);
      const a = mathExp(Math.min(madF32(-beta, f(ey - ch.energy), f(rev - fwd)), 0));
      if (uniform01(ch.draw(0, 3)[0]) < a) ch.energy = ey;
      else {
        for (let k = r - 1; k >= 0; k--) if (first(k)) ch.set(picks[k], 1 - x[base + picks[k]]);
      }
      return a;
    },
    wgsl: (model) =>
      gwgSitesWgsl({
        maxFlips: o.maxFlips,
        target: o.target,
        balancing: o.balancing,
        counts: Boolean(model.siteEnergy?.counts),
      }),
  };
}
