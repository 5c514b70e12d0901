/**
 * PCCA+ (Deuflhard & Weber 2005; Röblitz & Weber 2013): fuzzy metastable memberships
 * chi = X A from the dominant right eigenvectors X of a transition matrix. The inner simplex
 * algorithm gives a feasible start; Nelder–Mead then maximises the crispness objective
 * sum_ij A_ji^2 / A_0i over the free (m-1) x (m-1) block, as deeptime/msmtools do.
 * @module
 */
import { invert, matMul } from "../linalg/dense.ts";
import { reversibleSpectrum } from "./msm.ts";

/** PCCA+ result. */
export interface PccaResult {
  /** Number of sets m. */
  readonly m: number;
  /** Memberships chi [n, m], rows sum to 1, entries in [0, 1]. */
  readonly memberships: Float64Array;
  /** Crisp assignment argmax_j chi_ij. */
  readonly assignments: Int32Array;
  /** The leading eigenvalues used (length m; 1s for a dominant invariant subspace). */
  readonly eigenvalues: Float64Array;
}

/**
 * Dominant invariant subspace of a (possibly non-reversible) stochastic matrix by orthogonal
 * iteration Q <- orth(T Q); columns orthonormal in the weights w. The first column is the
 * constant vector. Used when T is not reversible (e.g. absorbing chains).
 */
function dominantSubspace(
  t: ArrayLike<number>,
  n: number,
  m: number,
  w: Float64Array,
  maxIter = 200000,
): Float64Array {
  // Start: constant + deterministic pseudo-random columns.
  let q: Float64Array = new Float64Array(n * m);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    q[i * m] = 1;
    for (let c = 1; c < m; c++) {
      s = (s * 16807) % 2147483647;
      q[i * m + c] = s / 2147483647 - 0.5;
    }
  }
  orthonormalize(q, n, m, w);
  for (let it = 0; it < maxIter; it++) {
    const next = matMul(t, q, n, n, m);
    for (let i = 0; i < n; i++) next[i * m] = 1; // T 1 = 1 exactly
    orthonormalize(next, n, m, w);
    // Converged when the new columns lie in the old span.
    let res = 0;
    for (let c = 1; c < m; c++) {
      const proj = new Float64Array(n);
      for (let b = 0; b < m; b++) {
        let d = 0;
        for (let i = 0; i < n; i++) d += w[i] * q[i * m + b] * next[i * m + c];
        for (let i = 0; i < n; i++) proj[i] += d * q[i * m + b];
      }
      for (let i = 0; i < n; i++) res = Math.max(res, Math.abs(proj[i] - next[i * m + c]));
    }
    q = next;
    if (res < 1e-13) break;
  }
  return q;
}

/** Gram–Schmidt of the columns of q [n, m] in the inner product sum_i w_i a_i b_i. */
function orthonormalize(q: Float64Array, n: number, m: number, w: Float64Array): void {
  for (let c = 0; c < m; c++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let b = 0; b < c; b++) {
        let d = 0;
        for (let i = 0; i < n; i++) d += w[i] * q[i * m + b] * q[i * m + c];
        for (let i = 0; i < n; i++) q[i * m + c] -= d * q[i * m + b];
      }
    }
    let nrm = 0;
    for (let i = 0; i < n; i++) nrm += w[i] * q[i * m + c] ** 2;
    nrm = Math.sqrt(nrm);
    if (nrm < 1e-300) throw new Error("pcca: eigenvector basis is degenerate");
    for (let i = 0; i < n; i++) q[i * m + c] /= nrm;
  }
}

