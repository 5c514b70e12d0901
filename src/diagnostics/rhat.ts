/**
 * Cross-chain diagnostics of Vehtari, Gelman, Simpson, Carpenter and Buerkner (2021),
 * "Rank-normalization, folding, and localization: an improved R-hat", Bayesian Analysis
 * 16(2):667-718, in the form ArviZ implements: split R-hat, rank-normalised split R-hat (bulk),
 * folded R-hat (tail), their maximum, and bulk / tail / mean / quantile ESS built on Geyer's
 * initial monotone sequence ({@link essGeyerCore}).
 * @module
 */

import { type ChainsInput, concatChains, splitChains, toChains } from "./chains.ts";
import {
  mean,
  normalQuantile,
  quantileSorted,
  rankAverage,
  sortedCopy,
  variance,
} from "./basic_stats.ts";
import { essGeyerCore } from "./ess.ts";

/** Split-based diagnostics need two halves of at least 4 draws each. */
const MIN_DRAWS = 8;

function validated(input: ChainsInput, what: string): Float64Array[] {
  return toChains(input, MIN_DRAWS, what);
}

/**
 * Classical potential scale reduction of the given chains, no splitting (Gelman et al., BDA3
 * eq. 11.4; ArviZ `_rhat`): sqrt(((n-1)/n W + B/n) / W), with B = n var(chain means, ddof 1)
 * and W the mean chain variance (ddof 1).
 *
 * Conventions: W = 0 gives 1 when all chain means agree (every draw identical: nothing
 * disagrees) and Infinity when they differ (chains stuck at different values).
 */
export function rhatCore(chains: readonly Float64Array[]): number {
  const m = chains.length;
  const n = chains[0].length;
  if (m < 2) throw new Error(`rhat: ${m} chain(s), expected at least 2 (after splitting)`);
  const means = new Float64Array(m);
  let w = 0;
  for (let c = 0; c < m; c++) {
    means[c] = mean(chains[c]);
    w += variance(chains[c], 1);
  }
  w /= m;
  const b = n * variance(means, 1);
  if (!(w > 0)) return b > 0 ? Infinity : 1;
  return Math.sqrt((b / w + n - 1) / n);
}

/**
 * Split R-hat on the raw values: every chain is cut into halves (middle draw of an odd chain
 * dropped) and {@link rhatCore} is applied to the 2m halves. Needs >= 8 draws per chain.
 *
 * @example
 * ```ts
 * const r = rhatSplit([new Float64Array([0, 1, 0, 1, 0, 1, 0, 1]), new Float64Array([5, 6, 5, 6, 5, 6, 5, 6])]);
 * // r is large: the chains sit in different places
 * ```
 */
export function rhatSplit(input: ChainsInput): number {
  return rhatCore(splitChains(validated(input, "rhatSplit")));
}

/**
 * Rank normalisation: pooled average ranks r (ties averaged) mapped through
 * Phi^{-1}((r - 3/8) / (S + 1/4)), S the pooled size (Blom's offset, as in Vehtari et al. and
 * ArviZ `_z_scale`). Returns new arrays of the same shape.
 *
 * @example
 * ```ts
 * const z = zScale([new Float64Array([3, 1, 2])]); // [0.967, -0.967, 0]
 * ```
 */
export function zScale(chains: readonly Float64Array[]): Float64Array[] {
  const pooled = concatChains(chains);
  const size = pooled.length;
  const ranks = rankAverage(pooled);
  // Ranks repeat for ties; map each distinct rank once.
  let lastRank = NaN, lastZ = 0;
  for (let i = 0; i < size; i++) {
    const r = ranks[i];
    if (r !== lastRank) {
      lastRank = r;
      lastZ = normalQuantile((r - 0.375) / (size + 0.25));
    }
    ranks[i] = lastZ;
  }
  const out: Float64Array[] = [];
  let o = 0;
  for (const c of chains) {
    out.push(ranks.subarray(o, o + c.length));
    o += c.length;
  }
  return out;
}

