/**
 * Spectral clustering (Ng, Jordan & Weiss 2001): Gaussian affinity with the median-distance
 * bandwidth, symmetric normalisation D^-1/2 W D^-1/2, the k leading eigenvectors with rows
 * normalised, then k-means. O(n^2 d + n^3): meant for n up to ~1500 points.
 * @module
 */
import { kMeans } from "./kmeans.ts";
import { symmetricEigen } from "../linalg/dense.ts";
import { SplitMix32 } from "../random/splitmix.ts";

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
  const maxK = Math.min(opts.maxClusters ?? 10, n - 1);
  // Only the leading maxK + 1 eigenpairs are used: subspace iteration instead of a full
  // O(n^3) decomposition when n is large.
  const e = n > 200 ? leadingEigen(w, n, maxK + 1, opts.seed) : symmetricEigen(w, n);
  const ld = n > 200 ? maxK + 1 : n;
  let k: number;
  if (opts.k === "gap") {
    k = 1;
    let gap = -Infinity;
    for (let m = 1; m <= maxK; m++) {
      const g = e.values[m - 1] - e.values[m];
      if (g > gap) [k, gap] = [m, g];
    }
  } else k = opts.k;
  if (!(Number.isInteger(k) && k >= 1 && k <= ld)) {
    throw new Error(`spectralClustering: k must be an integer in [1, ${n}], got ${k}`);
  }
  const u = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < k; c++) s += e.vectors[i * ld + c] ** 2;
    s = Math.sqrt(s) || 1;
    for (let c = 0; c < k; c++) u[i * k + c] = e.vectors[i * ld + c] / s;
  }
  const km = kMeans(u, k, { k, seed: opts.seed, restarts: 5 });
  return { labels: km.labels, k, eigenvalues: e.values.slice(0, maxK + 1), bandwidth: h };
}

/**
 * The m largest eigenpairs of a symmetric n x n matrix with spectrum in [-1, 1] (a normalised
 * affinity): subspace iteration on (A + I) / 2 (spectrum in [0, 1], so the leading pairs dominate)
 * with m + 8 columns and a Rayleigh–Ritz step (Halko, Martinsson & Tropp 2011). Vectors are
 * row-major [n, m].
 */
function leadingEigen(
  a: Float64Array,
  n: number,
  m: number,
  seed: number,
): { values: Float64Array; vectors: Float64Array } {
  const p = Math.min(n, m + 8);
  const rng = new SplitMix32(seed ^ 0x5bec);
  let q: Float64Array = new Float64Array(n * p);
  for (let i = 0; i < q.length; i++) q[i] = rng.normal();
  const apply = (v: Float64Array) => {
    const out = new Float64Array(n * p);
    for (let i = 0; i < n; i++) {
      const oi = i * p;
      for (let j = 0; j < n; j++) {
        const aij = a[i * n + j];
        if (aij === 0) continue;
        const oj = j * p;
        for (let c = 0; c < p; c++) out[oi + c] += aij * v[oj + c];
      }
    }
    return out;
  };
  const orth = (v: Float64Array) => {
    for (let c = 0; c < p; c++) {
      for (let pass = 0; pass < 2; pass++) {
        for (let b = 0; b < c; b++) {
          let d = 0;
          for (let i = 0; i < n; i++) d += v[i * p + b] * v[i * p + c];
          for (let i = 0; i < n; i++) v[i * p + c] -= d * v[i * p + b];
        }
      }
      let nrm = 0;
      for (let i = 0; i < n; i++) nrm += v[i * p + c] ** 2;
      nrm = Math.sqrt(nrm) || 1;
      for (let i = 0; i < n; i++) v[i * p + c] /= nrm;
    }
    return v;
  };
  q = orth(q);
  for (let it = 0; it < 60; it++) {
    const z = apply(q);
    for (let i = 0; i < z.length; i++) z[i] = 0.5 * (z[i] + q[i]);
    q = orth(z);
  }
  const aq = apply(q);
  const small = new Float64Array(p * p);
  for (let i = 0; i < n; i++) {
    for (let b = 0; b < p; b++) {
      for (let c = 0; c < p; c++) small[b * p + c] += q[i * p + b] * aq[i * p + c];
    }
  }
  const e = symmetricEigen(small, p);
  const vectors = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < m; c++) {
      let s = 0;
      for (let b = 0; b < p; b++) s += q[i * p + b] * e.vectors[b * p + c];
      vectors[i * m + c] = s;
    }
  }
  return { values: e.values.slice(0, m), vectors };
}
