/**
 * Linear dimension reduction before the C2ST classifier, fitted on training rows only (so the
 * held-out risk stays honest). In D = 1000 with a 2–5-D core the MLP fits noise before it finds
 * the signal directions; projecting onto a small subspace that contains them fixes that.
 *
 * - `pca:K`: the top K principal components of the pooled training rows (subspace iteration).
 *   It finds core directions only where their variance stands out of the noise bulk: with
 *   isotropic noise of variance s^2 and n rows in D dims, a direction of variance v is visible
 *   for v > s^2 (1 + sqrt(D/n)) (the BBP transition). The benchmark embedding
 *   y = Q1 x + (I - Q1 Q1^T) w puts *no* noise on the core directions, so a core coordinate
 *   with variance below s^2 (Müller–Brown, the triple well) hides inside the bulk.
 * - `means`: the span of the class means of the training rows minus their average (at most
 *   classes - 1 directions). Basins that differ in location differ in mean, and the noise of a
 *   class mean is s^2 D / n_class in total, so these directions carry the signal.
 * - `means+pca:K`: both, orthonormalised together.
 * @module
 */
import { SplitMix32 } from "../random/splitmix.ts";
import { symmetricEigen } from "../linalg/dense.ts";

/** A reduction spec. */
export type Reduction =
  | { readonly kind: "none" }
  | { readonly kind: "pca"; readonly components: number; readonly means: boolean }
  | { readonly kind: "means" };

/**
 * Parses "none", "pca:K", "means" or "means+pca:K".
 *
 * @example
 * ```ts
 * parseReduction("means+pca:16"); // { kind: "pca", components: 16, means: true }
 * ```
 */
export function parseReduction(text: string): Reduction {
  if (text === "none") return { kind: "none" };
  if (text === "means") return { kind: "means" };
  const m = /^(means\+)?pca:(\d+)$/.exec(text);
  if (m && Number(m[2]) >= 1) return { kind: "pca", components: Number(m[2]), means: !!m[1] };
  throw new Error(`reduce '${text}': expected none, pca:K, means or means+pca:K (K >= 1)`);
}

/**
 * Text form of a reduction (inverse of {@link parseReduction}).
 *
 * @example
 * ```ts
 * formatReduction({ kind: "pca", components: 16, means: false }); // "pca:16"
 * ```
 */
export function formatReduction(r: Reduction): string {
  if (r.kind === "pca") return `${r.means ? "means+" : ""}pca:${r.components}`;
  return r.kind;
}

/** Components of the default reduction's PCA part. */
export const DEFAULT_PCA_COMPONENTS = 16;

/** Input widths above this get the default reduction. */
export const DEFAULT_REDUCE_MIN_DIM = 256;

/**
 * The default: `means+pca:16` above {@link DEFAULT_REDUCE_MIN_DIM} input dimensions, otherwise
 * none (the unreduced MLP recovers every benchmark system up to D = 100; at D = 1000 it fits
 * noise first).
 *
 * @example
 * ```ts
 * defaultReduction(1000); // { kind: "pca", components: 16, means: true }
 * defaultReduction(100); // { kind: "none" }
 * ```
 */
export function defaultReduction(dim: number): Reduction {
  return dim > DEFAULT_REDUCE_MIN_DIM
    ? { kind: "pca", components: DEFAULT_PCA_COMPONENTS, means: true }
    : { kind: "none" };
}

/** A fitted projection z = (x - mean) B with orthonormal columns B [dim, width]. */
export interface Projection {
  readonly inputDim: number;
  readonly width: number;
  readonly mean: Float64Array;
  /** Row-major [inputDim, width], orthonormal columns. */
  readonly basis: Float64Array;
  /** Variance of the training rows along each PCA column (NaN for mean directions). */
  readonly variances: Float64Array;
  /** Projects rows [n, inputDim] to [n, width]. */
  apply(x: Float32Array): Float32Array;
}

