/**
 * Small dense linear algebra (row-major Float64Array, n x n), the one copy every domain uses:
 * a symmetric eigensolver (Householder tridiagonalisation + implicit QL, O(n^3), fine to
 * n ~ 1000), linear solves by Gaussian elimination with partial pivoting, Gauss–Jordan
 * inversion, products and covariance helpers.
 * @module
 */

/** Eigen-decomposition of a symmetric matrix: values descending, vectors as columns. */
export interface SymEigen {
  /** Eigenvalues, largest first. */
  readonly values: Float64Array;
  /** Eigenvectors as the columns of a row-major n x n matrix (orthonormal). */
  readonly vectors: Float64Array;
}

/**
 * Eigenvalues and orthonormal eigenvectors of a symmetric n x n matrix (row-major; only the
 * lower triangle is read after symmetrisation). Householder reduction to tridiagonal form and
 * the implicit QL algorithm (Wilkinson & Reinsch, Handbook for Automatic Computation II, 1971).
 *
 * @example
 * ```ts
 * const e = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2);
 * e.values; // [3, 1]
 * ```
 */
export function symmetricEigen(a: ArrayLike<number>, n: number): SymEigen {
  if (a.length !== n * n) {
    throw new Error(`symmetricEigen: matrix has ${a.length} values, expected ${n} x ${n}`);
  }
  // v holds the working matrix (row-major), ends as eigenvectors in columns.
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) v[i * n + j] = 0.5 * (a[i * n + j] + a[j * n + i]);
  }
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tred2(v, d, e, n);
  tql2(v, d, e, n);
  // Sort descending.
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[y] - d[x]);
  const values = Float64Array.from(order, (i) => d[i]);
  const vectors = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    const src = order[c];
    for (let r = 0; r < n; r++) vectors[r * n + c] = v[r * n + src];
  }
  return { values, vectors };
}

function tred2(V: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = V[(n - 1) * n + j];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = V[(i - 1) * n + j];
        V[i * n + j] = 0;
        V[j * n + i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        V[j * n + i] = f;
        g = e[j] + V[j * n + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[k * n + j] * d[k];
          e[k] += V[k * n + j] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) V[k * n + j] -= f * e[k] + g * d[k];
        d[j] = V[(i - 1) * n + j];
        V[i * n + j] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    V[(n - 1) * n + i] = V[i * n + i];
    V[i * n + i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[k * n + i + 1] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[k * n + i + 1] * V[k * n + j];
        for (let k = 0; k <= i; k++) V[k * n + j] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) V[k * n + i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[(n - 1) * n + j];
    V[(n - 1) * n + j] = 0;
  }
  V[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

function tql2(V: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 200) throw new Error("symmetricEigen: QL iteration did not converge");
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1, c2 = c, c3 = c;
        const el1 = e[l + 1];
        let s = 0, s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          for (let k = 0; k < n; k++) {
            const vk = V[k * n + i + 1];
            V[k * n + i + 1] = s * V[k * n + i] + c * vk;
            V[k * n + i] = c * V[k * n + i] - s * vk;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}

/**
 * Inverse of an n x n matrix by Gauss–Jordan elimination with partial pivoting.
 *
 * @example
 * ```ts
 * invert(Float64Array.of(2, 0, 0, 4), 2); // [0.5, 0, 0, 0.25]
 * ```
 */
export function invert(a: ArrayLike<number>, n: number): Float64Array {
  const m = Float64Array.from(a);
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]) > Math.abs(m[p * n + c])) p = r;
    if (Math.abs(m[p * n + c]) < 1e-300) throw new Error("invert: matrix is singular");
    if (p !== c) {
      for (let j = 0; j < n; j++) {
        [m[p * n + j], m[c * n + j]] = [m[c * n + j], m[p * n + j]];
        [inv[p * n + j], inv[c * n + j]] = [inv[c * n + j], inv[p * n + j]];
      }
    }
    const piv = 1 / m[c * n + c];
    for (let j = 0; j < n; j++) {
      m[c * n + j] *= piv;
      inv[c * n + j] *= piv;
    }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r * n + c];
      if (f === 0) continue;
      for (let j = 0; j < n; j++) {
        m[r * n + j] -= f * m[c * n + j];
        inv[r * n + j] -= f * inv[c * n + j];
      }
    }
  }
  return inv;
}

/**
 * C = A B for row-major A [n, k] and B [k, m].
 *
 * @example
 * ```ts
 * matMul(Float64Array.of(1, 2), Float64Array.of(3, 4), 1, 2, 1); // [11]
 * ```
 */
