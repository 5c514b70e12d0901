/**
 * Gibbs-with-gradients (Grathwohl et al. 2021) as in DISCS (`samplers/gwg.py`). A "unit" is a
 * single-site move `(i, c)`, `c != x_i`, with balanced log-weight `l_{i,c}(x) = g(d_{i,c})`
 * (`local_logits.ts`); the proposal distribution is `q(. | x) = softmax(l(x))` over units.
 * - Binary: draw `n` units with replacement (multinomial counts), flip every site drawn at
 *   least once; `log q` of the counts is `sum_k l_k - n logZ` (the multinomial coefficient
 *   cancels). `n = num_flips`, or `round(r)` with the adaptive radius
 *   `r <- clip(r + mean_acceptance - 0.574, 1, min(D, maxFlips))` (DISCS clips at D; the cap
 *   bounds the per-chain index buffer on the GPU).
 * - Categorical (C > 2): one unit per step; no adaptive variant (as in DISCS).
 * The reverse proposal uses the same counts under `q(. | y)`; MH accepts with
 * `-beta (E(y) - E(x)) + log q(counts | y) - log q(counts | x)`.
 *
 * The normaliser `(m, s)` (max logit, sum of `exp(l - m)`) is one pass of the online
 * log-sum-exp, which also records its running `(m, s)` after every block of `blockSites` sites.
 * The `n` draws are then made in one walk: sorted uniforms from exponential spacings
 * `U_(k) = (E_0 + ... + E_k) / (E_0 + ... + E_n)` walk the unnormalised CDF, skipping each block
 * whose prefix mass `s_b exp(m_b - m)` is at most the next goal, so a step costs about two
 * passes over the units (at x and at y) plus `O(D / blockSites + n blockSites C)`.
 * @module
 */
import { z } from "npm:zod@4.6.7";
import type { DiscreteModel } from "../models/discrete/model.ts";
import { uniform01, uniformOpen } from "../random/draws.ts";
import { madF32, mathExp, mathLog, mathRecip, roundHalfEven } from "../random/f32math.ts";
import { BALANCING_FNS, type BalancingFn } from "./balancing.ts";
import { localLogit, parseSamplerOptions } from "./local_logits.ts";
import type { CpuChain, DiscreteSampler } from "./sampler.ts";
import { gwgSizes, gwgWgsl } from "./gwg_wgsl.ts";
import { gwgSitesStep } from "./gwg_sites.ts";
import { defineSampler } from "./descriptor.ts";

/** GWG configuration (DISCS: 1 flip, adaptive, target 0.574, sqrt). */
export const GwgConfig = z.object({
  name: z.literal("gwg"),
  numFlips: z.number().int().min(1).default(1),
  adaptive: z.boolean().default(true),
  targetAcceptance: z.number().gt(0).lt(1).default(0.574),
  balancing: z.enum(BALANCING_FNS as [BalancingFn, ...BalancingFn[]]).default("sqrt"),
  maxFlips: z.number().int().min(1).max(256).default(64),
  blockSites: z.number().int().min(1).default(16),
}).strict();

/** GWG options. */
export interface GwgOptions {
  /** Draws per step (binary; fixed, or the initial radius when adaptive); default 1. */
  numFlips?: number;
  /** Adapt the number of draws (binary models only); default true. */
  adaptive?: boolean;
  /** Target mean acceptance of the adaptation; default 0.574. */
  targetAcceptance?: number;
  /** Balancing function g; default "sqrt". */
  balancing?: BalancingFn;
  /** Upper bound on draws per step (GPU buffer size); default 64. */
  maxFlips?: number;
  /** Sites per checkpoint block of the normaliser (the walk skips whole blocks); default 16. */
  blockSites?: number;
}

const f = Math.fround;

/** Draws per step on a model from the current parameter. */
function drawsOf(model: DiscreteModel, param: number, maxFlips: number): number {
  if (model.numCategories > 2) return 1;
  return Math.min(Math.max(roundHalfEven(f(param)), 1), maxFlips);
}

/**
 * Creates a GWG sampler.
 *
 * @example
 * ```ts
 * import { bernoulliModel } from "../models/discrete/bernoulli.ts";
 * import { gwgSampler } from "./gwg.ts";
 * const sampler = gwgSampler({ adaptive: false, numFlips: 2 });
 * console.log(sampler.evalsPerStep(bernoulliModel({ numSites: 10 }))); // 4
 * ```
 */
