/**
 * Spectral clustering (Ng, Jordan & Weiss 2001): Gaussian affinity with the median-distance
 * bandwidth, symmetric normalisation D^-1/2 W D^-1/2, the k leading eigenvectors with rows
 * normalised, then k-means. O(n^2 d + n^3): meant for n up to ~1500 points.
 * @module
 */
import { kMeans } from "./kmeans.ts";
import { symmetricEigen } from "../linalg/dense.ts";

/** Options of {@link spectralClustering}. */
export interface SpectralOptions {
  /** Number of clusters; "gap" picks it by the largest eigengap in [1, maxClusters]. */
  readonly k: number | "gap";
  readonly seed: number;
  /** Kernel bandwidth; default the median pairwise distance. */
  readonly bandwidth?: number;
  /** Upper bound for the eigengap choice (default 10). */
  readonly maxClusters?: number;
}

/** Result of {@link spectralClustering}. */
export interface SpectralResult {
  readonly labels: Int32Array;
  readonly k: number;
  /** Leading eigenvalues of the normalised affinity (descending). */
  readonly eigenvalues: Float64Array;
  readonly bandwidth: number;
}

/**
 * Clusters the rows of x [n, dim].
 *
 * @example
 * ```ts
 * const r = spectralClustering(Float64Array.of(0, 0.1, 0.2, 5, 5.1, 5.2), 1, { k: 2, seed: 1 });
 * r.labels; // [a, a, a, b, b, b]
 * ```
 */
export function spectralClustering(
  x: ArrayLike<number>,
  dim: number,
  opts: SpectralOptions,
): SpectralResult {
  const n = x.length / dim;
  if (!Number.isInteger(n) || n < 2) {
    throw new Error(`spectralClustering: need at least 2 rows of ${dim} values, got ${x.length}`);
  }
  const d2 = new Float64Array(n * n);
  const rowsT = new Float64Array(x.length);
  rowsT.set(x as ArrayLike<number>);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += rowsT[i * dim + j] ** 2;
    norms[i] = s;
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      const oi = i * dim, oj = j * dim;
      for (let k = 0; k < dim; k++) s += rowsT[oi + k] * rowsT[oj + k];
      const v = Math.max(0, norms[i] + norms[j] - 2 * s);
      d2[i * n + j] = v;
      d2[j * n + i] = v;
    }
  }
  let h = opts.bandwidth;
  if (h === undefined) {
    const all: number[] = [];
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) all.push(d2[i * n + j]);
    all.sort((a, b) => a - b);
    h = Math.sqrt(all[Math.floor(all.length / 2)]) || 1;
  }
  const w = new Float64Array(n * n);
  const deg = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const v = Math.exp(-d2[i * n + j] / (2 * h * h));
      w[i * n + j] = v;
      deg[i] += v;
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      w[i * n + j] /= Math.sqrt(Math.max(deg[i], 1e-300) * Math.max(deg[j], 1e-300));
    }
  }
  const e = symmetricEigen(w, n);
  const maxK = Math.min(opts.maxClusters ?? 10, n - 1);
  let k: number;
  if (opts.k === "gap") {
    k = 1;
    let gap = -Infinity;
    for (let m = 1; m <= maxK; m++) {
      const g = e.values[m - 1] - e.values[m];
      if (g > gap) [k, gap] = [m, g];
    }
  } else k = opts.k;
  if (!(Number.isInteger(k) && k >= 1 && k <= n)) {
    throw new Error(`spectralClustering: k must be an integer in [1, ${n}], got ${k}`);
  }
  const u = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < k; c++) s += e.vectors[i * n + c] ** 2;
    s = Math.sqrt(s) || 1;
    for (let c = 0; c < k; c++) u[i * k + c] = e.vectors[i * n + c] / s;
  }
  const km = kMeans(u, k, { k, seed: opts.seed, restarts: 5 });
  return { labels: km.labels, k, eigenvalues: e.values.slice(0, maxK + 1), bandwidth: h };
}
