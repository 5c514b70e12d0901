/**
 * Ground-truth basins of the noiseless gradient flow: error-controlled integration of
 * dx/ds = -grad V from a point to a minimum, labelling by the minimum reached, and minimum
 * discovery by quenching.
 * @module
 */
import { morseIndex, refineCritical } from "./critical_points.ts";
import type { Potential, PotentialCore } from "./potential.ts";

/** Options for {@link descend}. */
export interface DescentOptions {
  /** Converged when |grad V|_inf <= gradTol (default 1e-8). */
  readonly gradTol?: number;
  /** Local error allowed per step, in x units, max-norm (default 1e-4). */
  readonly pathTol?: number;
  /** Also stops when a step would move less than stepTol (default 1e-12); ends at cusps. */
  readonly stepTol?: number;
  /** Step cap (default 50000). */
  readonly maxIter?: number;
  /** First flow-time step h (default 1e-4); adapted as it goes. */
  readonly initialStep?: number;
}

/** Where a descent ended. */
export interface DescentResult {
  readonly x: Float64Array;
  readonly energy: number;
  /** Steps taken, accepted or rejected. */
  readonly iterations: number;
  /** True if it stopped on the gradient or step tolerance, false at the step cap. */
  readonly converged: boolean;
}

function infNorm(g: Float64Array): number {
  let m = 0;
  for (let i = 0; i < g.length; i++) m = Math.max(m, Math.abs(g[i]));
  return m;
}

/**
 * Follows the gradient flow dx/ds = -grad V to a minimum with an adaptive Heun–Euler pair
 * (error = the gap between the Euler and Heun steps). A step is accepted only if that gap is
 * within `pathTol` and V does not increase. A plain line search can jump over a ridge into
 * another basin (e.g. straight through the folding model's origin); following the flow with
 * error control cannot, except within `pathTol` of a separatrix.
 *
 * @example
 * ```ts
 * import { doubleWell } from "./wells.ts";
 * descend(doubleWell(), Float64Array.of(0.3)).x; // ~ [1]
 * ```
 */
export function descend(
  p: PotentialCore,
  x0: ArrayLike<number>,
  opts: DescentOptions = {},
): DescentResult {
  const gradTol = opts.gradTol ?? 1e-8;
  const pathTol = opts.pathTol ?? 1e-4;
  const stepTol = opts.stepTol ?? 1e-12;
  const maxIter = opts.maxIter ?? 50000;
  const n = p.dim;
  if (x0.length !== n) {
    throw new Error(`descend(${p.name}): start has length ${x0.length}, expected ${n}`);
  }
  const x = Float64Array.from(x0);
  const xe = new Float64Array(n);
  const xh = new Float64Array(n);
  const g = new Float64Array(n);
  const ge = new Float64Array(n);
  let h = opts.initialStep ?? 1e-4;
  let v = p.energy(x);
  if (!Number.isFinite(v)) {
    throw new Error(`descend(${p.name}): energy at the start is ${v}, expected finite`);
  }
  p.gradient(x, g);
  for (let it = 0; it < maxIter; it++) {
    if (infNorm(g) <= gradTol) return { x, energy: v, iterations: it, converged: true };
    let g2 = 0;
    for (let i = 0; i < n; i++) g2 += g[i] * g[i];
    if (h * Math.sqrt(g2) < stepTol) return { x, energy: v, iterations: it, converged: true };
    for (let i = 0; i < n; i++) xe[i] = x[i] - h * g[i];
    p.gradient(xe, ge);
    let err = 0;
    for (let i = 0; i < n; i++) {
      xh[i] = x[i] - 0.5 * h * (g[i] + ge[i]);
      err = Math.max(err, Math.abs(xh[i] - xe[i]));
    }
    const vh = err <= pathTol ? p.energy(xh) : Infinity;
    if (err <= pathTol && vh <= v) {
      x.set(xh);
      v = vh;
      p.gradient(x, g);
      h *= Math.min(4, 0.9 * Math.sqrt(pathTol / Math.max(err, 1e-300)));
    } else {
      h *= err > pathTol ? Math.max(0.1, 0.9 * Math.sqrt(pathTol / err)) : 0.5;
    }
  }
  return { x, energy: v, iterations: maxIter, converged: false };
}

