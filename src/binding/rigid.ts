/**
 * Rigid-body maths on CPU in float64: the exponential and log maps of SO(3) (Rodrigues), rigid
 * motions of point sets, centroids, inertia tensors, Kabsch alignment and RMSD.
 * Coordinates are flat arrays [x0, y0, z0, x1, ...].
 * @module
 */

/** A 3-vector. */
export type Vec3 = [number, number, number];
/** A 3x3 matrix, row-major, 9 numbers. */
export type Mat3 = number[];

/** Cross product a x b. */
export function cross(a: ArrayLike<number>, b: ArrayLike<number>): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/** Row-major 3x3 product a b. */
export function matMul3(a: Mat3, b: Mat3): Mat3 {
  const c = new Array(9).fill(0);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      for (let k = 0; k < 3; k++) c[3 * i + j] += a[3 * i + k] * b[3 * k + j];
    }
  }
  return c;
}

/** Transpose of a 3x3 matrix. */
export function transpose3(a: Mat3): Mat3 {
  return [a[0], a[3], a[6], a[1], a[4], a[7], a[2], a[5], a[8]];
}

/** R v. */
export function matVec3(r: Mat3, v: ArrayLike<number>): Vec3 {
  return [
    r[0] * v[0] + r[1] * v[1] + r[2] * v[2],
    r[3] * v[0] + r[4] * v[1] + r[5] * v[2],
    r[6] * v[0] + r[7] * v[1] + r[8] * v[2],
  ];
}

/**
 * Exponential map so(3) -> SO(3) by Rodrigues' formula: the rotation by |w| about w/|w|,
 * R = I + (sin t / t) [w]x + ((1 - cos t) / t^2) [w]x^2 with t = |w| (series near 0).
 *
 * @example
 * ```ts
 * import { expSO3 } from "./mod.ts";
 * const r = expSO3([0, 0, Math.PI / 2]); // x -> y
 * ```
 */
export function expSO3(w: ArrayLike<number>): Mat3 {
  const t2 = w[0] * w[0] + w[1] * w[1] + w[2] * w[2], t = Math.sqrt(t2);
  const a = t < 1e-4 ? 1 - t2 / 6 + t2 * t2 / 120 : Math.sin(t) / t;
  const b = t < 1e-4 ? 0.5 - t2 / 24 + t2 * t2 / 720 : (1 - Math.cos(t)) / t2;
  const [x, y, z] = [w[0], w[1], w[2]];
  // [w]x = [[0,-z,y],[z,0,-x],[-y,x,0]]; [w]x^2 = w w^T - t^2 I.
  return [
    1 + b * (x * x - t2),
    -a * z + b * x * y,
    a * y + b * x * z,
    a * z + b * x * y,
    1 + b * (y * y - t2),
    -a * x + b * y * z,
    -a * y + b * x * z,
    a * x + b * y * z,
    1 + b * (z * z - t2),
  ];
}

/**
 * Log map SO(3) -> so(3): the rotation vector w (|w| in [0, pi]) with expSO3(w) = R. Near pi
 * the axis comes from the symmetric part, where the antisymmetric part vanishes.
 *
 * @example
 * ```ts
 * import { expSO3, logSO3 } from "./mod.ts";
 * const w = logSO3(expSO3([0.1, -0.2, 0.3])); // [0.1, -0.2, 0.3]
 * ```
 */
