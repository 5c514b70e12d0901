/**
 * The DISCS Bernoulli model: `log p(x) = sum_i theta_i x_i`, x in {0,1}^D, i.e. the energy
 * `E(x) = -sum_i theta_i x_i` with independent sites and marginals `P(x_i = 1) = sigmoid(theta_i)`
 * (DISCS `models/bernoulli.py`; defaults D = 10,000, theta ~ N(0, 0.5^2)).
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { assertFiniteParams, type DiscreteModel } from "./model.ts";
import { normalArray } from "../../random/params.ts";
import { defineModel } from "./descriptor.ts";

/** Zod schema of the Bernoulli model's configuration (DISCS defaults). */
export const BernoulliConfig = z.object({
  name: z.literal("bernoulli"),
  numSites: z.number().int().positive().default(10_000),
  sigma: z.number().nonnegative().finite().default(0.5),
  seed: z.number().int().nonnegative().default(0),
}).strict();

/** Options: either explicit `theta`, or `numSites`, `sigma` and `seed` to draw it. */
export interface BernoulliOptions {
  theta?: ArrayLike<number>;
  numSites?: number;
  sigma?: number;
  seed?: number;
}

const WGSL = /* wgsl */ `
fn model_energy(base: u32) -> f32 {
  var e = 0.0;
  for (var i = 0u; i < D; i++) {
    if (state[base + i] == 1u) { e = e - model_theta[i]; }
  }
  return e;
}
fn model_delta(base: u32, i: u32, v: u32) -> f32 {
  let x = state[base + i];
  if (v == x) { return 0.0; }
  if (v == 1u) { return -model_theta[i]; }
  return model_theta[i];
}
fn model_grad(base: u32, i: u32, c: u32) -> f32 {
  return -model_theta[i];
}
`;

/**
 * Builds a Bernoulli model. With no `theta`, draws `theta_i ~ N(0, sigma^2)` from `seed`
 * (defaults: D = 10,000, sigma = 0.5, seed = 0).
 *
 * @example
 * ```ts
 * const model = bernoulliModel({ numSites: 100, sigma: 0.5, seed: 1 });
 * console.log(model.numSites, model.energy(new Uint32Array(100), 0)); // 100 0
 * ```
 */
export function bernoulliModel(opts: BernoulliOptions = {}): DiscreteModel & {
  readonly theta: Float32Array;
  /** The exact marginals sigmoid(theta_i). */
  marginals(): Float64Array;
} {
  const sigma = opts.sigma ?? 0.5;
  const seed = opts.seed ?? 0;
  let theta: Float32Array;
  if (opts.theta) {
    theta = Float32Array.from(opts.theta);
    assertFiniteParams("theta", opts.theta);
  } else {
    const d = opts.numSites ?? 10_000;
    if (!Number.isInteger(d) || d < 1) {
      throw new Error(`numSites must be a positive integer, got ${d}`);
    }
    if (!(sigma >= 0 && Number.isFinite(sigma))) {
      throw new Error(`sigma must be a finite number >= 0, got ${sigma}`);
    }
    theta = Float32Array.from(normalArray(seed, 0x6265726e, d), (z) => sigma * z);
  }
  const d = theta.length;
  if (d < 1) throw new Error("theta must have at least one entry");
  const f = Math.fround;
  return {
    name: "bernoulli",
    numSites: d,
    numCategories: 2,
    theta,
    config: opts.theta
      ? { model: "bernoulli", numSites: d, theta: "given" }
      : { model: "bernoulli", numSites: d, sigma, seed },
    energy(x, base) {
      let e = 0;
      for (let i = 0; i < d; i++) if (x[base + i] === 1) e = f(e - theta[i]);
      return e;
    },
    delta(x, base, i, v) {
      if (v === x[base + i]) return 0;
      return v === 1 ? -theta[i] : theta[i];
    },
    grad(_x, _base, i) {
      return -theta[i];
    },
    marginals() {
      return Float64Array.from(theta, (t) => 1 / (1 + Math.exp(-t)));
    },
    wgsl: { code: WGSL, params: [{ name: "model_theta", data: theta }] },
  };
}

/** The registry entry of `bernoulli`. */
export const bernoulliDescriptor = defineModel({
  name: "bernoulli",
  summary: "Independent binary sites with logits theta (exact marginals).",
  schema: BernoulliConfig,
  arrayOptions: ["theta"],
  build: ({ name: _, ...opts }, arrays) => bernoulliModel({ ...opts, ...arrays }),
});
