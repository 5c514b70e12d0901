/**
 * Newton refinement of critical points (minima and saddles) and small symmetric eigenproblems.
 * Potentials use it to turn tabulated 3-decimal critical points into exact ones.
 * @module
 */
import { numericHessian, type PotentialCore } from "./potential.ts";
import { flattenRows, solveDense, symmetricEigen } from "../../linalg/dense.ts";

/** Options for {@link refineCritical}. */
export interface RefineOptions {
  /** Stop when |grad V|_inf <= gradTol (default 1e-11 times the energy scale). */
  readonly gradTol?: number;
  /** Newton iterations before giving up (default 50). */
  readonly maxIter?: number;
  /** Finite-difference step of the Hessian (default 1e-5). */
  readonly h?: number;
}

/** Solves A x = b (rows of A given as arrays) by `solveDense` of `src/linalg`; returns x. */
export function solveLinear(A: readonly Float64Array[], b: Float64Array): Float64Array {
  const { data, n } = flattenRows(A);
  return solveDense(data, b, n);
}

/**
 * Eigenvalues of a small symmetric matrix (rows given as arrays), ascending.
 *
 * @example
 * ```ts
 * import { symmetricEigenvalues } from "./critical_points.ts";
 * symmetricEigenvalues([Float64Array.of(2, 1), Float64Array.of(1, 2)]); // [1, 3]
 * ```
 */
export function symmetricEigenvalues(S: readonly Float64Array[]): Float64Array {
  const { data, n } = flattenRows(S);
  return symmetricEigen(data, n).values.reverse();
}

/**
 * Number of negative Hessian eigenvalues at x (0 at a minimum, 1 at an index-1 saddle).
 * Eigenvalues with |lambda| <= zeroTol count as zero, not negative.
 *
 * @example
 * ```ts
 * import { mullerBrown } from "./muller_brown.ts";
 * const p = mullerBrown();
 * morseIndex(p, p.saddles![0]); // 1
 * ```
 */
export function morseIndex(p: PotentialCore, x: Float64Array, zeroTol = 1e-6): number {
  const ev = symmetricEigenvalues(numericHessian(p, x));
  let neg = 0;
  for (const v of ev) if (v < -zeroTol) neg++;
  return neg;
}

function gradInf(g: Float64Array): number {
  let m = 0;
  for (const v of g) m = Math.max(m, Math.abs(v));
  return m;
}

/**
 * Newton's method on grad V = 0 with a finite-difference Hessian. Converges to the critical
 * point (of any index) nearest the guess; throws if it does not converge.
 *
 * @example
 * ```ts
 * import { mullerBrown } from "./muller_brown.ts";
 * const s = refineCritical(mullerBrown(), Float64Array.of(0.212, 0.293)); // a saddle
 * ```
 */
export function refineCritical(
  p: PotentialCore,
  x0: Float64Array,
  opts: RefineOptions = {},
): Float64Array {
  const maxIter = opts.maxIter ?? 50;
  const scale = Math.max(1, Math.abs(p.energy(x0)));
  const gradTol = opts.gradTol ?? 1e-11 * scale;
  const x = Float64Array.from(x0);
  const g = new Float64Array(p.dim);
  for (let it = 0; it < maxIter; it++) {
    p.gradient(x, g);
    if (gradInf(g) <= gradTol) return x;
    const step = solveLinear(numericHessian(p, x, opts.h), g);
    for (let i = 0; i < p.dim; i++) x[i] -= step[i];
  }
  p.gradient(x, g);
  if (gradInf(g) <= gradTol * 1e3) return x; // FD Hessian noise can stall the last digits
  throw new Error(
    `refineCritical(${p.name}): Newton did not converge from [${Array.from(x0)}], |grad|=${
      gradInf(g)
    }, expected <= ${gradTol}`,
  );
}

/**
 * Refines an index-1 saddle from a guess and checks its Morse index.
 *
 * @example
 * ```ts
 * import { mullerBrown } from "./muller_brown.ts";
 * const s = refineSaddle(mullerBrown(), Float64Array.of(-0.82, 0.62));
 * ```
 */
export function refineSaddle(
  p: PotentialCore,
  x0: Float64Array,
  opts: RefineOptions = {},
): Float64Array {
  const x = refineCritical(p, x0, opts);
  const idx = morseIndex(p, x);
  if (idx !== 1) {
    throw new Error(
      `refineSaddle(${p.name}): point [${Array.from(x)}] has index ${idx}, expected 1`,
    );
  }
  return x;
}
