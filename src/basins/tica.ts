/**
 * Time-lagged independent component analysis (Molgedey & Schuster 1994; Pérez-Hernández et al.
 * 2013), as in deeptime's TICA (basins.md section 4.1): mean-free instantaneous covariance C00
 * and symmetrised time-lagged covariance C0t over all (x_t, x_{t+lag}) pairs, C00 regularised by
 * dropping eigen-directions below epsilon, then C0t v = lambda C00 v. Kinetic-map scaling
 * multiplies component i by lambda_i.
 * @module
 */
import { crossRows, symmetricEigen } from "../linalg/dense.ts";

/** Options of {@link fitTica}. */
export interface TicaOptions {
  readonly lag: number;
  /** Output dimension (default: all kept components). */
  readonly dim?: number;
  /** Relative eigenvalue cutoff of C00 (default 1e-6). */
  readonly epsilon?: number;
  /** "kinetic-map" (default) scales by lambda_i; "none" leaves unit variance. */
  readonly scaling?: "kinetic-map" | "none";
}

/** A fitted TICA model. */
export interface TicaModel {
  readonly inputDim: number;
  readonly dim: number;
  readonly lag: number;
  /** Autocorrelations lambda_i at the lag, descending. */
  readonly eigenvalues: Float64Array;
  readonly mean: Float64Array;
  /** Projection [inputDim, dim] (column i = the i-th component, scaling applied). */
  readonly components: Float64Array;
  /** Projects rows x [n, inputDim] to [n, dim]. */
  transform(x: ArrayLike<number>): Float64Array;
}

/**
 * Fits TICA to trajectories given as row-major [frames, dim] arrays.
 *
 * @example
 * ```ts
 * const m = fitTica([new Float64Array(200).map((_, i) => Math.sin(i / 10))], 1, { lag: 1 });
 * m.eigenvalues[0]; // ~ cos(0.1)
 * ```
 */
export function fitTica(
  trajs: readonly ArrayLike<number>[],
  dim: number,
  opts: TicaOptions,
): TicaModel {
  const lag = opts.lag;
  if (!(Number.isInteger(lag) && lag >= 1)) {
    throw new Error(`fitTica: lag must be an integer >= 1, got ${lag}`);
  }
  let pairs = 0;
  for (const t of trajs) pairs += Math.max(0, t.length / dim - lag);
  if (pairs < 2) throw new Error(`fitTica: fewer than 2 frame pairs at lag ${lag}`);
  // Transposed blocks: a = x_t rows, b = x_{t+lag} rows, stored feature-major [dim, pairs].
  const a = new Float64Array(dim * pairs), b = new Float64Array(dim * pairs);
  let col = 0;
  for (const t of trajs) {
    const f = t.length / dim;
    for (let s = 0; s + lag < f; s++, col++) {
      for (let i = 0; i < dim; i++) {
        a[i * pairs + col] = t[s * dim + i];
        b[i * pairs + col] = t[(s + lag) * dim + i];
      }
    }
  }
  const mean = new Float64Array(dim);
  for (let i = 0; i < dim; i++) {
    let s = 0;
    for (let k = 0; k < pairs; k++) s += a[i * pairs + k] + b[i * pairs + k];
    mean[i] = s / (2 * pairs);
    for (let k = 0; k < pairs; k++) {
      a[i * pairs + k] -= mean[i];
      b[i * pairs + k] -= mean[i];
    }
  }
  const caa = crossRows(a, a, dim, dim, pairs, true);
  const cbb = crossRows(b, b, dim, dim, pairs, true);
  const cab = crossRows(a, b, dim, dim, pairs);
  const c00 = new Float64Array(dim * dim), c0t = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) {
    for (let j = 0; j < dim; j++) {
      c00[i * dim + j] = (caa[i * dim + j] + cbb[i * dim + j]) / (2 * pairs);
      c0t[i * dim + j] = (cab[i * dim + j] + cab[j * dim + i]) / (2 * pairs);
    }
  }
  const e0 = symmetricEigen(c00, dim);
  const eps = (opts.epsilon ?? 1e-6) * Math.max(e0.values[0], 1e-300);
  const kept: number[] = [];
  for (let i = 0; i < dim; i++) if (e0.values[i] > eps) kept.push(i);
  const r = kept.length;
  // Whitening W [dim, r] = U_r diag(s^-1/2).
  const w = new Float64Array(dim * r);
  kept.forEach((c, k) => {
    const s = 1 / Math.sqrt(e0.values[c]);
    for (let i = 0; i < dim; i++) w[i * r + k] = e0.vectors[i * dim + c] * s;
  });
  // M = W^T C0t W (r x r).
  const cw = new Float64Array(dim * r);
  for (let i = 0; i < dim; i++) {
    for (let j = 0; j < dim; j++) {
      const v = c0t[i * dim + j];
      if (v === 0) continue;
      for (let k = 0; k < r; k++) cw[i * r + k] += v * w[j * r + k];
    }
  }
  const m = new Float64Array(r * r);
  for (let i = 0; i < dim; i++) {
    for (let k = 0; k < r; k++) {
      const wi = w[i * r + k];
      for (let l = 0; l < r; l++) m[k * r + l] += wi * cw[i * r + l];
    }
  }
  const e1 = symmetricEigen(m, r);
  const out = Math.min(opts.dim ?? r, r);
  const kinetic = (opts.scaling ?? "kinetic-map") === "kinetic-map";
  const comps = new Float64Array(dim * out);
  for (let i = 0; i < dim; i++) {
    for (let c = 0; c < out; c++) {
      let s = 0;
      for (let k = 0; k < r; k++) s += w[i * r + k] * e1.vectors[k * r + c];
      comps[i * out + c] = kinetic ? s * e1.values[c] : s;
    }
  }
  return {
    inputDim: dim,
    dim: out,
    lag,
    eigenvalues: e1.values.slice(0, out),
    mean,
    components: comps,
    transform(x) {
      const n = x.length / dim;
      const y = new Float64Array(n * out);
      for (let f = 0; f < n; f++) {
        for (let i = 0; i < dim; i++) {
          const v = x[f * dim + i] - mean[i];
          if (v === 0) continue;
          for (let c = 0; c < out; c++) y[f * out + c] += v * comps[i * out + c];
        }
      }
      return y;
    },
  };
}