/** |x - median(all draws)|, chain by chain (the "folded" draws of Vehtari et al.). */
function fold(chains: readonly Float64Array[]): Float64Array[] {
  const med = quantileSorted(sortedCopy(concatChains(chains)), 0.5);
  return chains.map((c) => c.map((v) => Math.abs(v - med)));
}

/**
 * Rank-normalised split R-hat ("bulk R-hat"): {@link rhatCore} of the z-scaled split chains.
 *
 * @example
 * ```ts
 * rhatBulk([new Float64Array([0.1, 0.5, -0.2, 0.3, -0.4, 0.9, 0.0, -0.1]),
 *           new Float64Array([0.2, -0.6, 0.4, 0.1, -0.3, 0.8, -0.7, 0.05])]);
 * ```
 */
export function rhatBulk(input: ChainsInput): number {
  return rhatCore(zScale(splitChains(validated(input, "rhatBulk"))));
}

/**
 * Folded rank-normalised split R-hat ("tail R-hat"): the same on |x - median|, sensitive to
 * chains that differ in scale rather than location.
 */
export function rhatFolded(input: ChainsInput): number {
  return rhatCore(zScale(splitChains(fold(validated(input, "rhatFolded")))));
}

/**
 * The recommended R-hat of Vehtari et al. (2021) and ArviZ's default (`method="rank"`):
 * max(bulk R-hat, folded R-hat). Values above 1.01 signal non-convergence.
 *
 * @example
 * ```ts
 * const r = rhat([new Float64Array(8).fill(0).map((_, i) => i % 3), new Float64Array(8).fill(5)]);
 * // r > 1.5 (chains in different places)
 * ```
 */
export function rhat(input: ChainsInput): number {
  const chains = validated(input, "rhat");
  const bulk = rhatCore(zScale(splitChains(chains)));
  const tail = rhatCore(zScale(splitChains(fold(chains))));
  return Math.max(bulk, tail);
}

/**
 * Bulk ESS: {@link essGeyerCore} of the z-scaled split chains (ArviZ `ess(method="bulk")`).
 * Needs >= 8 draws per chain. A constant input gives m n; never NaN.
 *
 * @example
 * ```ts
 * essBulk([new Float64Array([0.1, 0.5, -0.2, 0.3, -0.4, 0.9, 0.0, -0.1])]);
 * ```
 */
export function essBulk(input: ChainsInput): number {
  return essGeyerCore(zScale(splitChains(validated(input, "essBulk"))));
}

function indicatorBelow(chains: readonly Float64Array[], q: number): Float64Array[] {
  return chains.map((c) => c.map((v) => (v <= q ? 1 : 0)));
}

/** ESS of the indicator 1{x <= q_p} (q_p the pooled type-7 quantile), split chains. */
function essIndicator(chains: readonly Float64Array[], sorted: Float64Array, p: number): number {
  return essGeyerCore(splitChains(indicatorBelow(chains, quantileSorted(sorted, p))));
}

/**
 * Tail ESS: the minimum of the ESS of the indicators 1{x <= q_0.05} and 1{x <= q_0.95} over
 * split chains (ArviZ `ess(method="tail")`).
 *
 * @example
 * ```ts
 * essTail([new Float64Array([0.1, 0.5, -0.2, 0.3, -0.4, 0.9, 0.0, -0.1])]);
 * ```
 */
export function essTail(input: ChainsInput): number {
  const chains = validated(input, "essTail");
  const sorted = sortedCopy(concatChains(chains));
  return Math.min(essIndicator(chains, sorted, 0.05), essIndicator(chains, sorted, 0.95));
}

/**
 * ESS for the mean: {@link essGeyerCore} of the split raw chains (ArviZ `ess(method="mean")`).
 */
export function essMean(input: ChainsInput): number {
  return essGeyerCore(splitChains(validated(input, "essMean")));
}

/** ESS for the p-quantile: the ESS of the split indicator 1{x <= q_p} (ArviZ "quantile"). */
export function essQuantile(input: ChainsInput, p: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`essQuantile: p must be in (0, 1), got ${p}`);
  const chains = validated(input, "essQuantile");
  return essIndicator(chains, sortedCopy(concatChains(chains)), p);
}
