/**
 * The discrete model contract shared by every sampler, on both backends.
 *
 * A state is `x in {0..C-1}^D`, stored per chain as `D` consecutive u32 values starting at
 * `base = chain * D`. Models define an energy `E(x)`; samplers target `exp(-beta * E(x))`.
 * @module
 */
import type { TypedScalar } from "../../gpu/uniforms.ts";

/** Read-only model parameters bound at `@group(1)`, in order. */
export interface WgslParam {
  /** WGSL name, prefixed `model_`. */
  readonly name: string;
  readonly data: Float32Array | Uint32Array;
}

/**
 * The GPU twin of a model: WGSL functions reading the sampler-owned `state: array<u32>`.
 *
 * The snippet must define
 * - `fn model_energy(base: u32) -> f32`: E(x) of the chain whose state starts at `base`;
 * - `fn model_delta(base: u32, i: u32, v: u32) -> f32`: E(x with x_i = v) - E(x);
 * - `fn model_grad(base: u32, i: u32, c: u32) -> f32`: dE/dx_{i,c} of the one-hot relaxation
 *   (binary models: dE/dx_i, `c` ignored), used by gradient-informed proposals.
 * Sizes `D` (sites), `C` (categories) and the model's own `sizes` are defined by the
 * assembler, not the snippet (the engine loads them from its uniform block, so one compiled
 * program serves every size; test harnesses may declare them as constants). The snippet must
 * not size arrays or unroll code by them.
 */
export interface WgslDiscreteModel {
  /** Shader text; together with the params' names it fully determines the program. */
  readonly code: string;
  readonly params: readonly WgslParam[];
  /**
   * The model's own sizes (e.g. a lattice side), named `MODEL_<FAMILY>_<NAME>`; they travel in
   * a uniform, never in the text.
   */
  readonly sizes?: Readonly<Record<string, TypedScalar>>;
  /**
   * Loop iterations of one `model_energy` call and of one `model_delta`/`model_grad` call
   * (defaults: D and 0; loops with a small constant trip count are unrolled and do not count). The engine uses them to respect llvmpipe's per-invocation loop limit.
   */
  readonly loopCost?: { readonly energy: number; readonly call: number };
}

/**
 * A site decomposition of the energy, `E(x) = sum_i e_i(x)`, for the chains x sites layout
 * (`src/samplers/engine_sites.ts`): one workgroup steps a chain, each invocation sums `e_i` over
 * its own sites and a fixed-order tree adds the partial sums, on both twins.
 */
export interface SiteEnergy {
  /** `e_i(x)` in f32 arithmetic matching `model_site_energy`. */
  energy(x: Uint32Array, base: number, i: number): number;
  /**
   * WGSL `fn model_site_energy(base: u32, i: u32) -> f32` and, for binary models,
   * `fn model_site_grad_energy(base: u32, i: u32) -> vec2<f32>` returning `model_grad(base, i,
   * 0)` and `model_site_energy(base, i)` with the same bits from one pass over the site's
   * neighbours (the chains x sites steps need both at y; on llvmpipe the walk dominates).
   */
  readonly wgsl: string;
  /**
   * Present for binary models on a CSR graph (`model_row_ptr`, `model_col_idx`, symmetric)
   * whose gradient and energy are functions of integer counts (MIS, max clique): WGSL
   * `fn model_count(base: u32, i: u32) -> u32` (neighbours of i in state 1),
   * `fn model_count_grad(count: u32) -> f32` (= `model_grad(base, i, 0)` when i has `count`
   * such neighbours) and `fn model_count_energy(pairs: u32, ones: u32) -> f32` (= E(x) with
   * `pairs` edges inside the set and `ones` sites in state 1). The layout's energy is then
   * `energy(x)` itself (integer sums are exact in any order), and a step keeps the counts of
   * the flipped sites' neighbours current instead of walking every site's neighbours.
   */
  readonly counts?: string;
}

/**
 * Every size the WGSL of a model reads: `D`, `C` and the model's own sizes.
 *
 * @example
 * ```ts
 * import { isingModel } from "./ising.ts";
 * console.log(modelSizes(isingModel({ size: 3 })).D); // { type: "u32", value: 9 }
 * ```
 */
export function modelSizes(model: DiscreteModel): Record<string, TypedScalar> {
  return {
    D: { type: "u32", value: model.numSites },
    C: { type: "u32", value: model.numCategories },
    ...model.wgsl.sizes,
  };
}

/**
 * A discrete energy model. CPU functions use f32 arithmetic (`Math.fround` after each operation)
 * in the same order as the WGSL twin, so the CPU reference can replay a GPU run.
 */
export interface DiscreteModel {
  /** Family name, e.g. "bernoulli". */
  readonly name: string;
  /** Number of sites D. */
  readonly numSites: number;
  /** Number of categories C per site (2 for binary models). */
  readonly numCategories: number;
  /** The model's full configuration, recorded in run manifests. */
  readonly config: Readonly<Record<string, unknown>>;
  /** E(x) in f32 arithmetic matching the WGSL twin. */
  energy(x: Uint32Array, base: number): number;
  /** E(x with x_i = v) - E(x), matching `model_delta`. */
  delta(x: Uint32Array, base: number, i: number, v: number): number;
  /** dE/dx_{i,c} of the one-hot relaxation, matching `model_grad`. */
  grad(x: Uint32Array, base: number, i: number, c: number): number;
  /** The WGSL twin. */
  readonly wgsl: WgslDiscreteModel;
  /** Present when the model runs in the chains x sites layout (see {@link SiteEnergy}). */
  readonly siteEnergy?: SiteEnergy;
}

/**
 * Exact log-probabilities of every state of a small model (for exactness tests), in the order
 * of {@link stateIndex}. Throws when there are more than `maxStates` states.
 *
 * @example
 * ```ts
 * import { enumerateLogProbs } from "./model.ts";
 * import { bernoulliModel } from "./bernoulli.ts";
 * const logp = enumerateLogProbs(bernoulliModel({ theta: [0.5, -1] }), 1);
 * console.log(logp.length); // 4
 * ```
 */
export function enumerateLogProbs(
  model: DiscreteModel,
  beta = 1,
  maxStates = 1 << 20,
): Float64Array {
  const { numSites: d, numCategories: c } = model;
  const total = c ** d;
  if (total > maxStates) {
    throw new Error(`cannot enumerate ${c}^${d} states: expected at most ${maxStates}`);
  }
  const x = new Uint32Array(d);
  const logp = new Float64Array(total);
  for (let s = 0; s < total; s++) {
    let r = s;
    for (let i = 0; i < d; i++) {
      x[i] = r % c;
      r = Math.floor(r / c);
    }
    logp[s] = -beta * model.energy(x, 0);
  }
  let max = -Infinity;
  for (const v of logp) max = Math.max(max, v);
  let z = 0;
  for (const v of logp) z += Math.exp(v - max);
  const logZ = max + Math.log(z);
  for (let s = 0; s < total; s++) logp[s] -= logZ;
  return logp;
}

/** Index of a state in the enumeration order of {@link enumerateLogProbs} (site 0 fastest). */
export function stateIndex(x: Uint32Array, base: number, d: number, c: number): number {
  let s = 0;
  for (let i = d - 1; i >= 0; i--) s = s * c + x[base + i];
  return s;
}

/** Checks a parameter array is finite, with a one-line error naming the parameter. */
export function assertFiniteParams(name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new Error(`${name}[${i}] is ${values[i]}: expected a finite number`);
    }
  }
}
