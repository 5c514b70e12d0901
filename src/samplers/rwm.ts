/**
 * Random-walk Metropolis as in DISCS (`samplers/randomwalk.py`): every site changes
 * independently with probability `r / D` to a uniformly chosen other category; the proposal is
 * symmetric, so the acceptance is `min(1, exp(-beta (E(y) - E(x))))`. The radius `r` (expected
 * number of changed sites) is shared by all chains and adapted by
 * `r <- clip(r + mean_acceptance - target, 1, D)`.
 *
 * Changed sites are found by geometric skips, one uniform per changed site instead of one per
 * site, which is the same proposal distribution at a fraction of the cost.
 * @module
 */
import { z } from "npm:zod@4.6.7";
import type { DiscreteModel } from "../models/discrete/model.ts";
import { mathExp, mathLog, mathRecip } from "../random/f32math.ts";
import { type CpuChain, type DiscreteSampler, uniform01, uniformOpen } from "./sampler.ts";
import { rwmSizes, rwmWgsl } from "./rwm_wgsl.ts";
import { rwmSitesStep } from "./rwm_sites.ts";
import { defineSampler } from "./descriptor.ts";

/** Zod schema of RWM's configuration (DISCS: radius 1, adaptive; target 0.234). */
export const RwmConfig = z.object({
  name: z.literal("rwm"),
  radius: z.number().min(1).finite().default(1),
  adaptive: z.boolean().default(true),
  targetAcceptance: z.number().gt(0).lt(1).default(0.234),
}).strict();

/** RWM options. */
export interface RwmOptions {
  /** Initial (or fixed) expected number of changed sites; default 1. */
  radius?: number;
  /** Adapt the radius (default true). */
  adaptive?: boolean;
  /** Target mean acceptance; default 0.234 (DISCS's config uses 0.237). */
  targetAcceptance?: number;
}

const f = Math.fround;

/**
 * Creates an RWM sampler.
 *
 * @example
 * ```ts
 * const sampler = rwmSampler({ radius: 2, adaptive: false });
 * console.log(sampler.name, sampler.config.radius); // rwm 2
 * ```
 */
export function rwmSampler(opts: RwmOptions = {}): DiscreteSampler {
  const radius = opts.radius ?? 1;
  const adaptive = opts.adaptive ?? true;
  const target = opts.targetAcceptance ?? 0.234;
  if (!(Number.isFinite(radius) && radius >= 1)) {
    throw new Error(`rwm radius must be a number >= 1, got ${radius}`);
  }
  if (!(target > 0 && target < 1)) {
    throw new Error(`rwm targetAcceptance must be in (0, 1), got ${target}`);
  }
  const walk = (
    model: DiscreteModel,
    ch: CpuChain,
    p: number,
    invLog1mp: number,
    apply: boolean,
  ): number => {
    const d = model.numSites, c = model.numCategories;
    let de = 0, i = 0, k = 0;
    for (;;) {
      const w = ch.draw(k, 0);
      if (p < 1) {
        const g = Math.floor(f(mathLog(uniformOpen(w[0])) * invLog1mp));
        i += Math.min(g, d);
      }
      if (i >= d) break;
      const shift = c > 2 ? 1 + Math.floor(f(uniform01(w[1]) * (c - 1))) : 1;
      const cur = ch.x[ch.base + i];
      if (apply) {
        const v = (cur + shift) % c;
        de = f(de + model.delta(ch.x, ch.base, i, v));
        ch.set(i, v);
      } else {
        ch.set(i, (cur + c - shift) % c);
      }
      i++;
      k++;
    }
    return de;
  };
  return {
    name: "rwm",
    config: { sampler: "rwm", radius, adaptive, targetAcceptance: target },
    evalsPerStep: () => 2,
    loopsPerStep: (model) => 2 * model.numSites + 2,
    // The adapted radius flips a handful of sites (about 2 on DISCS's Ising at 0.234).
    typicalLoopsPerStep: () => 2 * 8 + 2,
    initialParam: () => radius,
    adaptation: adaptive
      ? {
        target,
        update: (param, meanAcc, model) =>
          Math.min(Math.max(f(f(param + meanAcc) - f(target)), 1), model.numSites),
      }
      : undefined,
    cpuStep(model, ch) {
      const p = Math.min(f(ch.param * f(1 / model.numSites)), 1);
      const invLog1mp = p < 1 ? mathRecip(mathLog(f(1 - p))) : 0;
      const de = walk(model, ch, p, invLog1mp, true);
      const a = mathExp(Math.min(f(-ch.beta * de), 0));
      const u = uniform01(ch.draw(0, 1)[0]);
      if (u < a) ch.energy = f(ch.energy + de);
      else walk(model, ch, p, invLog1mp, false);
      return a;
    },
    wgsl: () => rwmWgsl(target),
    wgslSizes: (model) => rwmSizes(model.numSites),
    sites: rwmSitesStep(target),
  };
}

/** The registry entry of `rwm`. */
export const rwmDescriptor = defineSampler({
  name: "rwm",
  summary: "Random-walk Metropolis: each site changes with probability r / D (adaptive radius r).",
  schema: RwmConfig,
  build: (c) => rwmSampler(c),
  cheap: true,
  balanced: false,
  co: { config: {}, adapt: "always" },
});
