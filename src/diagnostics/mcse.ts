/**
 * Monte Carlo standard errors from multi-chain draws.
 * @module
 */

import { type ChainsInput, concatChains, toChains } from "./chains.ts";
import { sortedCopy, variance } from "./basic_stats.ts";
import { essMean, essQuantile } from "./rhat.ts";

/**
 * MCSE of the mean: sd / sqrt(ESS_mean), sd over all pooled draws (ddof 1) and ESS_mean the
 * split-chain Geyer ESS ({@link essMean}), as ArviZ's `mcse(method="mean")`. A constant input
 * gives 0.
 *
 * @example
 * ```ts
 * mcseMean([new Float64Array([0.1, 0.5, -0.2, 0.3, -0.4, 0.9, 0.0, -0.1])]);
 * ```
 */
export function mcseMean(input: ChainsInput): number {
  const chains = toChains(input, 8, "mcseMean");
  const sd = Math.sqrt(variance(concatChains(chains), 1));
  return sd / Math.sqrt(essMean(chains));
}

/** Round half to even, like NumPy's rint. */
function rint(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * MCSE of the p-quantile, after ArviZ's `mcse(method="quantile")` (Vehtari et al. 2021,
 * section 4.3): with E = ESS of 1{x <= q_p}, the +-1 sigma quantiles (probabilities
 * Phi(-1), Phi(1)) of Beta(E p + 1, E (1-p) + 1) are mapped to order statistics and half their
 * distance is returned. Approximation (documented difference from ArviZ): the Beta quantiles
 * use the Beta's mean +- one standard deviation, accurate when E p and E (1-p) are >~ 10.
 *
 * @example
 * ```ts
 * mcseQuantile([new Float64Array([0.1, 0.5, -0.2, 0.3, -0.4, 0.9, 0.0, -0.1])], 0.5);
 * ```
 */
export function mcseQuantile(input: ChainsInput, p: number): number {
  const chains = toChains(input, 8, "mcseQuantile");
  const sorted = sortedCopy(concatChains(chains));
  const size = sorted.length;
  if (sorted[size - 1] - sorted[0] < 1e-15) return 0;
  const ess = essQuantile(chains, p);
  const a = ess * p + 1, b = ess * (1 - p) + 1;
  const mu = a / (a + b);
  const sd = Math.sqrt((a * b) / ((a + b) * (a + b) * (a + b + 1)));
  // The Phi(-1), Phi(+1) quantiles of a near-normal Beta are mu -+ sd.
  const lo = Math.max(0, mu - sd), hi = Math.min(1, mu + sd);
  const i1 = rint(Math.max(lo * size - 1, 0));
  const i2 = rint(Math.min(hi * size - 1, size - 1));
  return (sorted[i2] - sorted[i1]) / 2;
}
