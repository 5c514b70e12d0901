/**
 * Assembles a {@link Potential} from its numerics and approximate critical points, refining the
 * tabulated guesses with Newton so that listed minima and saddles are exact to round-off.
 * @module
 */
import { refineCritical } from "./critical_points.ts";
import type { Potential, PotentialCore, WgslPotential } from "./potential.ts";

/** What a factory supplies besides the numerics. */
export interface PotentialSpec {
  /** Approximate minima (refined by Newton unless `exact`). */
  readonly minima: readonly (readonly number[])[];
  /** Approximate index-1 saddles (refined unless `exact`). */
  readonly saddles?: readonly (readonly number[])[];
  /** True when the listed points are already exact (skips refinement). */
  readonly exact?: boolean;
  readonly box?: { readonly lo: readonly number[]; readonly hi: readonly number[] };
  readonly basinOf?: (x: Float64Array) => number;
  readonly wgsl: WgslPotential;
}

/**
 * Builds a frozen Potential; critical points are refined from the guesses.
 *
 * @example
 * ```ts
 * const p = definePotential(
 *   { name: "parabola", dim: 1, energy: (x) => x[0] ** 2, gradient: (x, g) => { g[0] = 2 * x[0]; } },
 *   { minima: [[0.1]], wgsl: { key: "parabola", code: "", params: null } },
 * ); // p.minima[0][0] === 0
 * ```
 */
export function definePotential(core: PotentialCore, spec: PotentialSpec): Potential {
  const fix = (rows: readonly (readonly number[])[]) =>
    rows.map((r) => {
      if (r.length !== core.dim) {
        throw new Error(
          `${core.name}: critical point has length ${r.length}, expected ${core.dim}`,
        );
      }
      const x = Float64Array.from(r);
      return spec.exact ? x : refineCritical(core, x);
    });
  const p: Potential = {
    name: core.name,
    dim: core.dim,
    energy: core.energy,
    gradient: core.gradient,
    minima: Object.freeze(fix(spec.minima)),
    ...(spec.saddles ? { saddles: Object.freeze(fix(spec.saddles)) } : {}),
    ...(spec.box ? { box: spec.box } : {}),
    ...(spec.basinOf ? { basinOf: spec.basinOf } : {}),
    wgsl: spec.wgsl,
  };
  return Object.freeze(p);
}