export function logSO3(r: Mat3): Vec3 {
  const c = Math.min(1, Math.max(-1, (r[0] + r[4] + r[8] - 1) / 2));
  const v: Vec3 = [r[7] - r[5], r[2] - r[6], r[3] - r[1]]; // 2 sin(t) axis
  const s = Math.hypot(v[0], v[1], v[2]) / 2;
  const t = Math.atan2(s, c);
  if (t < 1e-6) return [v[0] / 2, v[1] / 2, v[2] / 2];
  if (t < Math.PI - 1e-3) {
    const k = t / (2 * Math.sin(t));
    return [v[0] * k, v[1] * k, v[2] * k];
  }
  // Near pi: (R + R^T)/2 = c I + (1 - c) a a^T, so column i of (sym - c I) is a_i (1 - c) a, with
  // i the largest diagonal entry for conditioning.
  const d = [r[0] - c, r[4] - c, r[8] - c];
  const i = d[0] >= d[1] && d[0] >= d[2] ? 0 : d[1] >= d[2] ? 1 : 2;
  const sym = (p: number, q: number) => (r[3 * p + q] + r[3 * q + p]) / 2 - (p === q ? c : 0);
  const a: Vec3 = [sym(0, i), sym(1, i), sym(2, i)];
  const n = Math.hypot(a[0], a[1], a[2]);
  let axis: Vec3 = [a[0] / n, a[1] / n, a[2] / n];
  // The sign of the axis is fixed by the (small) antisymmetric part when it is not zero.
  if (axis[0] * v[0] + axis[1] * v[1] + axis[2] * v[2] < 0) axis = [-axis[0], -axis[1], -axis[2]];
  return [axis[0] * t, axis[1] * t, axis[2] * t];
}

/** Mean of the points (rows) of a flat coordinate array. */
export function centroid(x: ArrayLike<number>): Vec3 {
  const n = x.length / 3, c: Vec3 = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) c[k] += x[3 * i + k];
  return [c[0] / n, c[1] / n, c[2] / n];
}

/**
 * Applies x -> R (x - center) + center + t to every point.
 *
 * @example
 * ```ts
 * import { expSO3, rigidMotion } from "./mod.ts";
 * const y = rigidMotion(new Float64Array([1, 0, 0]), expSO3([0, 0, 1]), [0, 0, 0], [0, 0, 0]);
 * ```
 */
export function rigidMotion(
  x: ArrayLike<number>,
  r: Mat3,
  center: ArrayLike<number>,
  t: ArrayLike<number>,
): Float64Array {
  const n = x.length / 3, y = new Float64Array(x.length);
  for (let i = 0; i < n; i++) {
    const d = [x[3 * i] - center[0], x[3 * i + 1] - center[1], x[3 * i + 2] - center[2]];
    const rd = matVec3(r, d);
    for (let k = 0; k < 3; k++) y[3 * i + k] = rd[k] + center[k] + t[k];
  }
  return y;
}

/** Rotates every row of a flat array of vectors (no centre, no shift). */
export function rotateVectors(v: ArrayLike<number>, r: Mat3): Float64Array {
  return rigidMotion(v, r, [0, 0, 0], [0, 0, 0]);
}

/** Inertia tensor sum_i (|r_i|^2 I - r_i r_i^T) about `center`, unit masses. */
export function inertia(x: ArrayLike<number>, center: ArrayLike<number>): Mat3 {
  const m = new Array(9).fill(0);
  for (let i = 0; i < x.length / 3; i++) {
    const r = [x[3 * i] - center[0], x[3 * i + 1] - center[1], x[3 * i + 2] - center[2]];
    const r2 = r[0] * r[0] + r[1] * r[1] + r[2] * r[2];
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) m[3 * a + b] += (a === b ? r2 : 0) - r[a] * r[b];
    }
  }
  return m;
}

/** Solves the 3x3 system A x = b by Cramer's rule (A symmetric positive definite here). */
export function solve3(a: Mat3, b: ArrayLike<number>): Vec3 {
  return matVec3(inverse3(a), b);
}

/** Determinant of a 3x3 row-major matrix. */
export function det3(a: Mat3): number {
  return a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) +
    a[2] * (a[3] * a[7] - a[4] * a[6]);
}