export function gwgSampler(opts: GwgOptions = {}): DiscreteSampler {
  const o = parseSamplerOptions(GwgConfig, "gwg", opts);
  if (o.numFlips > o.maxFlips) {
    throw new Error(`gwg numFlips ${o.numFlips} exceeds maxFlips ${o.maxFlips}`);
  }
  const fn = o.balancing;
  const idx: number[] = [], val: number[] = [], orig: number[] = [];
  // One pass over all units at the current state: [max logit m, sum of exp(l - m)], by the
  // online log-sum-exp (rescale the running sum when a new maximum appears). Also records the
  // running (m, s) after every block of sites (`marks`), so the walk can skip whole blocks,
  // and the argmax unit (`top`), the fallback of a sorted uniform left at the total mass.
  const marks: number[] = [], top = [0, 0];
  const normaliser = (model: DiscreteModel, ch: CpuChain): [number, number] => {
    const d = model.numSites, c = model.numCategories;
    let m = -Infinity, s = 0;
    for (let b = 0; b * o.blockSites < d; b++) {
      const end = Math.min(d, (b + 1) * o.blockSites);
      for (let i = b * o.blockSites; i < end; i++) {
        for (let v = 0; v < c; v++) {
          if (v === ch.x[ch.base + i]) continue;
          const l = localLogit(model, ch.x, ch.base, i, v, ch.beta, "grad", fn);
          if (l > m) {
            s = madF32(s, mathExp(f(m - l)), 1);
            m = l, top[0] = i, top[1] = v;
          } else if (l > -Infinity) s = f(s + mathExp(f(l - m)));
        }
      }
      marks[2 * b] = m, marks[2 * b + 1] = s;
    }
    return [m, s];
  };
  const spacing = (ch: CpuChain, k: number) => f(-mathLog(uniformOpen(ch.draw(k, 2)[0])));
  return {
    name: "gwg",
    config: { sampler: "gwg", ...o },
    evalsPerStep: () => 4,
    // Upper bound: two normaliser passes and a walk that in the worst case visits every block
    // (about 3 (D C + D) iterations); typical steps walk one block (the old five-pass kernel
    // measured 6.5 D to 10.2 D per binary step on llvmpipe).
    loopsPerStep: (model) => 6 * model.numSites * model.numCategories,
    initialParam: () => o.numFlips,
    adaptation: o.adaptive
      ? {
        target: o.targetAcceptance,
        update: (param, meanAcc, model) =>
          model.numCategories > 2 ? param : Math.min(
            Math.max(f(f(param + meanAcc) - f(o.targetAcceptance)), 1),
            Math.min(model.numSites, o.maxFlips),
          ),
      }
      : undefined,
    cpuStep(model, ch) {
      const d = model.numSites, c = model.numCategories, beta = ch.beta;
      const n = drawsOf(model, ch.param, o.maxFlips);
      const [m, s] = normaliser(model, ch);
      const logZ = f(m + mathLog(s));
      let total = 0;
      for (let k = 0; k <= n; k++) total = f(total + spacing(ch, k));
      const invTotal = mathRecip(total);
      let k = 0, part = spacing(ch, 0), target = f(f(part * invTotal) * s);
      let cum = 0, sumL = 0;
      for (let b = 0; b * o.blockSites < d && k < n; b++) {
        // Mass through block b, in units of exp(m): no draw lands in it when below the goal.
        const mass = f(marks[2 * b + 1] * mathExp(f(marks[2 * b] - m)));
        if (mass <= target) {
          cum = mass;
          continue;
        }
        const end = Math.min(d, (b + 1) * o.blockSites);
        for (let i = b * o.blockSites; i < end && k < n; i++) {
          const xi = ch.x[ch.base + i];
          for (let v = 0; v < c && k < n; v++) {
            if (v === xi) continue;
            const l = localLogit(model, ch.x, ch.base, i, v, beta, "grad", fn);
            cum = f(cum + mathExp(f(l - m)));
            while (k < n && target < cum) {
              idx[k] = i, val[k] = v, sumL = f(sumL + l), k++;
              if (k < n) {
                part = f(part + spacing(ch, k));
                target = f(f(part * invTotal) * s);
              }
            }
          }
        }
      }
      // Rounding can leave the last sorted uniforms at the total mass: give them the argmax.
      const [topI, topV] = top;
      for (; k < n; k++) idx[k] = topI, val[k] = topV, sumL = f(sumL + m);
      const fwd = madF32(-n, logZ, sumL);
      let de = 0;
      for (let j = 0; j < n; j++) {
        if (j > 0 && idx[j] === idx[j - 1]) {
          orig[j] = orig[j - 1];
          continue;
        }
        orig[j] = ch.x[ch.base + idx[j]];
        de = f(de + model.delta(ch.x, ch.base, idx[j], val[j]));
        ch.set(idx[j], val[j]);
      }
      const [my, sy] = normaliser(model, ch);
      const logZy = f(my + mathLog(sy));
      let sumLy = 0;
      for (let j = 0; j < n; j++) {
        sumLy = f(sumLy + localLogit(model, ch.x, ch.base, idx[j], orig[j], beta, "grad", fn));
      }
      const rev = madF32(-n, logZy, sumLy);
      const a = mathExp(Math.min(madF32(-beta, de, f(rev - fwd)), 0));
      if (uniform01(ch.draw(0, 3)[0]) < a) ch.energy = f(ch.energy + de);
      else {
        for (let j = n - 1; j >= 0; j--) {
          if (j === 0 || idx[j] !== idx[j - 1]) ch.set(idx[j], orig[j]);
        }
      }
      return a;
    },
    wgsl: (model) =>
      gwgWgsl({
        maxFlips: model.numCategories > 2 ? 1 : o.maxFlips,
        target: o.targetAcceptance,
        categorical: model.numCategories > 2,
        balancing: fn,
        numCategories: model.numCategories,
        blockSites: o.blockSites,
      }),
    wgslSizes: (model) => gwgSizes(model.numSites, o.blockSites, o.maxFlips),
    scratch: (model) => ({ f32: 2 * Math.ceil(model.numSites / o.blockSites) }),
    sites: gwgSitesStep({
      maxFlips: o.maxFlips,
      target: o.targetAcceptance,
      balancing: fn,
      maxDraws: o.adaptive ? o.maxFlips : o.numFlips,
    }),
  };
}

/** The registry entry of `gwg`. */
export const gwgDescriptor = defineSampler({
  name: "gwg",
  summary: "Gibbs with gradients: locally balanced single-site proposals from the gradient.",
  schema: GwgConfig,
  build: (c) => gwgSampler(c),
  cheap: false,
  balanced: true,
  co: { config: { adaptive: false, numFlips: 1 }, adapt: "off" },
});
