/**
 * Markov state models from discrete trajectories (basins.md section 4.1): sliding-window
 * transition counts, connected sets, the reversible maximum-likelihood estimator (fixed-point
 * iteration of Prinz et al., JCP 134, 174105, 2011) and the spectrum of a reversible matrix.
 * @module
 */
import { symmetricEigen } from "../linalg/dense.ts";

/**
 * Sliding-window count matrix C_ij = #{t : s_t = i, s_{t+lag} = j} over trajectories.
 *
 * @example
 * ```ts
 * countMatrix([Int32Array.of(0, 1, 1, 0)], 2, 1); // [0, 1, 1, 1]
 * ```
 */
export function countMatrix(
  dtrajs: readonly ArrayLike<number>[],
  n: number,
  lag: number,
): Float64Array {
  if (!(Number.isInteger(lag) && lag >= 1)) {
    throw new Error(`countMatrix: lag must be an integer >= 1, got ${lag}`);
  }
  const c = new Float64Array(n * n);
  for (const s of dtrajs) {
    for (let t = 0; t + lag < s.length; t++) {
      const a = s[t], b = s[t + lag];
      if (!(a >= 0 && a < n && b >= 0 && b < n)) {
        throw new Error(`countMatrix: state ${a < 0 || a >= n ? a : b} outside [0, ${n})`);
      }
      c[a * n + b]++;
    }
  }
  return c;
}

/**
 * Connected components of the undirected graph with an edge where C_ij + C_ji > 0 (the sets on
 * which a reversible estimate exists), largest first; states without counts are singletons.
 *
 * @example
 * ```ts
 * connectedSets(Float64Array.of(1, 0, 0, 1), 2); // [[0], [1]]
 * ```
 */
export function connectedSets(c: ArrayLike<number>, n: number): number[][] {
  const comp = new Int32Array(n).fill(-1);
  const sets: number[][] = [];
  for (let s = 0; s < n; s++) {
    if (comp[s] >= 0) continue;
    const set = [s];
    comp[s] = sets.length;
    for (let q = 0; q < set.length; q++) {
      const i = set[q];
      for (let j = 0; j < n; j++) {
        if (comp[j] < 0 && c[i * n + j] + c[j * n + i] > 0) {
          comp[j] = sets.length;
          set.push(j);
        }
      }
    }
    sets.push(set.sort((a, b) => a - b));
  }
  return sets.sort((a, b) => b.length - a.length || a[0] - b[0]);
}

/** A reversible Markov state model. */
export interface ReversibleMsm {
  /** Number of states. */
  readonly n: number;
  /** Transition matrix, row-major, rows sum to 1. */
  readonly transition: Float64Array;
  /** Stationary distribution; detailed balance pi_i T_ij = pi_j T_ji holds. */
  readonly stationary: Float64Array;
  /** Fixed-point iterations used (summed over connected sets). */
  readonly iterations: number;
}

/**
 * Reversible maximum-likelihood transition matrix for counts C on each connected set (sets are
 * estimated separately and weighted by their share of counts, so a reducible count matrix gives a
 * block-diagonal T). Iterates pi_i <- sum_j (C_ij + C_ji) / (c_i / pi_i + c_j / pi_j) until the
 * relative change is below tol, then T_ij = X_ij / sum_k X_ik with the symmetric
 * X_ij = (C_ij + C_ji) / (c_i / pi_i + c_j / pi_j). States without counts stay absorbing.
 *
 * @example
 * ```ts
 * const m = reversibleMle(Float64Array.of(8, 2, 2, 8), 2);
 * m.transition; // [0.8, 0.2, 0.2, 0.8]
 * ```
 */
