/**
 * The discrete Langevin step (DMALA, DLMC; see `langevin_common.ts`) in the chains x sites
 * layout, binary models: every site proposes from its log-ratio at x, the reverse proposal is
 * evaluated at y, Metropolis-Hastings; the sums over sites (total rates Z(x), Z(y), the forward
 * and reverse log-probabilities, E(y)) are per-invocation partials combined by the workgroup tree
 * (`engine_sites.ts`), and the energy change is E(y) - E(x). CPU twin of `langevin_sites_wgsl.ts`.
 * @module
 */
import type { DiscreteModel } from "../models/discrete/model.ts";
import { madF32, mathExp, mathLog, mathRecip } from "../random/f32math.ts";
import { type BalancingFn, logBalance } from "./balancing.ts";
import { SITES_WG, sitesEnergy, sitesSum } from "./engine_sites.ts";
import { logRatio, type LogTauRule, type SiteDist } from "./langevin_common.ts";
import { langevinSitesWgsl } from "./langevin_sites_wgsl.ts";
import { type CpuChain, type SitesStep, uniform01 } from "./sampler.ts";

const f = Math.fround;

/** Options of the Langevin sites step. */
export interface LangevinSitesOptions {
  balancing: BalancingFn;
  rule: LogTauRule;
  target: number;
  /** CPU per-site proposal (the per-chain layout's). */
  dist: SiteDist;
  /** Its binary WGSL twin, `sampler_lg_pair(d, log_tau) -> vec4<f32>`. */
  pairWgsl: string;
}

/** The chains x sites step of a discrete Langevin sampler. */
export function langevinSitesStep(o: LangevinSitesOptions): SitesStep {
  let moveQ = new Float32Array(0), flips = new Uint8Array(0), y = new Uint32Array(0);
  const q = new Float32Array(2);
  const logTau = (model: DiscreteModel, ch: CpuChain): number => {
    if (o.rule === "alpha") return f(-0.5 * mathRecip(ch.param));
    const z = sitesSum(
      model.numSites,
      (i) => mathExp(logBalance(o.balancing, logRatio(model, ch, i, 1 - ch.x[ch.base + i]))),
    );
    return f(mathLog(ch.param) - mathLog(z));
  };
  return {
    unsupported: (model) =>
      model.numCategories === 2
        ? null
        : `the chains x sites Langevin step needs binary sites, got ${model.numCategories} categories`,
    scratchWords: (model) => 3 * model.numSites + 2,
    // Two passes with a gradient, one with a site energy, three light passes, four trees.
    // Count models: at most D moves, each walking 1 / SITES_WG of its row, twice.
    loopsPerStep: (model, n, call) =>
      n * (8 + 3 * (call + 1)) + 64 +
      (model.siteEnergy?.counts ? 2 * model.numSites * (Math.ceil(call / SITES_WG) + 4) : 0),
    cpuStep(model, ch) {
      const d = model.numSites, x = ch.x, base = ch.base;
      if (moveQ.length !== d) {
        [moveQ, flips, y] = [new Float32Array(d), new Uint8Array(d), new Uint32Array(d)];
      }
      const tx = logTau(model, ch);
      let draws = ch.draw(0, 0);
      for (let i = 0; i < d; i++) {
        if ((i & 3) === 0) draws = ch.draw(i >>> 2, 0);
        o.dist(model, ch, i, tx, q);
        const u = uniform01(draws[i & 3]), xi = x[base + i];
        const acc0 = mathExp(q[0]), acc1 = f(acc0 + mathExp(q[1]));
        const yi = u < acc0 ? 0 : u < acc1 ? 1 : xi;
        y[i] = yi;
        flips[i] = yi !== xi ? 1 : 0;
        moveQ[i] = q[yi];
      }
      const fwd = sitesSum(d, (i) => moveQ[i]);
      for (let i = 0; i < d; i++) if (flips[i]) ch.set(i, y[i]);
      const ey = sitesEnergy(model, x, base);
      const ty = logTau(model, ch);
      for (let i = 0; i < d; i++) {
        o.dist(model, ch, i, ty, q);
        moveQ[i] = q[flips[i] ? 1 - x[base + i] : x[base + i]];
      }
      const rev = sitesSum(d, (i) => moveQ[i]);
      const de = f(ey - ch.energy);
      const a = mathExp(Math.min(f(madF32(-ch.beta, de, rev) - fwd), 0));
      if (uniform01(ch.draw(0, 1)[0]) < a) ch.energy = ey;
      else for (let i = 0; i < d; i++) if (flips[i]) ch.set(i, 1 - x[base + i]);
      return a;
    },
    wgsl: (model) =>
      langevinSitesWgsl(
        o.balancing,
        o.rule,
        o.target,
        o.pairWgsl,
        Boolean(model.siteEnergy?.counts),
      ),
  };
}
