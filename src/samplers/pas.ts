/**
 * Path auxiliary sampler (Sun et al. 2021), the fast variant DISCS runs
 * (`samplers/path_auxiliary.py`, `PAFSNoReplacement`). One local distribution is computed at x
 * for the whole path: site weights `W_i = g(d_i)` (binary) or `W_i = logsumexp_{c != x_i}
 * g(d_{i,c})` with values drawn from `softmax_{c != x_i} g(d_{i,c})` (categorical). The path
 * picks `R` distinct sites by Gumbel-top-R; its log-probability is the Plackett-Luce
 * `sum_k [log p_{s_k} - log(1 - sum_{j<k} p_{s_j})]` (plus the value log-probabilities). The
 * reverse path picks the same sites in reverse order under the local distribution at y and
 * restores the old values; MH corrects with both.
 *
 * `R = numFlips`, or `round(r)` with the adaptive `r <- clip(r + mean_acceptance - 0.574, 1,
 * min(D, maxFlips))` (DISCS clips at D; the cap bounds the GPU's per-chain path buffer).
 * `approxWithGrad: false` uses exact energy changes (`model.delta`) instead of the gradient.
 * The slow variant (`useFastPath: false`, local distribution recomputed after every step of
 * the path) is not implemented.
 * @module
 */
import { z } from "npm:zod@4.6.7";
import type { DiscreteModel } from "../models/discrete/model.ts";
import { gumbel, uniform01 } from "../random/draws.ts";
import { madF32, mathExp, mathLog } from "../random/f32math.ts";
import { pasPathLength, pasPlTerm, pasSitesStep } from "./pas_sites.ts";
import { BALANCING_FNS, type BalancingFn } from "./balancing.ts";
import { localLogit, type LogRatioMode, parseSamplerOptions } from "./local_logits.ts";
import type { CpuChain, DiscreteSampler } from "./sampler.ts";
import { pasSizes, pasWgsl } from "./pas_wgsl.ts";
import { defineSampler } from "./descriptor.ts";

/** PAS configuration (DISCS: fast path, 1 flip, adaptive, target 0.574, sqrt, gradients). */
export const PasConfig = z.object({
  name: z.literal("pas"),
  numFlips: z.number().int().min(1).default(1),
  adaptive: z.boolean().default(true),
  targetAcceptance: z.number().gt(0).lt(1).default(0.574),
  balancing: z.enum(BALANCING_FNS as [BalancingFn, ...BalancingFn[]]).default("sqrt"),
  useFastPath: z.literal(true).default(true),
  approxWithGrad: z.boolean().default(true),
  maxFlips: z.number().int().min(1).max(256).default(64),
}).strict();

/** PAS options. */
export interface PasOptions {
  /** Path length R (fixed, or the initial radius when adaptive); default 1. */
  numFlips?: number;
  /** Adapt the path length; default true. */
  adaptive?: boolean;
  /** Target mean acceptance of the adaptation; default 0.574. */
  targetAcceptance?: number;
  /** Balancing function g; default "sqrt". */
  balancing?: BalancingFn;
  /** Only the fast path (one local distribution per step) is implemented; default true. */
  useFastPath?: true;
  /** Gradient estimate of the log-ratios (default true) or exact energy changes. */
  approxWithGrad?: boolean;
  /** Upper bound on the path length (GPU buffer size); default 64. */
  maxFlips?: number;
}

const f = Math.fround;
const NO_DRAWS: Uint32Array = new Uint32Array(4);

const pathLength = pasPathLength;

/**
 * Creates a PAS sampler.
 *
 * @example
 * ```ts
 * import { bernoulliModel } from "../models/discrete/bernoulli.ts";
 * import { pasSampler } from "./pas.ts";
 * const sampler = pasSampler({ numFlips: 3, adaptive: false });
 * console.log(sampler.evalsPerStep(bernoulliModel({ numSites: 10 }))); // 4
 * ```
 */