/** Inner simplex algorithm: indices of the m rows of X that span the simplex best. */
function innerSimplexIndices(x: Float64Array, n: number, m: number): number[] {
  const o = Float64Array.from(x);
  const idx = [0];
  let maxD = -1;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < m; c++) s += o[i * m + c] ** 2;
    if (s > maxD) [maxD, idx[0]] = [s, i];
  }
  const origin = o.slice(idx[0] * m, idx[0] * m + m);
  for (let i = 0; i < n; i++) for (let c = 0; c < m; c++) o[i * m + c] -= origin[c];
  for (let k = 1; k < m; k++) {
    const tmp = o.slice(idx[k - 1] * m, idx[k - 1] * m + m);
    let best = -1, bi = 0;
    for (let i = 0; i < n; i++) {
      let d = 0;
      for (let c = 0; c < m; c++) d += tmp[c] * o[i * m + c];
      let s = 0;
      for (let c = 0; c < m; c++) {
        o[i * m + c] -= tmp[c] * d;
        s += o[i * m + c] ** 2;
      }
      if (s > best) [best, bi] = [s, i];
    }
    idx.push(bi);
    const sc = 1 / Math.sqrt(Math.max(best, 1e-300));
    for (let i = 0; i < n * m; i++) o[i] *= sc;
  }
  return idx;
}

/** Completes A from its lower (m-1) x (m-1) block so that chi = X A is feasible. */
function fillA(a: Float64Array, x: Float64Array, n: number, m: number): void {
  for (let r = 1; r < m; r++) {
    let s = 0;
    for (let c = 1; c < m; c++) s += a[r * m + c];
    a[r * m] = -s;
  }
  for (let c = 0; c < m; c++) {
    let mx = -Infinity;
    for (let i = 0; i < n; i++) {
      let d = 0;
      for (let k = 1; k < m; k++) d += x[i * m + k] * a[k * m + c];
      if (-d > mx) mx = -d;
    }
    a[c] = mx;
  }
  let z = 0;
  for (let c = 0; c < m; c++) z += a[c];
  for (let i = 0; i < m * m; i++) a[i] /= z;
}

function crispness(a: Float64Array, m: number): number {
  let r = 0;
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) r += (a[j * m + i] ** 2) / a[i];
  return r;
}

/** Nelder–Mead minimisation (standard coefficients), deterministic. */
function nelderMead(
  f: (p: Float64Array) => number,
  x0: Float64Array,
  maxEval: number,
): Float64Array {
  const d = x0.length;
  const pts: Float64Array[] = [Float64Array.from(x0)];
  for (let i = 0; i < d; i++) {
    const p = Float64Array.from(x0);
    p[i] = p[i] !== 0 ? p[i] * 1.05 : 0.00025;
    pts.push(p);
  }
  let vals = pts.map(f);
  let evals = d + 1;
  while (evals < maxEval) {
    const order = vals.map((_v, i) => i).sort((a, b) => vals[a] - vals[b]);
    const sp = order.map((i) => pts[i]);
    vals = order.map((i) => vals[i]);
    pts.splice(0, pts.length, ...sp);
    if (Math.abs(vals[d] - vals[0]) < 1e-10 * (Math.abs(vals[0]) + 1e-10)) break;
    const cen = new Float64Array(d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) cen[j] += pts[i][j] / d;
    const at = (t: number) => cen.map((c, j) => c + t * (pts[d][j] - c));
    const xr = at(-1), fr = f(xr);
    evals++;
    if (fr < vals[0]) {
      const xe = at(-2), fe = f(xe);
      evals++;
      [pts[d], vals[d]] = fe < fr ? [xe, fe] : [xr, fr];
    } else if (fr < vals[d - 1]) [pts[d], vals[d]] = [xr, fr];
    else {
      const xc = fr < vals[d] ? at(-0.5) : at(0.5), fc = f(xc);
      evals++;
      if (fc < Math.min(fr, vals[d])) [pts[d], vals[d]] = [xc, fc];
      else {
        for (let i = 1; i <= d; i++) {
          pts[i] = pts[i].map((v, j) => pts[0][j] + 0.5 * (v - pts[0][j]));
          vals[i] = f(pts[i]);
          evals++;
        }
      }
    }
  }
  let b = 0;
  for (let i = 1; i < vals.length; i++) if (vals[i] < vals[b]) b = i;
  return pts[b];
}

/**
 * PCCA+ from a basis X [n, m] of the dominant invariant subspace whose first column is
 * constant.
 */
