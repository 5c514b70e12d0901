/**
 * Effective sample size of single chains and the Geyer multi-chain core.
 *
 * - {@link essTfp}: per-chain ESS exactly as `tfp.mcmc.effective_sample_size` computes it with
 *   the defaults DISCS uses (see below).
 * - {@link essGeyer} / {@link essGeyerIms}: Geyer's initial positive + initial monotone
 *   sequence estimator in the multi-chain form of Vehtari et al. (2021), as ArviZ's `_ess`.
 * - {@link essBatchMeans}: non-overlapping batch means with batch size floor(sqrt(n)).
 *
 * Conventions (never NaN, never negative): see each function.
 * @module
 */

import { laggedSums } from "./fft.ts";
import { assertFinite, type ChainsInput, toChains } from "./chains.ts";
import { mean, variance } from "./basic_stats.ts";

/** Options for {@link essTfp}; the defaults are TFP's (and so DISCS's). */
export interface EssTfpOptions {
  /**
   * Truncate the autocorrelation sum at the first lag k >= 1 whose autocorrelation is below
   * this value; that lag and all later ones are dropped (TFP `filter_threshold`, default 0).
   * `null` disables the threshold (TFP `filter_threshold=None`).
   */
  filterThreshold?: number | null;
  /** Use at most this many lags (TFP `filter_beyond_lag`, default: all, n - 1). */
  filterBeyondLag?: number;
  /**
   * Geyer's initial positive sequence instead of the threshold: stop at the first pair
   * (rho_{2j} + rho_{2j+1}) < 0 (TFP `filter_beyond_positive_pairs`, default false).
   */
  filterBeyondPositivePairs?: boolean;
}

/**
 * Per-chain ESS exactly as TensorFlow Probability's `tfp.mcmc.effective_sample_size` with its
 * defaults `filter_threshold=0.0`, `filter_beyond_lag=None`, `filter_beyond_positive_pairs=False`,
 * `cross_chain_dims=None` -- the call DISCS makes (discs/evaluators/ess_eval.py; spec
 * shared/reference/discs.md section 3.1):
 *
 *   ESS = N / (-1 + 2 sum_{k=0}^{M} (N-k)/N rho_k),   rho_k = [S_k/(N-k)] / [S_0/N],
 *
 * with S_k = sum_t (x_t - xbar)(x_{t+k} - xbar), i.e. (N-k)/N rho_k = S_k / S_0, and M the lag
 * before the first k with rho_k < 0 (that lag is excluded). Because every retained term is
 * >= 0, with the default threshold the result is always in [1, N]: an antithetic chain
 * (rho_1 < 0) gets exactly N, never more.
 *
 * Conventions: a constant chain (S_0 = 0, where TFP returns NaN) gets 1, the value DISCS
 * substitutes for NaN. N = 1 also gives 1. Non-finite input throws. With non-default options
 * the TFP formula can exceed N or have a non-positive denominator; the result is then capped at
 * N * max(1, log10 N) (the ArviZ-style cap), so it is never negative, infinite or NaN.
 *
 * @example
 * ```ts
 * essTfp(new Float64Array([1, 2, 3, 4])); // 4 / 1.5 = 2.666...
 * ```
 */
export function essTfp(chain: ArrayLike<number>, opts: EssTfpOptions = {}): number {
  const n = chain.length;
  if (n < 1) throw new Error("essTfp: empty chain, expected at least one draw");
  assertFinite(chain, "essTfp");
  const [s] = laggedSums(chain, undefined, opts.filterBeyondLag ?? n - 1);
  return essTfpFromSums(s, n, opts);
}