/** Options for {@link labelByDescent}. */
export interface LabelOptions extends DescentOptions {
  /** Return -1 when the end point is farther than this from every listed minimum (default Infinity). */
  readonly maxDistance?: number;
}

/** Index of the listed minimum nearest to x (or `p.basinOf(x)` when the potential has one). */
export function nearestMinimum(p: Potential, x: Float64Array, maxDistance = Infinity): number {
  if (p.basinOf) return p.basinOf(x);
  let best = -1;
  let bestD = Infinity;
  p.minima.forEach((m, k) => {
    let d = 0;
    for (let i = 0; i < p.dim; i++) d += (x[i] - m[i]) ** 2;
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  });
  return Math.sqrt(bestD) <= maxDistance ? best : -1;
}

/**
 * Ground-truth basin label: the index (into `p.minima`) of the minimum that steepest descent
 * from x reaches.
 *
 * @example
 * ```ts
 * import { mullerBrown } from "./muller_brown.ts";
 * labelByDescent(mullerBrown(), Float64Array.of(-0.5, 1.3)); // 0
 * ```
 */
export function labelByDescent(
  p: Potential,
  x: ArrayLike<number>,
  opts: LabelOptions = {},
): number {
  const r = descend(p, x, opts);
  return nearestMinimum(p, r.x, opts.maxDistance);
}

/**
 * Labels many points stored row-major in a flat array of n * dim values.
 *
 * @example
 * ```ts
 * import { quadrupleWell } from "./wells.ts";
 * labelByDescentBatch(quadrupleWell(), Float32Array.of(-0.5, -0.5, 0.5, 0.5)); // [0, 3]
 * ```
 */
export function labelByDescentBatch(
  p: Potential,
  xs: ArrayLike<number>,
  opts: LabelOptions = {},
): Int32Array {
  if (xs.length % p.dim !== 0) {
    throw new Error(
      `labelByDescentBatch(${p.name}): ${xs.length} values is not a multiple of dim ${p.dim}`,
    );
  }
  const n = xs.length / p.dim;
  const out = new Int32Array(n);
  const row = new Float64Array(p.dim);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < p.dim; i++) row[i] = xs[j * p.dim + i];
    out[j] = labelByDescent(p, row, opts);
  }
  return out;
}

/** Options for {@link findMinima}. */
export interface FindMinimaOptions extends DescentOptions {
  /** Quenched points closer than this are the same minimum (default 1e-5). */
  readonly dedupTol?: number;
  /** Polish each quenched point with Newton and drop non-minima (default true). */
  readonly refine?: boolean;
}

/**
 * Finds local minima by quenching every start with steepest descent, polishing with Newton and
 * removing duplicates. Order: first discovery.
 *
 * @example
 * ```ts
 * import { quadrupleWell } from "./wells.ts";
 * findMinima(quadrupleWell(), [[0.5, 0.5], [0.6, 0.4], [-0.5, 0.5]]).length; // 2
 * ```
 */
export function findMinima(
  p: PotentialCore,
  starts: readonly ArrayLike<number>[],
  opts: FindMinimaOptions = {},
): Float64Array[] {
  const tol = opts.dedupTol ?? 1e-5;
  const refine = opts.refine ?? true;
  const found: Float64Array[] = [];
  for (const s of starts) {
    let x = descend(p, s, opts).x;
    if (refine) {
      try {
        const y = refineCritical(p, x);
        if (morseIndex(p, y) !== 0) continue;
        x = y;
      } catch {
        // Non-smooth minima (cusps) defeat Newton; keep the quenched point.
      }
    }
    const dup = found.some((m) => {
      let d = 0;
      for (let i = 0; i < p.dim; i++) d += (m[i] - x[i]) ** 2;
      return Math.sqrt(d) < tol;
    });
    if (!dup) found.push(x);
  }
  return found;
}