export function matMul(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  n: number,
  k: number,
  m: number,
): Float64Array {
  const c = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let l = 0; l < k; l++) {
      const x = a[i * k + l];
      if (x === 0) continue;
      const cb = l * m, cc = i * m;
      for (let j = 0; j < m; j++) c[cc + j] += x * b[cb + j];
    }
  }
  return c;
}

/**
 * Column means of a row-major [n, d] data matrix.
 *
 * @example
 * ```ts
 * columnMeans(Float64Array.of(1, 2, 3, 4), 2, 2); // [2, 3]
 * ```
 */
export function columnMeans(x: ArrayLike<number>, n: number, d: number): Float64Array {
  const mu = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mu[j] += x[i * d + j];
  for (let j = 0; j < d; j++) mu[j] /= n;
  return mu;
}

/**
 * Column-major cross product: C = A B^T / scale for A [p, n] and B [q, n] given as rows of
 * length n (i.e. the transposed data). Each entry is one contiguous dot product, which keeps
 * this cache-friendly for D ~ 1000 features. With `symmetric` (A === B) only half is computed.
 *
 * @example
 * ```ts
 * crossRows(Float64Array.of(1, 2), Float64Array.of(3, 4), 1, 1, 2); // [11]
 * ```
 */
export function crossRows(
  a: Float64Array,
  b: Float64Array,
  p: number,
  q: number,
  n: number,
  symmetric = false,
): Float64Array {
  const c = new Float64Array(p * q);
  for (let i = 0; i < p; i++) {
    const oa = i * n;
    for (let j = symmetric ? i : 0; j < q; j++) {
      const ob = j * n;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let k = 0;
      for (; k + 3 < n; k += 4) {
        s0 += a[oa + k] * b[ob + k];
        s1 += a[oa + k + 1] * b[ob + k + 1];
        s2 += a[oa + k + 2] * b[ob + k + 2];
        s3 += a[oa + k + 3] * b[ob + k + 3];
      }
      for (; k < n; k++) s0 += a[oa + k] * b[ob + k];
      const s = s0 + s1 + s2 + s3;
      c[i * q + j] = s;
      if (symmetric) c[j * q + i] = s;
    }
  }
  return c;
}

/**
 * Solves A x = b (dense, Gaussian elimination with partial pivoting); A is n x n row-major and
 * is not modified. Throws a one-line error on a singular matrix.
 *
 * @example
 * ```ts
 * import { solveDense } from "./dense.ts";
 * solveDense(Float64Array.of(0, 1, 2, 0), Float64Array.of(3, 4), 2); // [2, 3]
 * ```
 */
export function solveDense(a: ArrayLike<number>, b: ArrayLike<number>, n: number): Float64Array {
  if (a.length !== n * n || b.length !== n) {
    throw new Error(
      `solveDense: got ${a.length} matrix and ${b.length} right-hand values, expected ${n} x ${n} and ${n}`,
    );
  }
  const A = Float64Array.from(a), x = Float64Array.from(b);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r * n + c]) > Math.abs(A[p * n + c])) p = r;
    if (Math.abs(A[p * n + c]) < 1e-300) {
      throw new Error(`solveDense: matrix is singular at column ${c}`);
    }
    if (p !== c) {
      for (let k = 0; k < n; k++) [A[c * n + k], A[p * n + k]] = [A[p * n + k], A[c * n + k]];
      [x[c], x[p]] = [x[p], x[c]];
    }
    const d = A[c * n + c];
    for (let r = c + 1; r < n; r++) {
      const f = A[r * n + c] / d;
      if (f === 0) continue;
      for (let k = c; k < n; k++) A[r * n + k] -= f * A[c * n + k];
      x[r] -= f * x[c];
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r];
    for (let k = r + 1; k < n; k++) s -= A[r * n + k] * x[k];
    x[r] = s / A[r * n + r];
  }
  return x;
}

/** Rows of a small matrix given as row arrays, flattened row-major (with its size). */
export function flattenRows(rows: readonly ArrayLike<number>[]): { data: Float64Array; n: number } {
  const n = rows.length;
  const data = new Float64Array(n * n);
  rows.forEach((r, i) => {
    if (r.length !== n) throw new Error(`row ${i} has ${r.length} values, expected ${n}`);
    data.set(Array.from(r), i * n);
  });
  return { data, n };
}