/** Options of {@link fitProjection}. */
export interface FitProjectionOptions {
  /** Rows used for the PCA part (a seeded subsample beyond this; default 4000). */
  readonly maxRows?: number;
  /** Subspace iterations (default 8). */
  readonly iterations?: number;
  readonly seed: number;
}

/**
 * Fits a reduction on rows x [n, dim] with class labels y (used by `means`). Returns null for
 * `none`.
 *
 * @example
 * ```ts
 * import { fitProjection } from "./reduce.ts";
 * const n = 40, dim = 6;
 * const x = new Float32Array(n * dim).map((_, i) => Math.sin(i * 0.7) + (i % dim === 0 ? i / dim : 0));
 * const y = Int32Array.from({ length: n }, (_, i) => i % 2);
 * const p = fitProjection(x, y, dim, { kind: "pca", components: 2, means: false }, { seed: 1 });
 * console.log(p!.apply(x).length); // n * 2
 * ```
 */
export function fitProjection(
  x: Float32Array,
  y: Int32Array,
  dim: number,
  r: Reduction,
  opts: FitProjectionOptions,
): Projection | null {
  if (r.kind === "none") return null;
  const n = y.length;
  if (x.length !== n * dim) {
    throw new Error(`fitProjection: x has ${x.length} values, expected ${n} x ${dim}`);
  }
  const acc = new ProjectionAccumulator(n, dim, r, opts);
  for (let i = 0; i < n; i++) acc.add(x.subarray(i * dim, i * dim + dim), y[i]);
  return acc.finish();
}

/**
 * Fits a reduction from rows given one at a time (e.g. streamed from a file), with exactly the
 * arithmetic of {@link fitProjection} on the same rows in the same order: the row count n is
 * fixed up front so the PCA subsample is drawn before any row arrives, and only the sums, the
 * class sums and the subsampled rows are kept.
 *
 * @example
 * ```ts
 * const acc = new ProjectionAccumulator(2, 3, { kind: "means" }, { seed: 1 });
 * acc.add(Float32Array.of(1, 0, 0), 0);
 * acc.add(Float32Array.of(0, 1, 0), 1);
 * acc.finish()!.width; // 1
 * ```
 */
export class ProjectionAccumulator {
  readonly #n: number;
  readonly #dim: number;
  readonly #r: Reduction;
  readonly #opts: FitProjectionOptions;
  readonly #sum: Float64Array;
  #classSum: Float64Array = new Float64Array(0);
  #classCount: Float64Array = new Float64Array(0);
  readonly #rng: SplitMix32;
  /** Slot of each row in the PCA subsample (-1: not sampled). */
  readonly #slot: Int32Array | null;
  readonly #sampled: Float32Array;
  #seen = 0;