export function reversibleMle(
  c: ArrayLike<number>,
  n: number,
  tol = 1e-12,
  maxIter = 100000,
): ReversibleMsm {
  if (c.length !== n * n) {
    throw new Error(`reversibleMle: counts have ${c.length} values, expected ${n} x ${n}`);
  }
  const t = new Float64Array(n * n);
  const pi = new Float64Array(n);
  const total = Array.from(c).reduce((a, b) => a + b, 0);
  let iterations = 0;
  for (const set of connectedSets(c, n)) {
    const m = set.length;
    const cs = new Float64Array(m * m);
    for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) cs[a * m + b] = c[set[a] * n + set[b]];
    const rowSum = new Float64Array(m);
    const sym = new Float64Array(m * m);
    let mass = 0;
    for (let a = 0; a < m; a++) {
      for (let b = 0; b < m; b++) {
        rowSum[a] += cs[a * m + b];
        sym[a * m + b] = cs[a * m + b] + cs[b * m + a];
        mass += cs[a * m + b];
      }
    }
    if (mass === 0) {
      for (const s of set) t[s * n + s] = 1;
      continue;
    }
    let p = new Float64Array(m);
    for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) p[a] += sym[a * m + b];
    let z = p.reduce((x, y) => x + y, 0);
    for (let a = 0; a < m; a++) p[a] /= z;
    for (let it = 0; it < maxIter; it++) {
      iterations++;
      const q = new Float64Array(m);
      for (let a = 0; a < m; a++) {
        if (p[a] === 0) continue;
        for (let b = 0; b < m; b++) {
          const s = sym[a * m + b];
          if (s === 0) continue;
          const den = rowSum[a] / p[a] + (p[b] > 0 ? rowSum[b] / p[b] : Infinity);
          q[a] += s / den;
        }
      }
      z = q.reduce((x, y) => x + y, 0);
      let change = 0;
      for (let a = 0; a < m; a++) {
        q[a] /= z;
        if (p[a] > 0) change = Math.max(change, Math.abs(q[a] - p[a]) / p[a]);
      }
      p = q;
      if (change < tol) break;
    }
    for (let a = 0; a < m; a++) {
      let row = 0;
      const x = new Float64Array(m);
      for (let b = 0; b < m; b++) {
        const s = sym[a * m + b];
        if (s === 0 || p[a] === 0 || p[b] === 0) continue;
        x[b] = s / (rowSum[a] / p[a] + rowSum[b] / p[b]);
        row += x[b];
      }
      if (row === 0) t[set[a] * n + set[a]] = 1;
      else for (let b = 0; b < m; b++) t[set[a] * n + set[b]] = x[b] / row;
      pi[set[a]] = p[a] * (mass / total);
    }
  }
  return { n, transition: t, stationary: pi, iterations };
}

/**
 * Non-reversible maximum-likelihood estimate T_ij = C_ij / c_i (absorbing where a row is empty).
 *
 * @example
 * ```ts
 * nonReversibleMle(Float64Array.of(1, 3, 0, 0), 2); // [0.25, 0.75, 0, 1]
 * ```
 */
export function nonReversibleMle(c: ArrayLike<number>, n: number): Float64Array {
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += c[i * n + j];
    if (s === 0) t[i * n + i] = 1;
    else for (let j = 0; j < n; j++) t[i * n + j] = c[i * n + j] / s;
  }
  return t;
}

/** Spectrum of a reversible transition matrix. */
export interface ReversibleSpectrum {
  /** Eigenvalues, largest first. */
  readonly values: Float64Array;
  /**
   * Right eigenvectors as columns [n, n], pi-orthonormal (<v_a, v_b>_pi = delta_ab). Zero rows
   * where pi = 0.
   */
  readonly right: Float64Array;
}

/**
 * Eigen-decomposition of a reversible T through the symmetric S = D^(1/2) T D^(-1/2),
 * D = diag(pi): right eigenvectors v = D^(-1/2) u are pi-orthonormal.
 *
 * @example
 * ```ts
 * reversibleSpectrum(Float64Array.of(0.9, 0.1, 0.1, 0.9), Float64Array.of(0.5, 0.5), 2).values; // [1, 0.8]
 * ```
 */
export function reversibleSpectrum(
  t: ArrayLike<number>,
  pi: ArrayLike<number>,
  n: number,
): ReversibleSpectrum {
  const sq = Float64Array.from(pi, (p) => Math.sqrt(Math.max(p, 0)));
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      s[i * n + j] = sq[j] > 0 && sq[i] > 0 ? (sq[i] * t[i * n + j]) / sq[j] : 0;
    }
  }
  const e = symmetricEigen(s, n);
  const right = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    if (sq[i] === 0) continue;
    for (let c = 0; c < n; c++) right[i * n + c] = e.vectors[i * n + c] / sq[i];
  }
  return { values: e.values, right };
}

/**
 * Number of metastable sets by the largest spectral gap: the m in [minSets, maxSets] that
 * maximises lambda_m - lambda_(m+1) (eigenvalues sorted, lambda_1 = 1).
 *
 * @example
 * ```ts
 * spectralGapCount(Float64Array.of(1, 0.99, 0.98, 0.3, 0.2), 1, 4); // 3
 * ```
 */
export function spectralGapCount(values: ArrayLike<number>, minSets = 1, maxSets = 10): number {
  let best = minSets, gap = -Infinity;
  for (let m = minSets; m <= Math.min(maxSets, values.length - 1); m++) {
    const g = values[m - 1] - values[m];
    if (g > gap) [best, gap] = [m, g];
  }
  return best;
}
