/**
 * One-call summaries: {@link summarizeChains} for a scalar traced over many chains, and
 * {@link discsEss}, the DISCS benchmark protocol.
 * @module
 */

import { type ChainsInput, concatChains, dropBurnIn, splitChains, toChains } from "./chains.ts";
import { mean, quantileSorted, sortedCopy, variance } from "./basic_stats.ts";
import { essGeyerCore, essTfpChains } from "./ess.ts";
import { rhatCore, zScale } from "./rhat.ts";

/** Per-chain ESS values with their mean and std over chains. */
export interface PerChainEss {
  /** One ESS per chain. */
  perChain: Float64Array;
  /** Mean over chains. */
  mean: number;
  /** Standard deviation over chains, ddof 0 (numpy.std / jnp.std, as DISCS reports). */
  std: number;
}

/** Result of {@link summarizeChains}. */
export interface ChainSummary {
  /** Chains and draws per chain after burn-in removal. */
  chains: number;
  draws: number;
  /** Pooled mean and standard deviation (ddof 1). */
  mean: number;
  sd: number;
  /** Per-chain TFP ESS (DISCS's estimator). */
  essTfp: PerChainEss;
  /** Rank-normalised split bulk ESS over all chains. */
  essBulk: number;
  /** Tail ESS (min over the 5% and 95% quantile indicators). */
  essTail: number;
  /** max(bulk, folded) rank-normalised split R-hat. */
  rhat: number;
  /** MCSE of the mean: sd / sqrt(split-chain mean ESS). */
  mcse: number;
}

/** Options for {@link summarizeChains}. */
export interface SummarizeOptions {
  /** Fraction of each chain dropped from the start before anything is computed (default 0). */
  burnInFraction?: number;
}

function perChain(values: Float64Array): PerChainEss {
  return { perChain: values, mean: mean(values), std: Math.sqrt(variance(values, 0)) };
}

/**
 * Summary of one scalar traced over chains: mean, sd, DISCS/TFP per-chain ESS, bulk and tail
 * ESS, R-hat and the MCSE of the mean. Needs >= 8 draws per chain after burn-in; throws on
 * non-finite values.
 *
 * @example
 * ```ts
 * const chains = [0, 1, 2, 3].map((c) => Float64Array.from({ length: 100 }, (_, t) => Math.sin(t * (c + 1))));
 * const s = summarizeChains(chains);
 * console.log(s.essBulk, s.rhat, s.essTfp.mean);
 * ```
 */
export function summarizeChains(draws: ChainsInput, opts: SummarizeOptions = {}): ChainSummary {
  const chains = dropBurnIn(toChains(draws, 1, "summarizeChains"), opts.burnInFraction ?? 0);
  const n = chains[0].length;
  if (n < 8) {
    throw new Error(`summarizeChains: ${n} draws per chain after burn-in, expected at least 8`);
  }
  const pooled = concatChains(chains);
  const sorted = sortedCopy(pooled);
  const sd = Math.sqrt(variance(pooled, 1));
  const split = splitChains(chains);
  const zSplit = zScale(split);
  const med = quantileSorted(sorted, 0.5);
  const folded = zScale(splitChains(chains.map((c) => c.map((v) => Math.abs(v - med)))));
  const tail = (p: number) => {
    const q = quantileSorted(sorted, p);
    return essGeyerCore(splitChains(chains.map((c) => c.map((v) => (v <= q ? 1 : 0)))));
  };
  return {
    chains: chains.length,
    draws: n,
    mean: mean(pooled),
    sd,
    essTfp: perChain(essTfpChains(chains)),
    essBulk: essGeyerCore(zSplit),
    essTail: Math.min(tail(0.05), tail(0.95)),
    rhat: Math.max(rhatCore(zSplit), rhatCore(folded)),
    mcse: sd / Math.sqrt(essGeyerCore(split)),
  };
}

/** Result of {@link discsEss}. */
export interface DiscsEss extends PerChainEss {
  /** Draws per chain that entered the ESS (after burn-in). */
  keptDraws: number;
}

/**
 * The DISCS ESS protocol (shared/reference/discs.md section 3.1): drop the first
 * floor(burnInFraction * L) draws of each chain (DISCS: `ess_ratio = 0.5`), compute the TFP
 * per-chain ESS of the remaining statistic ({@link essTfp}; NaN for a constant chain becomes 1),
 * and report the mean and std (ddof 0) over chains. Divide by `keptDraws` for ESS per M-H step.
 *
 * @example
 * ```ts
 * const stat = [Float64Array.from({ length: 1000 }, (_, t) => Math.sin(t))];
 * const { mean, std, keptDraws } = discsEss(stat); // keptDraws = 500
 * ```
 */
export function discsEss(statistic: ChainsInput, burnInFraction = 0.5): DiscsEss {
  const kept = dropBurnIn(toChains(statistic, 1, "discsEss"), burnInFraction);
  if (kept[0].length < 1) {
    throw new Error("discsEss: no draws left after burn-in, expected at least one");
  }
  return { ...perChain(essTfpChains(kept)), keptDraws: kept[0].length };
}
