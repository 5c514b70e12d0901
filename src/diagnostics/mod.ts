/**
 * MCMC diagnostics in plain TypeScript: FFT autocovariance, effective sample size (TFP's
 * per-chain estimator as used by DISCS, Geyer's initial monotone sequence, batch means), split
 * and rank-normalised R-hat with bulk / tail ESS (Vehtari et al. 2021), Monte Carlo standard
 * errors and acceptance summaries.
 *
 * Inputs are one Float64Array per chain, or `{ data, chains, draws }` (row-major, chain-major).
 * Non-finite values throw; estimators never return NaN (conventions are documented on each).
 *
 * @example
 * ```ts
 * import { discsEss, rhat, summarizeChains } from "./mod.ts";
 * const chains = [1, 2, 3, 4].map((c) => Float64Array.from({ length: 2000 }, (_, t) => Math.sin(0.1 * t * c)));
 * const s = summarizeChains(chains);
 * console.log(s.essBulk, s.essTail, s.rhat, discsEss(chains).mean, rhat(chains));
 * ```
 * @module
 */

export * from "./fft.ts";
export * from "./chains.ts";
export * from "./basic_stats.ts";
export * from "./ess.ts";
export * from "./rhat.ts";
export * from "./mcse.ts";
export * from "./acceptance.ts";
export * from "./summary.ts";
