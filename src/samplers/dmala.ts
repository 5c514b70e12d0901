/**
 * DMALA, the discrete Metropolis-adjusted Langevin algorithm (Zhang, Liu, Liu, ICML 2022) as
 * in DISCS (`samplers/dmala.py`): every site proposes independently. Binary sites flip with
 * probability `sigmoid(log tau + g(d_i))` (with g = sqrt and `log tau = -1/(2 alpha)` this is
 * the paper's flip log-odds `d_i / 2 - 1/(2 alpha)`); a categorical site moves to `c != x_i`
 * with weight `exp(log tau + g(d_{i,c}))` and stays with weight 1. The reverse proposal is
 * evaluated at y with its own gradient, then Metropolis-Hastings.
 *
 * Step size. Non-adaptive: `log tau = -1/(2 stepSize)` (DISCS `step_size = 0.2`). Adaptive
 * (default), DISCS's rule `n = tau Z, n <- max(n + 3 (a - 0.574), 1)` with n starting at 3;
 * the engine's one shared parameter holds n. Deviation from DISCS: each chain uses
 * `tau = n / Z(x)` with its own current total rate `Z(x) = sum_i sum_c exp(g(d_{i,c}))` (the
 * reverse move uses `Z(y)`), which is DISCS's CO-mode rule, an exact MH kernel; DISCS's
 * default shares `tau = n / Z_est` with `Z_est` the chain-mean of Z, refreshed every step for
 * `schedule_step = 100` steps and then every `reset_z_est = 20` steps. For large D, Z(x) is a
 * sum of D terms and concentrates, so both give about n expected jumps; those two schedule
 * options therefore have no counterpart here.
 * @module
 */
import { z } from "npm:zod@4.6.7";
import type { DiscreteModel } from "../models/discrete/model.ts";
import { mathLog1pExp } from "../random/f32math.ts";
import { BALANCING_FNS, type BalancingFn, logBalance } from "./balancing.ts";
import type { CpuChain, DiscreteSampler } from "./sampler.ts";
import {
  adaptJumps,
  langevinCpuStep,
  langevinScratch,
  logRatio,
  normaliseLog,
} from "./langevin_common.ts";
import { DMALA_DIST_WGSL, dmalaWgsl } from "./dmala_wgsl.ts";
import { langevinSitesStep } from "./langevin_sites.ts";
import { defineSampler } from "./descriptor.ts";

/** Zod schema of the DMALA configuration (DISCS defaults). */
export const DmalaConfig = z.object({
  name: z.literal("dmala"),
  adaptive: z.boolean().default(true),
  targetAcceptance: z.number().gt(0).lt(1).default(0.574),
  balancing: z.enum(BALANCING_FNS as [BalancingFn, ...BalancingFn[]]).default("sqrt"),
  /** alpha of the non-adaptive sampler: log tau = -1 / (2 alpha). */
  stepSize: z.number().positive().finite().default(0.2),
}).strict();

/** DMALA options (all optional; DISCS defaults). */
export type DmalaOptions = Partial<Omit<z.infer<typeof DmalaConfig>, "name">>;

/** Initial expected number of jumps of the adaptive sampler (DISCS: log tau = log 3 - log Z). */
export const LANGEVIN_INITIAL_JUMPS = 3;

const f = Math.fround;

/**
 * CPU twin of `sampler_lg_dist` for DMALA: normalised log q_i(v | x) into `q`.
 *
 * @example
 * ```ts
 * const dist = dmalaDist("sqrt");
 * ```
 */
export function dmalaDist(fn: BalancingFn) {
  return (
    model: DiscreteModel,
    ch: CpuChain,
    i: number,
    logTau: number,
    q: Float32Array,
  ): void => {
    const x = ch.x[ch.base + i];
    if (model.numCategories === 2) {
      const l = f(logTau + logBalance(fn, logRatio(model, ch, i, 1 - x)));
      q[1 - x] = -mathLog1pExp(f(-l));
      q[x] = -mathLog1pExp(l);
      return;
    }
    for (let c = 0; c < model.numCategories; c++) {
      q[c] = c === x ? 0 : f(logTau + logBalance(fn, logRatio(model, ch, i, c)));
    }
    normaliseLog(q, model.numCategories, 0);
  };
}

/**
 * Creates a DMALA sampler. The shared parameter is n (expected jumps) when adaptive, else the
 * step size alpha.
 *
 * @example
 * ```ts
 * import { dmalaSampler } from "./dmala.ts";
 * import { bernoulliModel } from "../models/discrete/bernoulli.ts";
 * const sampler = dmalaSampler({ adaptive: false, stepSize: 0.5 });
 * console.log(sampler.name, sampler.evalsPerStep(bernoulliModel({ numSites: 10 }))); // dmala 4
 * ```
 */
export function dmalaSampler(opts: DmalaOptions = {}): DiscreteSampler {
  const cfg = DmalaConfig.parse({ name: "dmala", ...opts });
  const rule = cfg.adaptive ? "rate" : "alpha";
  const step = langevinCpuStep({ balancing: cfg.balancing, rule, dist: dmalaDist(cfg.balancing) });
  return {
    name: "dmala",
    config: { sampler: "dmala", ...cfg },
    evalsPerStep: () => 4,
    // Measured on llvmpipe (Ising): between 2.6 D and 3.9 D loop iterations per binary step.
    loopsPerStep: (model) => Math.ceil(2.5 * model.numSites * model.numCategories),
    initialParam: () => (cfg.adaptive ? LANGEVIN_INITIAL_JUMPS : cfg.stepSize),
    adaptation: cfg.adaptive
      ? {
        target: cfg.targetAcceptance,
        update: (n, meanAcc) => adaptJumps(n, meanAcc, cfg.targetAcceptance),
      }
      : undefined,
    cpuStep: step,
    wgsl: (model) => dmalaWgsl(model, cfg.balancing, rule, cfg.targetAcceptance),
    scratch: langevinScratch,
    sites: langevinSitesStep({
      balancing: cfg.balancing,
      rule,
      target: cfg.targetAcceptance,
      dist: dmalaDist(cfg.balancing),
      pairWgsl: DMALA_DIST_WGSL.binary,
    }),
  };
}

/** The registry entry of `dmala`. */
export const dmalaDescriptor = defineSampler({
  name: "dmala",
  summary: "Discrete MALA: every site proposes from its gradient, then Metropolis-Hastings.",
  schema: DmalaConfig,
  build: (c) => dmalaSampler(c),
  cheap: false,
  balanced: true,
  co: { config: { adaptive: true }, adapt: "off" },
});