/** Inverse of a 3x3 row-major matrix by its adjugate (no check for singularity). */
export function inverse3(a: Mat3): Mat3 {
  const det = det3(a);
  return [
    a[4] * a[8] - a[5] * a[7],
    a[2] * a[7] - a[1] * a[8],
    a[1] * a[5] - a[2] * a[4],
    a[5] * a[6] - a[3] * a[8],
    a[0] * a[8] - a[2] * a[6],
    a[2] * a[3] - a[0] * a[5],
    a[3] * a[7] - a[4] * a[6],
    a[1] * a[6] - a[0] * a[7],
    a[0] * a[4] - a[1] * a[3],
  ].map((v) => v / det);
}

/** Root-mean-square deviation between two equally long point sets (no alignment). */
export function rmsd(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s / (a.length / 3));
}

/** Eigen-decomposition of a symmetric n x n matrix by cyclic Jacobi; columns of `vectors`. */
export function jacobiEigen(a: number[], n: number): { values: number[]; vectors: number[] } {
  const m = a.slice(), v = new Array(n * n).fill(0);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (m[q * n + q] - m[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = m[k * n + p], akq = m[k * n + q];
          m[k * n + p] = c * akp - s * akq;
          m[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = m[p * n + k], aqk = m[q * n + k];
          m[p * n + k] = c * apk - s * aqk;
          m[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p], vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: Array.from({ length: n }, (_, i) => m[i * n + i]), vectors: v };
}

/**
 * Kabsch alignment: the proper rotation R and shift t minimising sum |R p_i + t - q_i|^2,
 * found as the top eigenvector (a unit quaternion) of Horn's 4x4 matrix, which excludes
 * reflections by construction. Returns the RMSD after alignment too.
 *
 * @example
 * ```ts
 * import { expSO3, kabsch, rigidMotion } from "./mod.ts";
 * const p = new Float64Array([0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3]);
 * const q = rigidMotion(p, expSO3([0.3, 0, 0]), [0, 0, 0], [1, 2, 3]);
 * const { r, rmsd } = kabsch(p, q); // q = R p + t, rmsd ~ 0
 * ```
 */
export function kabsch(
  p: ArrayLike<number>,
  q: ArrayLike<number>,
): { r: Mat3; t: Vec3; rmsd: number } {
  const cp = centroid(p), cq = centroid(q), n = p.length / 3;
  const s = new Array(9).fill(0); // S_ab = sum p_a q_b (centred)
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) {
        s[3 * a + b] += (p[3 * i + a] - cp[a]) * (q[3 * i + b] - cq[b]);
      }
    }
  }
  const [xx, xy, xz, yx, yy, yz, zx, zy, zz] = s;
  const k = [
    xx + yy + zz,
    yz - zy,
    zx - xz,
    xy - yx,
    yz - zy,
    xx - yy - zz,
    xy + yx,
    zx + xz,
    zx - xz,
    xy + yx,
    -xx + yy - zz,
    yz + zy,
    xy - yx,
    zx + xz,
    yz + zy,
    -xx - yy + zz,
  ];
  const { values, vectors } = jacobiEigen(k, 4);
  let best = 0;
  for (let i = 1; i < 4; i++) if (values[i] > values[best]) best = i;
  const [w, x, y, z] = [0, 1, 2, 3].map((i) => vectors[i * 4 + best]);
  const r: Mat3 = [
    1 - 2 * (y * y + z * z),
    2 * (x * y - w * z),
    2 * (x * z + w * y),
    2 * (x * y + w * z),
    1 - 2 * (x * x + z * z),
    2 * (y * z - w * x),
    2 * (x * z - w * y),
    2 * (y * z + w * x),
    1 - 2 * (x * x + y * y),
  ];
  const rc = matVec3(r, cp);
  const t: Vec3 = [cq[0] - rc[0], cq[1] - rc[1], cq[2] - rc[2]];
  const moved = rigidMotion(p, r, [0, 0, 0], t);
  return { r, t, rmsd: rmsd(moved, q) };
}
