/**
 * The DISCS Potts model (`discs/models/potts.py`): x in {0..C-1} on a p x p grid with
 * `log p(x) = lambda sum_<ij> 1[x_i = x_j] - sum_i b_{i, x_i}`, so
 * `E(x) = -lambda sum_<ij> 1[x_i = x_j] + sum_i b_{i, x_i}`, with
 * `b_{i,c} = U(-1, 1) sigma + mu (+1 inside the central circle, -1 outside)`.
 *
 * Defaults 30 x 30, C = 4, lambda = 1, mu = 0.5, sigma = 1.5, open boundary (as DISCS's code).
 * The mu term is the same for every category of a site, so it only shifts E by a constant: the
 * distribution depends on mu not at all (kept for energies that match DISCS's).
 * @module
 */
import { z } from "npm:zod@4.6.7";
import type { DiscreteModel } from "./model.ts";
import { checkFinite, checkPositiveInt, checkSigma, f32Param } from "./checks.ts";
import {
  checkLatticeSize,
  type FieldCircle,
  latticeField,
  neighbours,
  neighboursWgsl,
} from "./lattice.ts";
import { defineModel } from "./descriptor.ts";

/** Zod schema of the Potts model's configuration (DISCS defaults). */
export const PottsConfig = z.object({
  name: z.literal("potts"),
  size: z.number().int().positive().default(30),
  numCategories: z.number().int().min(2).default(4),
  lambda: z.number().finite().default(1),
  mu: z.number().finite().default(0.5),
  sigma: z.number().nonnegative().finite().default(1.5),
  periodic: z.boolean().default(false),
  circle: z.enum(["code", "paper"]).default("code"),
  seed: z.number().int().nonnegative().default(0),
}).strict();

/** Options: lattice side, categories, coupling, field (explicit `[p*p, C]` or drawn). */
export interface PottsOptions {
  size?: number;
  numCategories?: number;
  lambda?: number;
  mu?: number;
  sigma?: number;
  periodic?: boolean;
  circle?: FieldCircle;
  seed?: number;
  /** Explicit field b, `[p*p, C]` row-major; overrides mu, sigma and seed. */
  field?: ArrayLike<number>;
}

/** A Potts model with its parameters. */
export interface PottsModel extends DiscreteModel {
  readonly size: number;
  readonly lambda: number;
  readonly periodic: boolean;
  /** The field b, `field[i * C + c]`. */
  readonly field: Float32Array;
}

function pottsWgsl(p: number, periodic: boolean): string {
  return neighboursWgsl("model_potts", p, periodic) + /* wgsl */ `
// dE/dx_{i,c} of the one-hot relaxation: b_{i,c} - lambda * #(neighbours in category c).
fn model_potts_local(base: u32, i: u32, c: u32) -> f32 {
  let lam = model_potts_lambda[0];
  var t = model_potts_field[i * C + c];
  for (var k = 0u; k < 4u; k++) {
    let j = model_potts_nb(i, k);
    if (j >= 0) {
      if (state[base + u32(j)] == c) { t = t - lam; }
    }
  }
  return t;
}
fn model_energy(base: u32) -> f32 {
  let lam = model_potts_lambda[0];
  var e = 0.0;
  for (var i = 0u; i < D; i++) {
    let x = state[base + i];
    var eq = 0.0;
    let dn = model_potts_nb(i, 1u);
    if (dn >= 0) { if (state[base + u32(dn)] == x) { eq = eq + 1.0; } }
    let rt = model_potts_nb(i, 3u);
    if (rt >= 0) { if (state[base + u32(rt)] == x) { eq = eq + 1.0; } }
    e = e + (model_potts_field[i * C + x] - lam * eq);
  }
  return e;
}
fn model_delta(base: u32, i: u32, v: u32) -> f32 {
  let x = state[base + i];
  if (v == x) { return 0.0; }
  return model_potts_local(base, i, v) - model_potts_local(base, i, x);
}
fn model_grad(base: u32, i: u32, c: u32) -> f32 {
  if (C == 2u) { return model_potts_local(base, i, 1u) - model_potts_local(base, i, 0u); }
  return model_potts_local(base, i, c);
}
`;
}

/**
 * Builds a Potts model. `delta` and `grad` are O(1); E is multilinear in the one-hot x, so
 * `delta(i, v) = grad(i, v) - grad(i, x_i)` exactly. With C = 2, `grad` is the binary
 * derivative `grad_1 - grad_0` (the contract's rule for binary models).
 *
 * @example
 * ```ts
 * const model = pottsModel({ size: 3, numCategories: 3, seed: 2 });
 * console.log(model.numSites, model.numCategories); // 9 3
 * ```
 */
export function pottsModel(opts: PottsOptions = {}): PottsModel {
  const p = opts.size ?? 30;
  const c = opts.numCategories ?? 4;
  const periodic = opts.periodic ?? false;
  const lambda = opts.lambda ?? 1;
  const mu = opts.mu ?? 0.5;
  const sigma = opts.sigma ?? 1.5;
  const seed = opts.seed ?? 0;
  const circle = opts.circle ?? "code";
  checkLatticeSize(p, periodic);
  checkPositiveInt("numCategories", c, 2);
  checkFinite("lambda", lambda);
  checkFinite("mu", mu);
  checkSigma("sigma", sigma);
  const d = p * p;
  const field = opts.field
    ? f32Param("field", opts.field, d * c)
    : Float32Array.from(latticeField(p, c, sigma, mu, seed, 0x706f7474, circle));
  const lam = Math.fround(lambda);
  const f = Math.fround;
  const nb = new Int32Array(4);
  const local = (x: Uint32Array, base: number, i: number, k: number) => {
    neighbours(i, p, periodic, nb);
    let t = field[i * c + k];
    for (let q = 0; q < 4; q++) if (nb[q] >= 0 && x[base + nb[q]] === k) t = f(t - lam);
    return t;
  };
  return {
    name: "potts",
    numSites: d,
    numCategories: c,
    size: p,
    lambda: lam,
    periodic,
    field,
    config: opts.field
      ? { model: "potts", size: p, numCategories: c, lambda, periodic, field: "given" }
      : { model: "potts", size: p, numCategories: c, lambda, mu, sigma, periodic, circle, seed },
    energy(x, base) {
      let e = 0;
      for (let i = 0; i < d; i++) {
        neighbours(i, p, periodic, nb);
        const xi = x[base + i];
        let eq = 0;
        if (nb[1] >= 0 && x[base + nb[1]] === xi) eq++;
        if (nb[3] >= 0 && x[base + nb[3]] === xi) eq++;
        e = f(e + f(field[i * c + xi] - lam * eq));
      }
      return e;
    },
    delta(x, base, i, v) {
      const xi = x[base + i];
      if (v === xi) return 0;
      return f(local(x, base, i, v) - local(x, base, i, xi));
    },
    grad(x, base, i, k) {
      if (c === 2) return f(local(x, base, i, 1) - local(x, base, i, 0));
      return local(x, base, i, k);
    },
    wgsl: {
      code: pottsWgsl(p, periodic),
      params: [
        { name: "model_potts_field", data: field },
        { name: "model_potts_lambda", data: Float32Array.of(lam) },
      ],
    },
  };
}

/** The registry entry of `potts`. */
export const pottsDescriptor = defineModel({
  name: "potts",
  summary: "Square-lattice Potts model with periodic boundaries and a field.",
  schema: PottsConfig,
  arrayOptions: ["field"],
  build: ({ name: _, ...opts }, arrays) => pottsModel({ ...opts, ...arrays }),
});
