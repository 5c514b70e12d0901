/**
 * The DISCS Ising model (`discs/models/ising.py`): spins `s = 2x - 1` on a p x p grid with
 * `log p(x) = lambda sum_<ij> s_i s_j - sum_i b_i s_i`, so
 * `E(x) = -lambda sum_<ij> s_i s_j + sum_i b_i s_i`, with the DISCS field
 * `b_i = U(-1, 1) sigma + mu (+1 inside the central circle, -1 outside)`.
 *
 * Defaults 50 x 50, lambda = 0.5, mu = 0.5, sigma = 1.5 and an open (free) boundary as in
 * DISCS's code (its docstring says cyclic; `periodic: true` gives the torus). The circle's radius
 * is the code's sqrt(0.5/pi) p; `circle: "paper"` uses the paper's p / (2 sqrt 2). The
 * temperature sweep's field-free model is `mu = 0, sigma = 0`.
 * @module
 */
import { z } from "npm:zod@4.6.7";
import type { DiscreteModel } from "./model.ts";
import { checkFinite, checkSigma, f32Param } from "./checks.ts";
import {
  checkLatticeSize,
  type FieldCircle,
  latticeField,
  latticeSizes,
  neighbours,
  neighboursWgsl,
} from "./lattice.ts";
import { defineModel } from "./descriptor.ts";

/** Zod schema of the Ising model's configuration (DISCS defaults). */
export const IsingConfig = z.object({
  name: z.literal("ising"),
  size: z.number().int().positive().default(50),
  lambda: z.number().finite().default(0.5),
  mu: z.number().finite().default(0.5),
  sigma: z.number().nonnegative().finite().default(1.5),
  periodic: z.boolean().default(false),
  circle: z.enum(["code", "paper"]).default("code"),
  seed: z.number().int().nonnegative().default(0),
}).strict();

/** Options: lattice side, coupling, field (explicit `field` of p^2 values, or drawn). */
export interface IsingOptions {
  size?: number;
  lambda?: number;
  mu?: number;
  sigma?: number;
  periodic?: boolean;
  circle?: FieldCircle;
  seed?: number;
  /** Explicit field b (p*p values, row-major); overrides mu, sigma and seed. */
  field?: ArrayLike<number>;
}

/** An Ising model with its parameters. */
export interface IsingModel extends DiscreteModel {
  readonly size: number;
  readonly lambda: number;
  readonly periodic: boolean;
  /** The field b, row-major. */
  readonly field: Float32Array;
}

function isingWgsl(periodic: boolean): string {
  return neighboursWgsl("model_ising", periodic) + /* wgsl */ `
fn model_ising_spin(base: u32, j: i32) -> f32 {
  return f32(state[base + u32(j)]) * 2.0 - 1.0;
}
// b_i - lambda * sum of the neighbours' spins, subtracting one neighbour at a time (each
// product is exact, so fused multiply-adds cannot change the result).
fn model_ising_local(base: u32, i: u32) -> f32 {
  let lam = model_ising_lambda[0];
  var t = model_ising_field[i];
  // Straight-line in the CPU twin's neighbour order; a missing neighbour reads site 0 and is
  // discarded by the select (no divergent branch per lane).
  let nb = model_ising_nbs(i);
  let has = nb >= vec4<i32>(0);
  let j = max(nb, vec4<i32>(0));
  t = select(t, t - lam * model_ising_spin(base, j.x), has.x);
  t = select(t, t - lam * model_ising_spin(base, j.y), has.y);
  t = select(t, t - lam * model_ising_spin(base, j.z), has.z);
  t = select(t, t - lam * model_ising_spin(base, j.w), has.w);
  return t;
}
fn model_energy(base: u32) -> f32 {
  let lam = model_ising_lambda[0];
  var e = 0.0;
  for (var i = 0u; i < D; i++) {
    var nb = 0.0;
    let dn = model_ising_nb(i, 1u);
    if (dn >= 0) { nb = nb + model_ising_spin(base, dn); }
    let rt = model_ising_nb(i, 3u);
    if (rt >= 0) { nb = nb + model_ising_spin(base, rt); }
    let s = model_ising_spin(base, i32(i));
    e = e + s * (model_ising_field[i] - lam * nb);
  }
  return e;
}
fn model_delta(base: u32, i: u32, v: u32) -> f32 {
  if (v == state[base + i]) { return 0.0; }
  return -2.0 * model_ising_spin(base, i32(i)) * model_ising_local(base, i);
}
fn model_grad(base: u32, i: u32, c: u32) -> f32 {
  return 2.0 * model_ising_local(base, i);
}
`;
}