export function pasSampler(opts: PasOptions = {}): DiscreteSampler {
  const o = parseSamplerOptions(PasConfig, "pas", opts);
  if (o.numFlips > o.maxFlips) {
    throw new Error(`pas numFlips ${o.numFlips} exceeds maxFlips ${o.maxFlips}`);
  }
  const fn = o.balancing;
  const mode: LogRatioMode = o.approxWithGrad ? "grad" : "exact";
  const topKey: number[] = [], topI: number[] = [], topW: number[] = [];
  const nv: number[] = [], ov: number[] = [];
  const logit = (model: DiscreteModel, ch: CpuChain, i: number, c: number) =>
    localLogit(model, ch.x, ch.base, i, c, ch.beta, mode, fn);
  // Site weight W_i at the current state (log-sum-exp over the other values).
  const siteWeight = (model: DiscreteModel, ch: CpuChain, i: number): number => {
    const c = model.numCategories, xi = ch.x[ch.base + i];
    if (c === 2) return logit(model, ch, i, 1 - xi);
    let m = -Infinity, s = 0;
    for (let v = 0; v < c; v++) {
      if (v === xi) continue;
      // Online log-sum-exp (one exp): rescale the running sum when a new maximum appears.
      const l = logit(model, ch, i, v);
      if (l > m) s = madF32(s, mathExp(f(m - l)), 1), m = l;
      else if (l > -Infinity) s = f(s + mathExp(f(l - m)));
    }
    return f(m + mathLog(s));
  };
  // log Z of the site distribution (one online log-sum-exp pass); with `r > 0` also the
  // Gumbel-top-r sites into top*.
  const sites = (model: DiscreteModel, ch: CpuChain, r: number): number => {
    const d = model.numSites;
    let m = -Infinity, s = 0, count = 0, draws = NO_DRAWS;
    for (let i = 0; i < d; i++) {
      const w = siteWeight(model, ch, i);
      if (w > m) s = madF32(s, mathExp(f(m - w)), 1), m = w;
      else if (w > -Infinity) s = f(s + mathExp(f(w - m)));
      if (r === 0) continue;
      if ((i & 3) === 0) draws = ch.draw(i >>> 2, 0);
      const key = f(w + gumbel(draws[i & 3]));
      if (count < r || key > topKey[count - 1]) {
        let pos = Math.min(count, r - 1);
        for (; pos > 0 && key > topKey[pos - 1]; pos--) {
          topKey[pos] = topKey[pos - 1], topI[pos] = topI[pos - 1], topW[pos] = topW[pos - 1];
        }
        topKey[pos] = key, topI[pos] = i, topW[pos] = w;
        count = Math.min(count + 1, r);
      }
    }
    return f(m + mathLog(s));
  };
  const plTerm = pasPlTerm;
  return {
    name: "pas",
    config: { sampler: "pas", ...o },
    evalsPerStep: () => (o.approxWithGrad ? 4 : 2),
    // Counted on llvmpipe (Ising 50x50, path 32): about 2.6 D site loop iterations plus 1 D
    // insertion shifts per binary step; 6 D C leaves room for longer paths.
    loopsPerStep: (model) => 6 * model.numSites * model.numCategories,
    initialParam: () => o.numFlips,
    adaptation: o.adaptive
      ? {
        target: o.targetAcceptance,
        update: (param, meanAcc, model) =>
          Math.min(
            Math.max(f(f(param + meanAcc) - f(o.targetAcceptance)), 1),
            Math.min(model.numSites, o.maxFlips),
          ),
      }
      : undefined,
    cpuStep(model, ch) {
      const c = model.numCategories, beta = ch.beta;
      const r = pathLength(model, ch.param, o.maxFlips);
      const logZ = sites(model, ch, r);
      let fwd = 0, cum = 0, term: number;
      for (let k = 0; k < r; k++) {
        [term, cum] = plTerm(topW[k], logZ, cum);
        fwd = f(fwd + term);
      }
      for (let k = 0; k < r; k++) {
        const i = topI[k], xi = ch.x[ch.base + i];
        ov[k] = xi;
        if (c === 2) {
          nv[k] = 1 - xi;
          continue;
        }
        let best = -Infinity, bestV = 0, bestL = 0;
        for (let v = 0; v < c; v++) {
          if (v === xi) continue;
          const l = logit(model, ch, i, v), u = k * c + v;
          const key = f(l + gumbel(ch.draw(u >>> 2, 1)[u & 3]));
          if (key > best) [best, bestV, bestL] = [key, v, l];
        }
        nv[k] = bestV;
        fwd = f(fwd + f(bestL - topW[k]));
      }
      let de = 0;
      for (let k = 0; k < r; k++) {
        de = f(de + model.delta(ch.x, ch.base, topI[k], nv[k]));
        ch.set(topI[k], nv[k]);
      }
      const logZy = sites(model, ch, 0);
      let rev = 0;
      cum = 0;
      for (let k = r - 1; k >= 0; k--) {
        const w = siteWeight(model, ch, topI[k]);
        [term, cum] = plTerm(w, logZy, cum);
        rev = f(rev + term);
        if (c > 2) rev = f(rev + f(logit(model, ch, topI[k], ov[k]) - w));
      }
      const a = mathExp(Math.min(madF32(-beta, de, f(rev - fwd)), 0));
      if (uniform01(ch.draw(0, 3)[0]) < a) ch.energy = f(ch.energy + de);
      else for (let k = r - 1; k >= 0; k--) ch.set(topI[k], ov[k]);
      return a;
    },
    wgsl: (model) =>
      pasWgsl({
        maxFlips: o.maxFlips,
        target: o.targetAcceptance,
        adaptive: o.adaptive,
        balancing: fn,
        mode,
        numCategories: model.numCategories,
      }),
    wgslSizes: (model) => pasSizes(model.numSites, o.maxFlips),
    sites: pasSitesStep({
      maxFlips: o.maxFlips,
      target: o.targetAcceptance,
      balancing: fn,
      mode,
    }),
  };
}

/** The registry entry of `pas`. */
export const pasDescriptor = defineSampler({
  name: "pas",
  summary: "Path auxiliary sampler: a path of R distinct locally balanced moves (adaptive R).",
  schema: PasConfig,
  build: (c) => pasSampler(c),
  cheap: false,
  balanced: true,
  co: { config: {}, adapt: "always" },
});