/** TFP ESS from lagged sums S_0..S_M of one chain of length n (shared with the batched form). */
export function essTfpFromSums(s: Float64Array, n: number, opts: EssTfpOptions = {}): number {
  const s0 = s[0];
  // Constant chain: TFP gives NaN (0/0), DISCS replaces NaN by 1.
  if (!(s0 > 0) || n === 1) return 1;
  const threshold = opts.filterThreshold === undefined ? 0 : opts.filterThreshold;
  const lags = s.length;
  // rho_k (TFP auto_corr) = N S_k / ((N-k) S_0); weighted (N-k)/N rho_k = S_k / S_0.
  let sum = 0;
  if (opts.filterBeyondPositivePairs) {
    const pairs = Math.floor(lags / 2);
    for (let j = 0; j < pairs; j++) {
      const a = 2 * j, b = a + 1;
      const pairRho = (n * s[a]) / ((n - a) * s0) + (n * s[b]) / ((n - b) * s0);
      if (pairRho < 0) break;
      sum += (s[a] + s[b]) / s0;
    }
  } else {
    for (let k = 0; k < lags; k++) {
      if (threshold !== null && (n * s[k]) / ((n - k) * s0) < threshold) break;
      sum += s[k] / s0;
    }
  }
  const denom = -1 + 2 * sum;
  const cap = n * Math.max(1, Math.log10(n));
  const ess = n / denom;
  if (!(denom > 0) || !(ess <= cap)) return cap;
  return ess;
}

/**
 * TFP ESS for every chain (two chains per FFT, so ~half the cost of calling {@link essTfp} in a
 * loop). Returns one value per chain.
 *
 * @example
 * ```ts
 * essTfpChains([new Float64Array([1, 2, 3, 4]), new Float64Array([1, -1, 1, -1])]); // [2.67, 4]
 * ```
 */
export function essTfpChains(input: ChainsInput, opts: EssTfpOptions = {}): Float64Array {
  const chains = toChains(input, 1, "essTfpChains");
  const n = chains[0].length;
  const maxLag = opts.filterBeyondLag ?? n - 1;
  const out = new Float64Array(chains.length);
  for (let c = 0; c < chains.length; c += 2) {
    const [sx, sy] = laggedSums(chains[c], chains[c + 1], maxLag);
    out[c] = essTfpFromSums(sx, n, opts);
    if (sy !== undefined) out[c + 1] = essTfpFromSums(sy, n, opts);
  }
  return out;
}

/** Values closer than this (NumPy's float64 `finfo.resolution`) count as one constant. */
const RESOLUTION = 1e-15;

/**
 * Multi-chain ESS by Geyer's initial positive sequence plus initial monotone sequence, in the
 * form of Vehtari et al. (2021, eq. 10) exactly as ArviZ's `_ess` (no splitting, no ranking;
 * {@link essBulk} and friends build on it). Autocovariances are biased (divide by n);
 * rho_k = 1 - (W - mean_c acov_c(k)) / var+, with W the mean within-chain variance (ddof 1)
 * and var+ = (n-1)/n W + var(chain means, ddof 1).
 *
 * Conventions (ArviZ's): needs n >= 4 draws per chain (throws otherwise); if all values agree
 * within 1e-15 the result is m*n; tau is bounded below by 1/log10(m n), so the ESS is at most
 * m n log10(m n) (antithetic chains may exceed m n, up to that cap). Never NaN or negative.
 *
 * @example
 * ```ts
 * essGeyer([new Float64Array([0.1, -0.3, 0.4, 0.2, -0.5, 0.0])]);
 * ```
 */
export function essGeyer(input: ChainsInput): number {
  const chains = toChains(input, 4, "essGeyer");
  return essGeyerCore(chains);
}