  constructor(n: number, dim: number, r: Reduction, opts: FitProjectionOptions) {
    if (n < 2) throw new Error(`fitProjection: need at least 2 rows, got ${n}`);
    this.#n = n;
    this.#dim = dim;
    this.#r = r;
    this.#opts = opts;
    this.#sum = new Float64Array(dim);
    this.#rng = new SplitMix32(opts.seed ^ 0x9ca);
    if (r.kind === "pca") {
      const rows = subsampleRows(n, opts.maxRows ?? 4000, this.#rng);
      this.#slot = new Int32Array(n).fill(-1);
      rows.forEach((row, i) => (this.#slot![row] = i));
      this.#sampled = new Float32Array(rows.length * dim);
    } else {
      this.#slot = null;
      this.#sampled = new Float32Array(0);
    }
  }

  /** Adds the next row (length dim) with its class label. */
  add(row: Float32Array, label: number): void {
    const dim = this.#dim, i = this.#seen++;
    if (i >= this.#n) throw new Error(`ProjectionAccumulator: more than ${this.#n} rows`);
    for (let j = 0; j < dim; j++) this.#sum[j] += row[j];
    if (label >= this.#classCount.length) {
      const k = label + 1;
      const cs = new Float64Array(k * dim), cc = new Float64Array(k);
      cs.set(this.#classSum);
      cc.set(this.#classCount);
      [this.#classSum, this.#classCount] = [cs, cc];
    }
    this.#classCount[label]++;
    for (let j = 0; j < dim; j++) this.#classSum[label * dim + j] += row[j];
    const slot = this.#slot?.[i] ?? -1;
    if (slot >= 0) this.#sampled.set(row.subarray(0, dim), slot * dim);
  }

  /** The fitted projection (null for `none`). */
  finish(): Projection | null {
    const r = this.#r, dim = this.#dim, n = this.#n;
    if (r.kind === "none") return null;
    if (this.#seen !== n) {
      throw new Error(`ProjectionAccumulator: got ${this.#seen} rows, expected ${n}`);
    }
    const mean = Float64Array.from(this.#sum, (v) => v / n);
    // Columns collected as rows of length dim (transposed basis).
    const cols: Float64Array[] = [];
    const vars: number[] = [];
    if (r.kind === "means" || r.means) {
      const cm = this.#classSum, cnt = this.#classCount;
      const present = [...cnt.keys()].filter((c) => cnt[c] > 0);
      const avg = new Float64Array(dim);
      for (const c of present) {
        for (let j = 0; j < dim; j++) avg[j] += cm[c * dim + j] / cnt[c] / present.length;
      }
      for (const c of present) {
        cols.push(Float64Array.from({ length: dim }, (_, j) => cm[c * dim + j] / cnt[c] - avg[j]));
        vars.push(NaN);
      }
      orthonormalize(cols, vars);
    }
    if (r.kind === "pca") {
      const m = this.#sampled.length / dim;
      const pc = topComponents(
        this.#sampled,
        m,
        dim,
        mean,
        Math.min(r.components, dim),
        this.#opts,
        this.#rng,
      );
      pc.vectors.forEach((v, i) => {
        cols.push(v);
        vars.push(pc.values[i]);
      });
      orthonormalize(cols, vars);
    }
    return projectionFrom(mean, cols, vars, dim);
  }
}

function projectionFrom(
  mean: Float64Array,
  cols: Float64Array[],
  vars: number[],
  dim: number,
): Projection {
  const width = cols.length;
  if (width === 0) throw new Error("fitProjection: the reduction kept no direction");
  const basis = new Float64Array(dim * width);
  cols.forEach((c, k) => c.forEach((v, j) => (basis[j * width + k] = v)));
  return {
    inputDim: dim,
    width,
    mean,
    basis,
    variances: Float64Array.from(vars),
    apply(q: Float32Array): Float32Array {
      const m = q.length / dim;
      if (!Number.isInteger(m)) {
        throw new Error(`projection: ${q.length} values are not rows of width ${dim}`);
      }
      const out = new Float32Array(m * width);
      const acc = new Float64Array(width);
      for (let i = 0; i < m; i++) {
        acc.fill(0);
        for (let j = 0; j < dim; j++) {
          const v = q[i * dim + j] - mean[j];
          const o = j * width;
          for (let k = 0; k < width; k++) acc[k] += v * basis[o + k];
        }
        out.set(acc, i * width);
      }
      return out;
    },
  };
}

/** Sorted row indices of a uniform subsample without replacement (partial Fisher–Yates). */
function subsampleRows(n: number, maxRows: number, rng: SplitMix32): Int32Array {
  if (n <= maxRows) return Int32Array.from({ length: n }, (_, i) => i);
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < maxRows; i++) {
    const j = i + Math.floor(rng.uniform() * (n - i));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p.slice(0, maxRows).sort();
}

/** Modified Gram–Schmidt in place (twice, for stability), dropping near-dependent vectors. */
function orthonormalize(cols: Float64Array[], vars: number[]): void {
  const keep: Float64Array[] = [], kv: number[] = [];
  cols.forEach((c, idx) => {
    const v = Float64Array.from(c);
    const n0 = Math.hypot(...v);
    for (let pass = 0; pass < 2; pass++) {
      for (const q of keep) {
        let d = 0;
        for (let j = 0; j < v.length; j++) d += v[j] * q[j];
        for (let j = 0; j < v.length; j++) v[j] -= d * q[j];
      }
    }
    const nv = Math.hypot(...v);
    if (nv > 1e-6 * Math.max(n0, 1e-30) && nv > 0) {
      for (let j = 0; j < v.length; j++) v[j] /= nv;
      keep.push(v);
      kv.push(vars[idx]);
    }
  });
  cols.length = 0;
  cols.push(...keep);
  vars.length = 0;
  vars.push(...kv);
}

/**
 * Top-k eigenvectors of the covariance of (a subsample of) the rows, by subspace iteration with
 * k + 8 columns and a Rayleigh–Ritz step (Halko, Martinsson & Tropp, SIAM Rev. 53, 2011).
 */
function topComponents(
  xs: Float32Array,
  m: number,
  dim: number,
  mean: Float64Array,
  k: number,
  opts: FitProjectionOptions,
  rng: SplitMix32,
): { vectors: Float64Array[]; values: Float64Array } {
  const xc = new Float64Array(m * dim);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < dim; j++) xc[i * dim + j] = xs[i * dim + j] - mean[j];
  }
  const p = Math.min(dim, k + 8);
  // Q [dim, p] row-major, random start.
  let q: Float64Array = new Float64Array(dim * p);
  for (let i = 0; i < q.length; i++) q[i] = rng.normal();
  q = qrColumns(q, dim, p);
  const applyCov = (v: Float64Array): Float64Array => {
    // C v = X^T (X v) / m.
    const t = new Float64Array(m * p);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < dim; j++) {
        const a = xc[i * dim + j];
        const o = j * p, oi = i * p;
        for (let c = 0; c < p; c++) t[oi + c] += a * v[o + c];
      }
    }
    const out = new Float64Array(dim * p);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < dim; j++) {
        const a = xc[i * dim + j] / m;
        const o = j * p, oi = i * p;
        for (let c = 0; c < p; c++) out[o + c] += a * t[oi + c];
      }
    }
    return out;
  };
  const iters = opts.iterations ?? 8;
  for (let it = 0; it < iters; it++) q = qrColumns(applyCov(q), dim, p);
  // Rayleigh–Ritz: eigen of Q^T C Q.
  const cq = applyCov(q);
  const small = new Float64Array(p * p);
  for (let j = 0; j < dim; j++) {
    for (let a = 0; a < p; a++) {
      for (let b = 0; b < p; b++) small[a * p + b] += q[j * p + a] * cq[j * p + b];
    }
  }
  const e = symmetricEigen(small, p);
  const vectors: Float64Array[] = [];
  for (let c = 0; c < k; c++) {
    const v = new Float64Array(dim);
    for (let j = 0; j < dim; j++) {
      let s = 0;
      for (let a = 0; a < p; a++) s += q[j * p + a] * e.vectors[a * p + c];
      v[j] = s;
    }
    vectors.push(v);
  }
  return { vectors, values: e.values.slice(0, k) };
}

/** Orthonormal columns of a [rows, cols] row-major matrix (modified Gram–Schmidt, twice). */
function qrColumns(a: Float64Array, rows: number, cols: number): Float64Array {
  const q = Float64Array.from(a);
  for (let c = 0; c < cols; c++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let b = 0; b < c; b++) {
        let d = 0;
        for (let i = 0; i < rows; i++) d += q[i * cols + b] * q[i * cols + c];
        for (let i = 0; i < rows; i++) q[i * cols + c] -= d * q[i * cols + b];
      }
    }
    let nrm = 0;
    for (let i = 0; i < rows; i++) nrm += q[i * cols + c] ** 2;
    nrm = Math.sqrt(nrm) || 1;
    for (let i = 0; i < rows; i++) q[i * cols + c] /= nrm;
  }
  return q;
}