export function pccaFromBasis(
  x: Float64Array,
  n: number,
  m: number,
  optimize = true,
): Float64Array {
  if (m === 1) return new Float64Array(n).fill(1);
  const idx = innerSimplexIndices(x, n, m);
  const sub = new Float64Array(m * m);
  for (let r = 0; r < m; r++) for (let c = 0; c < m; c++) sub[r * m + c] = x[idx[r] * m + c];
  let a: Float64Array;
  try {
    a = invert(sub, m);
  } catch {
    throw new Error(`pcca: ${m} sets are not supported by the eigenvectors (no simplex found)`);
  }
  if (optimize) {
    const objective = (p: Float64Array) => {
      const b = Float64Array.from(a);
      for (let r = 1; r < m; r++) {
        for (let c = 1; c < m; c++) b[r * m + c] = p[(r - 1) * (m - 1) + c - 1];
      }
      fillA(b, x, n, m);
      const v = crispness(b, m);
      return Number.isFinite(v) ? -v : Infinity;
    };
    const p0 = new Float64Array((m - 1) * (m - 1));
    for (let r = 1; r < m; r++) {
      for (let c = 1; c < m; c++) p0[(r - 1) * (m - 1) + c - 1] = a[r * m + c];
    }
    const p = nelderMead(objective, p0, 2000 * m * m);
    for (let r = 1; r < m; r++) {
      for (let c = 1; c < m; c++) a[r * m + c] = p[(r - 1) * (m - 1) + c - 1];
    }
    fillA(a, x, n, m);
  }
  const chi = matMul(x, a, n, m, m);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < m; c++) {
      chi[i * m + c] = Math.min(1, Math.max(0, chi[i * m + c]));
      s += chi[i * m + c];
    }
    for (let c = 0; c < m; c++) chi[i * m + c] = s > 0 ? chi[i * m + c] / s : 1 / m;
  }
  return chi;
}

/** Options of {@link pcca}. */
export interface PccaOptions {
  /** Stationary distribution of a reversible T: the eigenvectors then come from the symmetric form. */
  readonly stationary?: ArrayLike<number>;
  /** Run the Nelder–Mead crispness optimisation (default true). */
  readonly optimize?: boolean;
}

/**
 * PCCA+ memberships of a transition matrix T [n, n] into m metastable sets. With `stationary`
 * (a reversible T), X is the first m pi-orthonormal right eigenvectors; otherwise X spans the
 * dominant invariant subspace found by orthogonal iteration (so absorbing, non-reversible
 * chains work: memberships are then absorption probabilities).
 *
 * @example
 * ```ts
 * const eps = 0.01;
 * const t = Float64Array.of(1 - eps, eps, 0, 0, eps, 1 - 2 * eps, eps, 0, 0, eps, 1 - 2 * eps, eps, 0, 0, eps, 1 - eps);
 * pcca(t, 4, 2).assignments; // two sets of two states
 * ```
 */
export function pcca(
  t: ArrayLike<number>,
  n: number,
  m: number,
  opts: PccaOptions = {},
): PccaResult {
  if (!(Number.isInteger(m) && m >= 1 && m <= n)) {
    throw new Error(`pcca: number of sets must be an integer in [1, ${n}], got ${m}`);
  }
  let x: Float64Array;
  let ev: Float64Array;
  if (opts.stationary) {
    const pi = Float64Array.from(opts.stationary);
    const sp = reversibleSpectrum(t, pi, n);
    x = new Float64Array(n * m);
    for (let i = 0; i < n; i++) for (let c = 0; c < m; c++) x[i * m + c] = sp.right[i * n + c];
    // Put the constant vector first (it lies in the span of the eigenvalue-1 space), then
    // re-orthonormalise the rest against it; states with pi = 0 get weight epsilon.
    const w = Float64Array.from(pi, (p) => Math.max(p, 1e-300));
    for (let i = 0; i < n; i++) x[i * m] = 1;
    orthonormalize(x, n, m, w);
    ev = sp.values.slice(0, m);
  } else {
    const w = new Float64Array(n).fill(1 / n);
    x = dominantSubspace(t, n, m, w);
    ev = new Float64Array(m).fill(1);
  }
  const chi = pccaFromBasis(x, n, m, opts.optimize ?? true);
  const assignments = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let b = 0;
    for (let c = 1; c < m; c++) if (chi[i * m + c] > chi[i * m + b]) b = c;
    assignments[i] = b;
  }
  return { m, memberships: chi, assignments, eigenvalues: ev };
}