/** {@link essGeyer} on already validated chains. */
export function essGeyerCore(chains: readonly Float64Array[]): number {
  const m = chains.length;
  const n = chains[0].length;
  if (n < 4) throw new Error(`essGeyer: ${n} draws per chain, expected at least 4`);
  let lo = Infinity, hi = -Infinity;
  for (const c of chains) {
    for (let i = 0; i < n; i++) {
      const v = c[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (hi - lo < RESOLUTION) return m * n;

  // Mean over chains of the biased autocovariance, lags 0..n-1.
  const acov = new Float64Array(n);
  for (let c = 0; c < m; c += 2) {
    const [sx, sy] = laggedSums(chains[c], chains[c + 1]);
    for (let k = 0; k < n; k++) acov[k] += sx[k] + (sy === undefined ? 0 : sy[k]);
  }
  for (let k = 0; k < n; k++) acov[k] /= m * n;

  const meanVar = (acov[0] * n) / (n - 1);
  let varPlus = (meanVar * (n - 1)) / n;
  if (m > 1) {
    const means = new Float64Array(m);
    for (let c = 0; c < m; c++) means[c] = mean(chains[c]);
    varPlus += variance(means, 1);
  }
  const rho = (k: number) => 1 - (meanVar - acov[k]) / varPlus;

  const rhoHat = new Float64Array(n);
  let rhoEven = 1;
  let rhoOdd = rho(1);
  rhoHat[0] = rhoEven;
  rhoHat[1] = rhoOdd;
  // Initial positive sequence: keep pairs while rho_{2j} + rho_{2j+1} > 0.
  let t = 1;
  while (t < n - 3 && rhoEven + rhoOdd > 0) {
    rhoEven = rho(t + 1);
    rhoOdd = rho(t + 2);
    if (rhoEven + rhoOdd >= 0) {
      rhoHat[t + 1] = rhoEven;
      rhoHat[t + 2] = rhoOdd;
    }
    t += 2;
  }
  const maxT = t - 2;
  if (rhoEven > 0) rhoHat[maxT + 1] = rhoEven;
  // Initial monotone sequence: pair sums must not increase.
  for (t = 1; t <= maxT - 2; t += 2) {
    if (rhoHat[t + 1] + rhoHat[t + 2] > rhoHat[t - 1] + rhoHat[t]) {
      rhoHat[t + 1] = (rhoHat[t - 1] + rhoHat[t]) / 2;
      rhoHat[t + 2] = rhoHat[t + 1];
    }
  }
  let sum = 0;
  for (let k = 0; k <= maxT; k++) sum += rhoHat[k];
  const total = m * n;
  let tau = -1 + 2 * sum + rhoHat[maxT + 1];
  tau = Math.max(tau, 1 / Math.log10(total));
  const ess = total / tau;
  return Number.isFinite(ess) && ess >= 0 ? ess : total;
}

/**
 * Single-chain Geyer initial monotone sequence ESS ({@link essGeyer} on one chain).
 *
 * @example
 * ```ts
 * essGeyerIms(new Float64Array([0.1, -0.3, 0.4, 0.2, -0.5, 0.0]));
 * ```
 */
export function essGeyerIms(chain: Float64Array): number {
  return essGeyer([chain]);
}

/** Options for {@link essBatchMeans}. */
export interface EssBatchMeansOptions {
  /** Batch length b (default floor(sqrt(n))); needs at least 2 batches. */
  batchSize?: number;
}

/**
 * Batch-means ESS of one chain: with a = floor(n/b) batches of length b taken from the start
 * (the trailing n - a b draws only enter the overall variance), sigma2_BM = b/(a-1) sum_j
 * (batch mean_j - mean of batch means)^2 and ESS = n s^2 / sigma2_BM, s^2 the sample variance
 * (ddof 1) of all n draws (Flegal and Jones 2010; mcmcse's `ess`).
 *
 * Conventions: a constant chain gives n (as {@link essGeyer}); the result is capped at
 * n * max(1, log10 n), so it is finite even when the batch means happen to coincide.
 *
 * @example
 * ```ts
 * essBatchMeans(new Float64Array([0.3, -1.2, 0.8, 0.1, -0.4, 1.5, -0.9, 0.2, 0.6]));
 * ```
 */
export function essBatchMeans(chain: Float64Array, opts: EssBatchMeansOptions = {}): number {
  const n = chain.length;
  assertFinite(chain, "essBatchMeans");
  const b = opts.batchSize ?? Math.floor(Math.sqrt(n));
  if (!Number.isInteger(b) || b < 1) {
    throw new Error(`essBatchMeans: batchSize must be a positive integer, got ${b}`);
  }
  const a = Math.floor(n / b);
  if (a < 2) {
    throw new Error(`essBatchMeans: ${n} draws give ${a} batch(es) of ${b}, expected at least 2`);
  }
  const s2 = variance(chain, 1);
  if (!(s2 > 0)) return n;
  const bm = new Float64Array(a);
  for (let j = 0; j < a; j++) bm[j] = mean(chain.subarray(j * b, (j + 1) * b));
  const sigma2 = b * variance(bm, 1);
  const cap = n * Math.max(1, Math.log10(n));
  const ess = (n * s2) / sigma2;
  return ess <= cap ? ess : cap;
}
