/**
 * The isotropic Gaussian on SO(3), IGSO(3), as the NERE perturbation (spec: shared reference
 * nere.md section 2): angle density p_s(t) = (1 - cos t)/pi * f_s(t) on [0, pi] with
 * f_s(t) = sum_l (2l+1) exp(-l(l+1) s^2) sin((l+1/2) t) / sin(t/2) (s^2, not s^2/2, in the
 * exponent, as in the authors' code), sampling by inverse CDF on a fine grid, and the score.
 * @module
 */
import type { SplitMix32 } from "../random/splitmix.ts";
import { unitVector3 } from "../random/seeded_draws.ts";

/** Highest l kept: terms stop once exp(-l(l+1) s^2) < e^-60, and never past 2000 (the repo's L). */
export function igso3MaxL(sigma: number): number {
  return Math.min(2000, Math.ceil(Math.sqrt(60) / sigma) + 2);
}

/**
 * f_s(t) and its derivative d f_s / d t. For s <= 1 by the exact Poisson-summed form
 * f_s(t) = e^{s^2/4} sqrt(pi) / (2 s^3) * sum_k (-1)^k u_k exp(-u_k^2 / (4 s^2)) / sin(t/2),
 * u_k = t - 2 pi k, which keeps full relative precision in the tails where the l-series
 * cancels; for s > 1 by the l-series (few terms). {@link igso3SeriesL} is the plain series.
 *
 * @example
 * ```ts
 * import { igso3Series } from "./mod.ts";
 * const { f, df } = igso3Series(0.5, 0.3);
 * ```
 */
export function igso3Series(theta: number, sigma: number): { f: number; df: number } {
  if (sigma > 1) return igso3SeriesL(theta, sigma);
  const t = Math.max(theta, 1e-6), s2 = sigma * sigma;
  const c = Math.exp(s2 / 4) * Math.sqrt(Math.PI) / (2 * sigma * s2);
  let g = 0, dg = 0;
  for (let k = -4; k <= 4; k++) {
    const u = t - 2 * Math.PI * k, e = Math.exp(-u * u / (4 * s2)), sign = k % 2 ? -1 : 1;
    g += sign * u * e;
    dg += sign * (1 - u * u / (2 * s2)) * e;
  }
  const h = Math.sin(t / 2), hc = Math.cos(t / 2);
  return { f: c * g / h, df: c * (dg * h - 0.5 * hc * g) / (h * h) };
}

/** f_s(t) and d f_s / d t by the l-series truncated where exp(-l(l+1) s^2) < e^-60. */
export function igso3SeriesL(theta: number, sigma: number): { f: number; df: number } {
  const L = igso3MaxL(sigma), s2 = sigma * sigma;
  const h = Math.sin(theta / 2), hc = Math.cos(theta / 2);
  let f = 0, df = 0;
  const small = Math.abs(h) < 1e-7;
  for (let l = 0; l <= L; l++) {
    const w = (2 * l + 1) * Math.exp(-l * (l + 1) * s2);
    if (w === 0) break;
    const a = l + 0.5;
    if (small) {
      // Limits at t -> 0: sin(a t)/sin(t/2) -> 2a, derivative -> 0.
      f += w * 2 * a;
    } else {
      const sa = Math.sin(a * theta), ca = Math.cos(a * theta);
      f += w * sa / h;
      df += w * (a * ca * h - 0.5 * sa * hc) / (h * h);
    }
  }
  return { f, df };
}

/**
 * The IGSO(3) angle density (1 - cos t)/pi * f_s(t) on [0, pi]; it integrates to 1 (every l >= 1
 * term integrates to zero against the Haar factor).
 */
export function igso3AngleDensity(theta: number, sigma: number): number {
  return (1 - Math.cos(theta)) / Math.PI * igso3Series(theta, sigma).f;
}

