/**
 * The DISCS ESS protocol (shared/reference/discs.md section 3.1) applied to one engine run:
 * per-chain TFP ESS of the Hamming-to-reference statistic after 50% burn-in, its mean and std
 * over chains, and the three DISCS normalisations (per M-H step, per energy evaluation, per
 * second).
 * @module
 */
import { discsEss } from "../diagnostics/summary.ts";
import type { RunResult } from "../samplers/engine.ts";

/** The DISCS figures of one run (one cell of a suite). */
export interface DiscsMetrics {
  /** Mean and std (ddof 0) over chains of the per-chain ESS. */
  essMean: number;
  essStd: number;
  /** Draws per chain after burn-in (L/2 in DISCS). */
  keptDraws: number;
  /** ESS per M-H step: essMean / keptDraws (DISCS `ESS_M-H`). */
  essPerStep: number;
  /**
   * ESS per energy evaluation: essMean / (evals * (1 - burnIn)), evals counted over the whole
   * chain by the DISCS rules (DISCS `ESS_EE` = ESS / (num_ll_calls * 0.5)).
   */
  essPerEval: number;
  /**
   * ESS per second: essMean / (seconds * kept / steps), the post-burn-in share of the
   * synchronised wall time of the sampling loop (DISCS `ESS_T` times only post-burn-in steps).
   */
  essPerSecond: number;
  /** Energy evaluations over the whole chain (DISCS counting, per step for the whole batch). */
  energyEvals: number;
  /** Synchronised seconds of the whole sampling loop. */
  seconds: number;
  /** Mean over chains of the post-burn-in acceptance probability. */
  meanAcceptance: number;
  /** The shared adaptive parameter at the last step. */
  finalParam: number;
}

/**
 * Turns a step-major `[steps, chains]` trace into one Float64Array per chain.
 *
 * @example
 * ```ts
 * statisticByChain(new Float32Array([1, 2, 3, 4, 5, 6]), 3, 2); // [[1, 3, 5], [2, 4, 6]]
 * ```
 */
export function statisticByChain(
  trace: ArrayLike<number>,
  steps: number,
  chains: number,
): Float64Array[] {
  if (trace.length !== steps * chains) {
    throw new Error(
      `statisticByChain: trace has ${trace.length} values, expected steps*chains = ${
        steps * chains
      }`,
    );
  }
  const out = Array.from({ length: chains }, () => new Float64Array(steps));
  for (let t = 0; t < steps; t++) {
    for (let c = 0; c < chains; c++) out[c][t] = trace[t * chains + c];
  }
  return out;
}

/** The parts of a {@link RunResult} the protocol reads. */
export type DiscsRunFigures = Pick<
  RunResult,
  "hamming" | "steps" | "chains" | "energyEvals" | "seconds" | "acceptance" | "params"
>;

/**
 * Computes the DISCS figures of a run from its Hamming trace, evaluation count and time.
 *
 * @example
 * ```ts
 * import { discsMetrics } from "./protocol.ts";
 * import { runSampler } from "../samplers/engine.ts";
 * import { rwmSampler } from "../samplers/rwm.ts";
 * import { bernoulliModel } from "../models/discrete/bernoulli.ts";
 * const result = await runSampler(bernoulliModel({ numSites: 20 }), rwmSampler(), {
 *   chains: 8, steps: 100, seed: 1, adapt: "always",
 * }, null);
 * const m = discsMetrics(result);
 * console.log(m.essMean, m.essStd, m.essPerEval, m.essPerSecond);
 * ```
 */
export function discsMetrics(run: DiscsRunFigures, burnInFraction = 0.5): DiscsMetrics {
  const chains = statisticByChain(run.hamming, run.steps, run.chains);
  const ess = discsEss(chains, burnInFraction);
  const keptShare = ess.keptDraws / run.steps;
  const keptSeconds = run.seconds * keptShare;
  const acc = run.acceptance;
  let accSum = 0;
  for (let i = 0; i < acc.length; i++) accSum += acc[i];
  return {
    essMean: ess.mean,
    essStd: ess.std,
    keptDraws: ess.keptDraws,
    essPerStep: ess.mean / ess.keptDraws,
    essPerEval: ess.mean / (run.energyEvals * keptShare),
    essPerSecond: keptSeconds > 0 ? ess.mean / keptSeconds : 0,
    energyEvals: run.energyEvals,
    seconds: run.seconds,
    meanAcceptance: acc.length ? accSum / acc.length : 0,
    finalParam: run.params.length ? run.params[run.params.length - 1] : NaN,
  };
}
