/**
 * Summaries of per-chain Metropolis-Hastings acceptance.
 * @module
 */

import { assertFinite } from "./chains.ts";
import { mean, quantileSorted, sortedCopy, variance } from "./basic_stats.ts";

/** Distribution of per-chain acceptance rates over chains. */
export interface AcceptanceSummary {
  /** Number of chains summarised. */
  chains: number;
  /** Mean rate over chains. */
  mean: number;
  /** Standard deviation over chains (ddof 0, like numpy.std); 0 for one chain. */
  std: number;
  min: number;
  max: number;
  /** Type-7 quantiles over chains. */
  q05: number;
  q25: number;
  median: number;
  q75: number;
  q95: number;
}

/**
 * Per-chain acceptance rates accepted[c] / proposed (proposed: one count for all chains or one
 * per chain). Throws unless 0 <= accepted <= proposed and proposed > 0.
 *
 * @example
 * ```ts
 * acceptanceRates([50, 80], 100); // Float64Array [0.5, 0.8]
 * ```
 */
export function acceptanceRates(
  accepted: ArrayLike<number>,
  proposed: number | ArrayLike<number>,
): Float64Array {
  const out = new Float64Array(accepted.length);
  if (typeof proposed !== "number" && proposed.length !== accepted.length) {
    throw new Error(
      `acceptanceRates: ${proposed.length} proposal counts for ${accepted.length} chains, expected one per chain`,
    );
  }
  for (let c = 0; c < accepted.length; c++) {
    const p = typeof proposed === "number" ? proposed : proposed[c];
    const a = accepted[c];
    if (!(p > 0) || !(a >= 0 && a <= p)) {
      throw new Error(
        `acceptanceRates: chain ${c} has ${a} accepted of ${p}, expected 0 <= accepted <= proposed, proposed > 0`,
      );
    }
    out[c] = a / p;
  }
  return out;
}

/**
 * Mean, std, min, max and quantiles of per-chain acceptance rates (each in [0, 1]).
 *
 * @example
 * ```ts
 * const s = summarizeAcceptance([0.2, 0.4, 0.6]); // s.mean = 0.4, s.median = 0.4, s.min = 0.2
 * ```
 */
export function summarizeAcceptance(rates: ArrayLike<number>): AcceptanceSummary {
  if (rates.length < 1) {
    throw new Error("summarizeAcceptance: no rates given, expected one per chain");
  }
  assertFinite(rates, "summarizeAcceptance");
  for (let c = 0; c < rates.length; c++) {
    if (rates[c] < 0 || rates[c] > 1) {
      throw new Error(
        `summarizeAcceptance: rate of chain ${c} is ${rates[c]}, expected a value in [0, 1]`,
      );
    }
  }
  const s = sortedCopy(rates);
  return {
    chains: s.length,
    mean: mean(s),
    std: Math.sqrt(variance(s, 0)),
    min: s[0],
    max: s[s.length - 1],
    q05: quantileSorted(s, 0.05),
    q25: quantileSorted(s, 0.25),
    median: quantileSorted(s, 0.5),
    q75: quantileSorted(s, 0.75),
    q95: quantileSorted(s, 0.95),
  };
}