/** Options of {@link igso3Score}. */
export interface Igso3ScoreOptions {
  /**
   * Include the Haar term sin t / (1 - cos t), i.e. d/dt log[(1 - cos t) f_s(t)] as the authors'
   * code does. Default false: d/dt log f_s(t), the score of the density with respect to the Haar
   * measure, which points back towards the identity for every angle (the Haar term makes the
   * target point away from it for t below about 2s).
   */
  haar?: boolean;
}

/**
 * The rotation score magnitude s_s(t): the target rotation-vector score is axis * s_s(t).
 *
 * @example
 * ```ts
 * import { igso3Score } from "./mod.ts";
 * const s = igso3Score(0.4, 0.2); // negative: rotate back
 * ```
 */
export function igso3Score(theta: number, sigma: number, options: Igso3ScoreOptions = {}): number {
  const { f, df } = igso3Series(theta, sigma);
  let s = df / f;
  if (options.haar) s += Math.sin(theta) / (1 - Math.cos(theta));
  return s;
}

/**
 * Inverse-CDF sampler of the IGSO(3) angle for a fixed set of noise levels, each tabulated on
 * a grid of `gridSize` angles over [0, pi] (cumulative trapezoid, linear inverse).
 *
 * @example
 * ```ts
 * import { Igso3Sampler } from "./mod.ts";
 * import { SplitMix32 } from "../random/mod.ts";
 * const sampler = new Igso3Sampler([0.1, 0.2]);
 * const theta = sampler.sampleAngle(0, new SplitMix32(1)); // at sigma = 0.1
 * ```
 */
export class Igso3Sampler {
  readonly sigmas: number[];
  readonly grid: Float64Array;
  readonly cdfs: Float64Array[];

  constructor(sigmas: number[], gridSize = 4096) {
    if (sigmas.length === 0 || sigmas.some((s) => !(s > 0))) {
      throw new Error(`IGSO(3) noise levels must be positive numbers, got [${sigmas.join(", ")}]`);
    }
    this.sigmas = [...sigmas];
    this.grid = new Float64Array(gridSize);
    for (let i = 0; i < gridSize; i++) this.grid[i] = Math.PI * i / (gridSize - 1);
    this.cdfs = this.sigmas.map((s) => {
      const cdf = new Float64Array(gridSize);
      let prev = igso3AngleDensity(0, s);
      for (let i = 1; i < gridSize; i++) {
        const cur = Math.max(0, igso3AngleDensity(this.grid[i], s));
        cdf[i] = cdf[i - 1] + (prev + cur) / 2 * (this.grid[i] - this.grid[i - 1]);
        prev = cur;
      }
      const total = cdf[gridSize - 1];
      for (let i = 0; i < gridSize; i++) cdf[i] /= total;
      return cdf;
    });
  }

  /** An angle at noise level index `level`, by inverse CDF. */
  sampleAngle(level: number, rng: SplitMix32): number {
    const cdf = this.cdfs[level], u = rng.uniform();
    let lo = 0, hi = cdf.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] <= u) lo = mid;
      else hi = mid;
    }
    const span = cdf[hi] - cdf[lo];
    const frac = span > 0 ? (u - cdf[lo]) / span : 0;
    return this.grid[lo] + frac * (this.grid[hi] - this.grid[lo]);
  }

  /** A rotation vector theta * axis with a uniform axis, at noise level index `level`. */
  sampleRotation(
    level: number,
    rng: SplitMix32,
  ): { omega: [number, number, number]; theta: number; axis: [number, number, number] } {
    const theta = this.sampleAngle(level, rng), axis = unitVector3(rng);
    return { omega: [axis[0] * theta, axis[1] * theta, axis[2] * theta], theta, axis };
  }
}

/** `n` noise levels evenly spaced over [lo, hi] (the repo: 100 levels over [0.1, 10.1]). */
export function sigmaGrid(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => n === 1 ? lo : lo + (hi - lo) * i / (n - 1));
}
