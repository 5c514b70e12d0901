/**
 * DLMC, discrete Langevin Monte Carlo (Sun, Dai, Dai, Zhou, Schuurmans, AISTATS 2023) as in
 * DISCS (`samplers/dlmc.py`): simulate the discrete Langevin CTMC, with rate `g(pi(y)/pi(x))`
 * to each neighbour, for a time tau, factorised over sites, then Metropolis-Hastings with the
 * reverse proposal at y.
 *
 * Binary site: stationary flip probability `nu = sigmoid(d_i)`, rate `w = exp(g(d_i))`;
 * `solver = 'interpolate'` (DLMC) flips with `nu (1 - exp(-tau w / nu))`, the exact two-state
 * CTMC; `'euler_forward'` (DLMCf) with `min(tau w, nu)`. Categorical site:
 * `nu = softmax_c(d_{i,c})`, move to `c != x_i` with `nu_c (1 - exp(-tau w_c / nu_c))` or
 * `tau w_c`, stay with `max(1 - sum of moves, nu_{x_i})`, renormalised (DISCS's clipping).
 *
 * Step size: `tau = n / Z` with n = 3 (DISCS). The engine's one shared parameter holds n;
 * adaptive (default): `n <- max(n + 3 (a - 0.574), 1)` after each step. Deviation from DISCS:
 * each chain uses its own current total rate `Z(x) = sum_i sum_c exp(g(d_{i,c}))` (the
 * reverse move uses `Z(y)`), DISCS's CO-mode rule and an exact MH kernel; DISCS's default
 * shares `Z_est` = chain-mean of Z, refreshed every step for `schedule_step = 200` steps and
 * then every `reset_z_est = 20` (and, non-adaptive, freezes tau at step 0). For large D, Z(x)
 * concentrates, so both give about n expected jumps; the schedule options have no counterpart.
 * @module
 */
import { z } from "npm:zod@4.6.7";
import type { DiscreteModel } from "../models/discrete/model.ts";
import { mathExp, mathLog, mathLog1p, mathLog1pExp } from "../random/f32math.ts";
import { BALANCING_FNS, type BalancingFn, logBalance } from "./balancing.ts";
import type { CpuChain, DiscreteSampler } from "./sampler.ts";
import {
  adaptJumps,
  langevinCpuStep,
  langevinScratch,
  log1mexp,
  logRatio,
  normaliseLog,
} from "./langevin_common.ts";
import { dlmcDistWgsl, type DlmcSolver, dlmcWgsl } from "./dlmc_wgsl.ts";
import { langevinSitesStep } from "./langevin_sites.ts";
import { defineSampler } from "./descriptor.ts";

export type { DlmcSolver } from "./dlmc_wgsl.ts";

const common = {
  adaptive: z.boolean().default(true),
  targetAcceptance: z.number().gt(0).lt(1).default(0.574),
  balancing: z.enum(BALANCING_FNS as [BalancingFn, ...BalancingFn[]]).default("sqrt"),
  /** Expected number of jumps: tau = n / Z (initial value when adaptive). */
  n: z.number().gt(0).finite().default(3),
};

/** Zod schema of the DLMC configuration (DISCS defaults). */
export const DlmcConfig = z.object({
  name: z.literal("dlmc"),
  ...common,
  solver: z.enum(["interpolate", "euler_forward"]).default("interpolate"),
}).strict();

/** Zod schema of DLMCf, DLMC with the Euler solver (DISCS's "dlmcf"). */
export const DlmcfConfig = z.object({ name: z.literal("dlmcf"), ...common }).strict();

/** DLMC options (all optional; DISCS defaults). */
export type DlmcOptions = Partial<Omit<z.infer<typeof DlmcConfig>, "name">>;

const f = Math.fround;
const ONE_MINUS = f(1 - 2 ** -24);

/** log of the move probability for log ratio weight `lw` and stationary log prob `lnu`. */
function moveLog(solver: DlmcSolver, logTau: number, lw: number, lnu: number): number {
  if (solver === "euler_forward") return f(logTau + lw);
  return f(lnu + log1mexp(f(-mathExp(f(f(logTau + lw) - lnu)))));
}

/**
 * CPU twin of `sampler_lg_dist` for DLMC: normalised log q_i(v | x) into `q`.
 *
 * @example
 * ```ts
 * const dist = dlmcDist("sqrt", "interpolate");
 * ```
 */
