/**
 * PAS (see `pas.ts`) in the chains x sites layout, binary models: the same proposal (site
 * weights at x, Gumbel-top-R path, Plackett-Luce forward and reverse terms) with the
 * per-chain sums taken as workgroup trees, and the energy change as E(y) - E(x) with both
 * energies tree sums of site energies (`engine_sites.ts`). This is the CPU twin of
 * `pas_sites_wgsl.ts`; it is a different f32 summation order from the per-chain layout, so the
 * two layouts give different bits (each replays its own GPU run).
 * @module
 */
import type { DiscreteModel } from "../models/discrete/model.ts";
import { gumbel, uniform01 } from "../random/draws.ts";
import { madF32, mathExp, mathLog1p, roundHalfEven } from "../random/f32math.ts";
import type { BalancingFn } from "./balancing.ts";
import { SITES_WG, sitesEnergy, sitesLse } from "./engine_sites.ts";
import { flipLogits, type LogRatioMode } from "./local_logits.ts";
import { pasSitesWgsl } from "./pas_sites_wgsl.ts";
import type { SitesStep } from "./sampler.ts";

const f = Math.fround;

/** Path length on a model from the current parameter (shared by both layouts). */
export function pasPathLength(model: DiscreteModel, param: number, maxFlips: number): number {
  return Math.min(Math.max(roundHalfEven(f(param)), 1), maxFlips, model.numSites);
}

/** One Plackett-Luce term: log p - log(1 - cum); returns [term, new cum] (`pas_pl_term`). */
export function pasPlTerm(w: number, logZ: number, cum: number): [number, number] {
  const lp = f(w - logZ);
  return [f(lp - mathLog1p(Math.max(-cum, -1))), f(cum + mathExp(lp))];
}

/** Options of the PAS sites step. */
export interface PasSitesOptions {
  maxFlips: number;
  target: number;
  balancing: BalancingFn;
  mode: LogRatioMode;
}

/** The chains x sites step of PAS. */
export function pasSitesStep(o: PasSitesOptions): SitesStep {
  let wx = new Float32Array(0), key = new Float32Array(0), wy = new Float32Array(0);
  const picks: number[] = [];
  const weights = (
    model: DiscreteModel,
    x: Uint32Array,
    base: number,
    beta: number,
    w: Float32Array,
  ) => flipLogits(model, x, base, beta, o.mode, o.balancing, w);
  return {
    unsupported: (model) =>
      model.numCategories === 2
        ? null
        : `pas in the chains x sites layout needs binary sites, got ${model.numCategories} categories`,
    scratchWords: (model) => 3 * model.numSites + 2,
    // Two passes of a weight (one call) plus a site energy, R argmax rounds over the keys.
    loopsPerStep: (model, n, call) => {
      const r = Math.min(o.maxFlips, model.numSites);
      return n * (4 + 3 * (call + 1)) + r * (n + 12 + 2 * Math.ceil(call / SITES_WG)) + 8 * r + 64;
    },
    cpuStep(model, ch) {
      const d = model.numSites, x = ch.x, base = ch.base, beta = ch.beta;
      if (wx.length !== d) {
        [wx, key, wy] = [new Float32Array(d), new Float32Array(d), new Float32Array(d)];
      }
      const r = pasPathLength(model, ch.param, o.maxFlips);
      weights(model, x, base, beta, wx);
      let draws = ch.draw(0, 0);
      for (let i = 0; i < d; i++) {
        if ((i & 3) === 0) draws = ch.draw(i >>> 2, 0);
        key[i] = f(wx[i] + gumbel(draws[i & 3]));
      }
      const logZ = sitesLse(d, (i) => wx[i]);
      // Gumbel-top-r in the order (key desc, index asc), as the argmax rounds.
      picks.length = 0;
      let pk = Infinity, pi = 0;
      for (let k = 0; k < r; k++) {
        let bk = -Infinity, bi = 0xffffffff;
        for (let i = 0; i < d; i++) {
          const kk = key[i];
          if ((kk < pk || (kk === pk && i > pi)) && (kk > bk || (kk === bk && i < bi))) {
            bk = kk, bi = i;
          }
        }
        picks.push(bi);
        pk = bk, pi = bi;
      }
      let fwd = 0, cum = 0, term: number;
      for (let k = 0; k < r; k++) {
        [term, cum] = pasPlTerm(wx[picks[k]], logZ, cum);
        fwd = f(fwd + term);
      }
      for (const i of picks) ch.set(i, 1 - x[base + i]);
      weights(model, x, base, beta, wy);
      const logZy = sitesLse(d, (i) => wy[i]);
      const ey = sitesEnergy(model, x, base);
      let rev = 0;
      cum = 0;
      for (let k = r - 1; k >= 0; k--) {
        [term, cum] = pasPlTerm(wy[picks[k]], logZy, cum);
        rev = f(rev + term);
      }
      const de = f(ey - ch.energy);
      const a = mathExp(Math.min(madF32(-beta, de, f(rev - fwd)), 0));
      if (uniform01(ch.draw(0, 3)[0]) < a) ch.energy = ey;
      else for (const i of picks) ch.set(i, 1 - x[base + i]);
      return a;
    },
    wgsl: (model) => pasSitesWgsl({ ...o, counts: Boolean(model.siteEnergy?.counts) }),
  };
}