// The site terms of model_energy, same operations (products of spins and lambda are exact).
const ISING_SITE_ENERGY_WGSL = /* wgsl */ `
fn model_site_energy(base: u32, i: u32) -> f32 {
  let lam = model_ising_lambda[0];
  var nb = 0.0;
  let dn = model_ising_nb(i, 1u);
  if (dn >= 0) { nb = nb + model_ising_spin(base, dn); }
  let rt = model_ising_nb(i, 3u);
  if (rt >= 0) { nb = nb + model_ising_spin(base, rt); }
  return model_ising_spin(base, i32(i)) * (model_ising_field[i] - lam * nb);
}
fn model_site_grad_energy(base: u32, i: u32) -> vec2<f32> {
  return vec2<f32>(model_grad(base, i, 0u), model_site_energy(base, i));
}
`;

/**
 * Builds an Ising model on a p x p lattice. `delta` and `grad` cost O(1) (four neighbours);
 * E is multilinear in x, so the flip delta equals `(1 - 2 x_i) grad_i` exactly.
 *
 * @example
 * ```ts
 * const model = isingModel({ size: 4, seed: 1 });
 * console.log(model.numSites, model.numCategories); // 16 2
 * ```
 */
export function isingModel(opts: IsingOptions = {}): IsingModel {
  const p = opts.size ?? 50;
  const periodic = opts.periodic ?? false;
  const lambda = opts.lambda ?? 0.5;
  const mu = opts.mu ?? 0.5;
  const sigma = opts.sigma ?? 1.5;
  const seed = opts.seed ?? 0;
  const circle = opts.circle ?? "code";
  checkLatticeSize(p, periodic);
  checkFinite("lambda", lambda);
  checkFinite("mu", mu);
  checkSigma("sigma", sigma);
  const d = p * p;
  const field = opts.field
    ? f32Param("field", opts.field, d)
    : Float32Array.from(latticeField(p, 1, sigma, mu, seed, 0x6973696e, circle));
  const lam = Math.fround(lambda);
  const lamArr = Float32Array.of(lam);
  const f = Math.fround;
  const nb = new Int32Array(4);
  const spin = (x: Uint32Array, j: number) => 2 * x[j] - 1;
  const local = (x: Uint32Array, base: number, i: number) => {
    neighbours(i, p, periodic, nb);
    let t = field[i];
    for (let k = 0; k < 4; k++) if (nb[k] >= 0) t = f(t - lam * spin(x, base + nb[k]));
    return t;
  };
  return {
    name: "ising",
    numSites: d,
    numCategories: 2,
    size: p,
    lambda: lam,
    periodic,
    field,
    config: opts.field
      ? { model: "ising", size: p, lambda, periodic, field: "given" }
      : { model: "ising", size: p, lambda, mu, sigma, periodic, circle, seed },
    energy(x, base) {
      let e = 0;
      for (let i = 0; i < d; i++) {
        neighbours(i, p, periodic, nb);
        let s = 0;
        if (nb[1] >= 0) s += spin(x, base + nb[1]);
        if (nb[3] >= 0) s += spin(x, base + nb[3]);
        e = f(e + spin(x, base + i) * f(field[i] - lam * s));
      }
      return e;
    },
    delta(x, base, i, v) {
      if (v === x[base + i]) return 0;
      return f(-2 * spin(x, base + i) * local(x, base, i));
    },
    grad(x, base, i) {
      return f(2 * local(x, base, i));
    },
    // e_i = s_i (b_i - lambda (s_down + s_right)): the terms of `energy` by site.
    siteEnergy: {
      energy(x, base, i) {
        neighbours(i, p, periodic, nb);
        let s = 0;
        if (nb[1] >= 0) s += spin(x, base + nb[1]);
        if (nb[3] >= 0) s += spin(x, base + nb[3]);
        return f(spin(x, base + i) * f(field[i] - lam * s));
      },
      wgsl: ISING_SITE_ENERGY_WGSL,
    },
    wgsl: {
      code: isingWgsl(periodic),
      sizes: latticeSizes("model_ising", p),
      params: [
        { name: "model_ising_field", data: field },
        { name: "model_ising_lambda", data: lamArr },
      ],
    },
  };
}

/** The registry entry of `ising`. */
export const isingDescriptor = defineModel({
  name: "ising",
  summary: "Square-lattice Ising model with periodic boundaries and a field.",
  schema: IsingConfig,
  arrayOptions: ["field"],
  build: ({ name: _, ...opts }, arrays) => isingModel({ ...opts, ...arrays }),
});
