/**
 * The DISCS categorical model (`discs/models/categorical.py`): independent sites with
 * `log p(x) = sum_i theta_{i, x_i}`, x in {0..C-1}^D, i.e. `E(x) = -sum_i theta_{i, x_i}`
 * (defaults D = 2,000, C = 4, theta ~ N(0, 1.5^2)).
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { assertFiniteParams, type DiscreteModel } from "./model.ts";
import { normalArray } from "../../random/params.ts";
import { checkPositiveInt, checkSigma } from "./checks.ts";
import { defineModel } from "./descriptor.ts";

/** Zod schema of the categorical model's configuration (DISCS defaults). */
export const CategoricalConfig = z.object({
  name: z.literal("categorical"),
  numSites: z.number().int().positive().default(2000),
  numCategories: z.number().int().min(2).default(4),
  sigma: z.number().nonnegative().finite().default(1.5),
  seed: z.number().int().nonnegative().default(0),
}).strict();

/** Options: explicit `theta` (`[D, C]` row-major with `numCategories`), or sizes and a seed. */
export interface CategoricalOptions {
  theta?: ArrayLike<number>;
  numSites?: number;
  numCategories?: number;
  sigma?: number;
  seed?: number;
}

const WGSL = /* wgsl */ `
fn model_energy(base: u32) -> f32 {
  var e = 0.0;
  for (var i = 0u; i < D; i++) { e = e - model_cat_theta[i * C + state[base + i]]; }
  return e;
}
fn model_delta(base: u32, i: u32, v: u32) -> f32 {
  let x = state[base + i];
  if (v == x) { return 0.0; }
  return model_cat_theta[i * C + x] - model_cat_theta[i * C + v];
}
fn model_grad(base: u32, i: u32, c: u32) -> f32 {
  if (C == 2u) { return model_cat_theta[i * C] - model_cat_theta[i * C + 1u]; }
  return -model_cat_theta[i * C + c];
}
`;

/** A categorical model with its parameters and exact marginals. */
export interface CategoricalModel extends DiscreteModel {
  /** `theta[i * C + c]`. */
  readonly theta: Float32Array;
  /** Exact marginals softmax(theta_i), `[D, C]` row-major. */
  marginals(): Float64Array;
}

/**
 * Builds a categorical model. With no `theta`, draws `theta_{i,c} ~ N(0, sigma^2)` from `seed`.
 * `grad` is dE/dx_{i,c} of the one-hot relaxation, `-theta_{i,c}`; with C = 2 it is the binary
 * derivative `theta_{i,0} - theta_{i,1}` (the contract's rule for binary models).
 *
 * @example
 * ```ts
 * const model = categoricalModel({ numSites: 10, numCategories: 3, seed: 1 });
 * console.log(model.numSites, model.numCategories); // 10 3
 * ```
 */
export function categoricalModel(opts: CategoricalOptions = {}): CategoricalModel {
  const c = opts.numCategories ?? 4;
  checkPositiveInt("numCategories", c, 2);
  const sigma = opts.sigma ?? 1.5;
  const seed = opts.seed ?? 0;
  let theta: Float32Array;
  if (opts.theta) {
    assertFiniteParams("theta", opts.theta);
    if (opts.theta.length === 0 || opts.theta.length % c !== 0) {
      throw new Error(
        `theta has ${opts.theta.length} entries: expected a positive multiple of numCategories ${c}`,
      );
    }
    theta = Float32Array.from(opts.theta);
  } else {
    const d = opts.numSites ?? 2000;
    checkPositiveInt("numSites", d, 1);
    checkSigma("sigma", sigma);
    theta = Float32Array.from(normalArray(seed, 0x63617467, d * c), (z) => sigma * z);
  }
  const d = theta.length / c;
  if (opts.numSites !== undefined && opts.numSites !== d) {
    throw new Error(`theta has ${d} sites of ${c} categories: expected numSites ${opts.numSites}`);
  }
  const f = Math.fround;
  return {
    name: "categorical",
    numSites: d,
    numCategories: c,
    theta,
    config: opts.theta
      ? { model: "categorical", numSites: d, numCategories: c, theta: "given" }
      : { model: "categorical", numSites: d, numCategories: c, sigma, seed },
    energy(x, base) {
      let e = 0;
      for (let i = 0; i < d; i++) e = f(e - theta[i * c + x[base + i]]);
      return e;
    },
    delta(x, base, i, v) {
      const cur = x[base + i];
      if (v === cur) return 0;
      return f(theta[i * c + cur] - theta[i * c + v]);
    },
    grad(_x, _base, i, k) {
      if (c === 2) return f(theta[i * c] - theta[i * c + 1]);
      return -theta[i * c + k];
    },
    marginals() {
      const out = new Float64Array(d * c);
      for (let i = 0; i < d; i++) {
        let m = -Infinity, z = 0;
        for (let k = 0; k < c; k++) m = Math.max(m, theta[i * c + k]);
        for (let k = 0; k < c; k++) z += out[i * c + k] = Math.exp(theta[i * c + k] - m);
        for (let k = 0; k < c; k++) out[i * c + k] /= z;
      }
      return out;
    },
    wgsl: { code: WGSL, params: [{ name: "model_cat_theta", data: theta }] },
  };
}

/** The registry entry of `categorical`. */
export const categoricalDescriptor = defineModel({
  name: "categorical",
  summary: "Independent categorical sites with logits theta.",
  schema: CategoricalConfig,
  arrayOptions: ["theta"],
  build: ({ name: _, ...opts }, arrays) => categoricalModel({ ...opts, ...arrays }),
});