export function dlmcDist(fn: BalancingFn, solver: DlmcSolver) {
  return (
    model: DiscreteModel,
    ch: CpuChain,
    i: number,
    logTau: number,
    q: Float32Array,
  ): void => {
    const x = ch.x[ch.base + i], nc = model.numCategories;
    if (nc === 2) {
      const d = logRatio(model, ch, i, 1 - x);
      const lnu = -mathLog1pExp(f(-d));
      const lp = Math.min(moveLog(solver, logTau, logBalance(fn, d), lnu), lnu);
      q[1 - x] = lp;
      q[x] = log1mexp(lp);
      return;
    }
    for (let c = 0; c < nc; c++) q[c] = logRatio(model, ch, i, c);
    let m = 0;
    for (let c = 0; c < nc; c++) m = Math.max(m, q[c]);
    let s = 0;
    for (let c = 0; c < nc; c++) s = f(s + mathExp(f(q[c] - m)));
    const lse = f(m + mathLog(s));
    let moves = 0;
    for (let c = 0; c < nc; c++) {
      if (c === x) continue;
      const d = q[c];
      q[c] = moveLog(solver, logTau, logBalance(fn, d), f(d - lse));
      moves = f(moves + mathExp(q[c]));
    }
    q[x] = Math.max(mathLog1p(f(-Math.min(moves, ONE_MINUS))), -lse);
    normaliseLog(q, nc, q[x]);
  };
}

/**
 * Creates a DLMC sampler (`solver: "euler_forward"` gives DLMCf, named "dlmcf"). The shared
 * parameter is n, the expected number of jumps.
 *
 * @example
 * ```ts
 * import { dlmcSampler } from "./dlmc.ts";
 * import { bernoulliModel } from "../models/discrete/bernoulli.ts";
 * const sampler = dlmcSampler({ solver: "euler_forward", adaptive: false });
 * console.log(sampler.name, sampler.initialParam(bernoulliModel({ numSites: 10 }))); // dlmcf 3
 * ```
 */
export function dlmcSampler(opts: DlmcOptions = {}): DiscreteSampler {
  const cfg = DlmcConfig.parse({ name: "dlmc", ...opts });
  const name = cfg.solver === "euler_forward" ? "dlmcf" : "dlmc";
  const step = langevinCpuStep({
    balancing: cfg.balancing,
    rule: "rate",
    dist: dlmcDist(cfg.balancing, cfg.solver),
  });
  return {
    name,
    config: { sampler: name, ...cfg, name },
    evalsPerStep: () => 4,
    // Measured on llvmpipe (Ising): between 2.6 D and 3.9 D loop iterations per binary step.
    loopsPerStep: (model) => Math.ceil(2.5 * model.numSites * model.numCategories),
    initialParam: () => cfg.n,
    adaptation: cfg.adaptive
      ? {
        target: cfg.targetAcceptance,
        update: (n, meanAcc) => adaptJumps(n, meanAcc, cfg.targetAcceptance),
      }
      : undefined,
    cpuStep: step,
    wgsl: (model) => dlmcWgsl(model, cfg.balancing, cfg.solver, cfg.targetAcceptance),
    scratch: langevinScratch,
    sites: langevinSitesStep({
      balancing: cfg.balancing,
      rule: "rate",
      target: cfg.targetAcceptance,
      dist: dlmcDist(cfg.balancing, cfg.solver),
      pairWgsl: dlmcDistWgsl(cfg.solver).binary,
    }),
  };
}

/**
 * Creates DLMCf: DLMC with the Euler-forward solver.
 *
 * @example
 * ```ts
 * console.log(dlmcfSampler().name); // dlmcf
 * ```
 */
export function dlmcfSampler(opts: Omit<DlmcOptions, "solver"> = {}): DiscreteSampler {
  return dlmcSampler({ ...opts, solver: "euler_forward" });
}

/** The registry entry of `dlmc`. */
export const dlmcDescriptor = defineSampler({
  name: "dlmc",
  summary:
    "Discrete Langevin Monte Carlo: the locally balanced CTMC solved exactly per site, then MH.",
  schema: DlmcConfig,
  build: (c) => dlmcSampler(c),
  cheap: false,
  balanced: true,
  co: { config: { adaptive: true }, adapt: "off" },
});

/** The registry entry of `dlmcf`. */
export const dlmcfDescriptor = defineSampler({
  name: "dlmcf",
  summary: "DLMC with the Euler-forward solver.",
  schema: DlmcfConfig,
  build: ({ name: _, ...opts }) => dlmcfSampler(opts),
  cheap: false,
  balanced: true,
  co: { config: { adaptive: true }, adapt: "off" },
});
