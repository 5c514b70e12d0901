/**
 * Restricted Boltzmann machines with the hidden units summed out (DISCS `discs/models/rbm.py`).
 * Binary visible units v in {0,1}^D:
 * `E(v) = -sum_i b_i v_i - sum_j softplus(c_j + sum_i W_{j,i} v_i)`;
 * categorical visible units v in {0..C-1}^D (one-hot):
 * `E(v) = -sum_i b_{i,v_i} - sum_j softplus(c_j + sum_i W_{j,i,v_i})`.
 *
 * Weights are stored hidden-major (`W[(j * D + i) * C + c]`, binary `W[j * D + i]`) so each
 * hidden activation reads contiguous memory; `weightsOrder: "visible-major"` accepts DISCS's
 * `[D, H]` (binary) / `[D, C, H]` (categorical) layout and transposes it.
 *
 * Cost: without per-chain scratch space the activations are recomputed per call, so `delta`
 * and `grad` cost O(D H) (E costs O(D H) anyway). An engine-owned per-chain buffer of the H
 * activations would make them O(H).
 * @module
 */
import { z } from "npm:zod@4.6.7";
import type { DiscreteModel } from "./model.ts";
import { normalArray } from "../../random/params.ts";
import { mathLog1pExp, mathSigmoid } from "../../random/f32math.ts";
import { checkPositiveInt, checkSigma, f32Param } from "./checks.ts";
import { defineModel } from "./descriptor.ts";

/**
 * Zod schema of a random RBM's configuration (sizes of DISCS's binary MNIST RBM, 784 visible and
 * 25 hidden units; trained checkpoints are loaded from arrays, not drawn).
 */
export const RbmConfig = z.object({
  name: z.literal("rbm"),
  numVisible: z.number().int().positive().default(784),
  numHidden: z.number().int().positive().default(25),
  numCategories: z.number().int().min(2).default(2),
  sigma: z.number().nonnegative().finite().default(1),
  seed: z.number().int().nonnegative().default(0),
}).strict();

/** RBM options: explicit parameters (all three arrays), or sizes and a seed for random ones. */
export interface RbmOptions {
  numVisible?: number;
  numHidden?: number;
  /** 2 for binary visible units (default). */
  numCategories?: number;
  /** Standard deviation of random weights and biases (default 1). */
  sigma?: number;
  seed?: number;
  /** Weights: hidden-major `[H, D]` / `[H, D, C]` unless `weightsOrder` says otherwise. */
  weights?: ArrayLike<number>;
  weightsOrder?: "hidden-major" | "visible-major";
  /** Visible biases: `[D]` (binary) or `[D, C]`. */
  visibleBias?: ArrayLike<number>;
  /** Hidden biases `[H]`. */
  hiddenBias?: ArrayLike<number>;
}

/** An RBM's marginal model with its parameters. */
export interface RbmModel extends DiscreteModel {
  readonly numHidden: number;
  /** True for binary visible units. */
  readonly binary: boolean;
  /** Hidden-major weights. */
  readonly weights: Float32Array;
  readonly visibleBias: Float32Array;
  readonly hiddenBias: Float32Array;
}

function rbmWgsl(h: number, binary: boolean): string {
  // Binary units store one weight per (j, i) and one bias per i; categorical ones C of each.
  const wAt = binary ? "j * D + i" : "(j * D + i) * C + x";
  const wIdx = (c: string) => (binary ? "j * D + i" : `(j * D + i) * C + ${c}`);
  const energyBias = binary
    ? "if (state[base + i] == 1u) { e = e - model_rbm_b[i]; }"
    : "e = e - model_rbm_b[i * C + state[base + i]];";
  const actTerm = binary
    ? `if (state[base + i] == 1u) { a = a + model_rbm_w[${wAt}]; }`
    : `let x = state[base + i];\n    a = a + model_rbm_w[${wAt}];`;
  const deltaBody = binary
    ? `var de = model_rbm_b[i];
  if (v == 1u) { de = -model_rbm_b[i]; }
  for (var j = 0u; j < RBM_H; j++) {
    let a = model_rbm_act(base, j);
    var a2 = a - model_rbm_w[${wIdx("")}];
    if (v == 1u) { a2 = a + model_rbm_w[${wIdx("")}]; }
    de = de - (math_log1p_exp(a2) - math_log1p_exp(a));
  }
  return de;`
    : `var de = model_rbm_b[i * C + x] - model_rbm_b[i * C + v];
  for (var j = 0u; j < RBM_H; j++) {
    let a = model_rbm_act(base, j);
    let a2 = (a - model_rbm_w[${wIdx("x")}]) + model_rbm_w[${wIdx("v")}];
    de = de - (math_log1p_exp(a2) - math_log1p_exp(a));
  }
  return de;`;
  const gradBody = binary
    ? `var g = -model_rbm_b[i];
  for (var j = 0u; j < RBM_H; j++) {
    g = g - math_sigmoid(model_rbm_act(base, j)) * model_rbm_w[${wIdx("")}];
  }
  return g;`
    : `var g = -model_rbm_b[i * C + c];
  for (var j = 0u; j < RBM_H; j++) {
    g = g - math_sigmoid(model_rbm_act(base, j)) * model_rbm_w[${wIdx("c")}];
  }
  return g;`;
  return /* wgsl */ `
const RBM_H: u32 = ${h}u;
fn model_rbm_act(base: u32, j: u32) -> f32 {
  var a = model_rbm_c[j];
  for (var i = 0u; i < D; i++) {
    ${actTerm}
  }
  return a;
}
fn model_energy(base: u32) -> f32 {
  var e = 0.0;
  for (var i = 0u; i < D; i++) { ${energyBias} }
  for (var j = 0u; j < RBM_H; j++) { e = e - math_log1p_exp(model_rbm_act(base, j)); }
  return e;
}
fn model_delta(base: u32, i: u32, v: u32) -> f32 {
  let x = state[base + i];
  if (v == x) { return 0.0; }
  ${deltaBody}
}
fn model_grad(base: u32, i: u32, c: u32) -> f32 {
  ${gradBody}
}
`;
}

/** Reorders visible-major `[D, C, H]` weights into hidden-major `[H, D, C]`. */
function toHiddenMajor(w: Float32Array, d: number, c: number, h: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < c; k++) {
      for (let j = 0; j < h; j++) out[(j * d + i) * c + k] = w[(i * c + k) * h + j];
    }
  }
  return out;
}

/**
 * Builds an RBM's marginal model over visible units. Random instances draw W, b and c from
 * N(0, sigma^2) with `seed` (a test fixture, not a trained model).
 *
 * @example
 * ```ts
 * const model = rbmModel({ numVisible: 8, numHidden: 4, seed: 3 });
 * console.log(model.numSites, model.numHidden); // 8 4
 * ```
 */
export function rbmModel(opts: RbmOptions = {}): RbmModel {
  const c = opts.numCategories ?? 2;
  checkPositiveInt("numCategories", c, 2);
  // C = 2 is the binary RBM (one weight per (j, i)); C > 2 the categorical one.
  const binary = c === 2;
  const cw = binary ? 1 : c;
  const sigma = opts.sigma ?? 1;
  const seed = opts.seed ?? 0;
  const given = opts.weights !== undefined || opts.visibleBias !== undefined ||
    opts.hiddenBias !== undefined;
  let w: Float32Array, b: Float32Array, hb: Float32Array, d: number, h: number;
  if (given) {
    if (!opts.weights || !opts.visibleBias || !opts.hiddenBias) {
      throw new Error("explicit RBM parameters need weights, visibleBias and hiddenBias together");
    }
    h = opts.hiddenBias.length;
    d = opts.visibleBias.length / cw;
    if (h < 1 || !Number.isInteger(d) || d < 1) {
      throw new Error(
        `visibleBias has ${opts.visibleBias.length} entries and hiddenBias ${h}: expected D*${cw} and H >= 1`,
      );
    }
    if (opts.numVisible !== undefined && opts.numVisible !== d) {
      throw new Error(
        `visibleBias gives ${d} visible units: expected numVisible ${opts.numVisible}`,
      );
    }
    b = f32Param("visibleBias", opts.visibleBias, d * cw);
    hb = f32Param("hiddenBias", opts.hiddenBias, h);
    w = f32Param("weights", opts.weights, h * d * cw);
    if (opts.weightsOrder === "visible-major") w = toHiddenMajor(w, d, cw, h);
  } else {
    d = opts.numVisible ?? 784;
    h = opts.numHidden ?? 25;
    checkPositiveInt("numVisible", d);
    checkPositiveInt("numHidden", h);
    checkSigma("sigma", sigma);
    const z = normalArray(seed, 0x72626d00, h * d * cw + d * cw + h);
    w = Float32Array.from(z.subarray(0, h * d * cw), (v) => sigma * v);
    b = Float32Array.from(z.subarray(h * d * cw, h * d * cw + d * cw), (v) => sigma * v);
    hb = Float32Array.from(z.subarray(h * d * cw + d * cw), (v) => sigma * v);
  }
  const f = Math.fround;
  const wi = (j: number, i: number, k: number) => binary ? j * d + i : (j * d + i) * c + k;
  const act = (x: Uint32Array, base: number, j: number) => {
    let a = hb[j];
    if (binary) {
      for (let i = 0; i < d; i++) if (x[base + i] === 1) a = f(a + w[j * d + i]);
    } else {
      for (let i = 0; i < d; i++) a = f(a + w[(j * d + i) * c + x[base + i]]);
    }
    return a;
  };
  return {
    name: "rbm",
    numSites: d,
    numCategories: c,
    numHidden: h,
    binary,
    weights: w,
    visibleBias: b,
    hiddenBias: hb,
    config: given
      ? { model: "rbm", numVisible: d, numHidden: h, numCategories: c, parameters: "given" }
      : { model: "rbm", numVisible: d, numHidden: h, numCategories: c, sigma, seed },
    energy(x, base) {
      let e = 0;
      for (let i = 0; i < d; i++) {
        if (binary) {
          if (x[base + i] === 1) e = f(e - b[i]);
        } else e = f(e - b[i * c + x[base + i]]);
      }
      for (let j = 0; j < h; j++) e = f(e - mathLog1pExp(act(x, base, j)));
      return e;
    },
    delta(x, base, i, v) {
      const cur = x[base + i];
      if (v === cur) return 0;
      let de = binary ? (v === 1 ? -b[i] : b[i]) : f(b[i * c + cur] - b[i * c + v]);
      for (let j = 0; j < h; j++) {
        const a = act(x, base, j);
        const a2 = binary
          ? (v === 1 ? f(a + w[wi(j, i, 0)]) : f(a - w[wi(j, i, 0)]))
          : f(f(a - w[wi(j, i, cur)]) + w[wi(j, i, v)]);
        de = f(de - f(mathLog1pExp(a2) - mathLog1pExp(a)));
      }
      return de;
    },
    grad(x, base, i, k) {
      if (binary) {
        let g = -b[i];
        for (let j = 0; j < h; j++) g = f(g - f(mathSigmoid(act(x, base, j)) * w[j * d + i]));
        return g;
      }
      let g = -b[i * c + k];
      for (let j = 0; j < h; j++) {
        g = f(g - f(mathSigmoid(act(x, base, j)) * w[wi(j, i, k)]));
      }
      return g;
    },
    wgsl: {
      code: rbmWgsl(h, binary),
      loopCost: { energy: d * h + d, call: d * h + h },
      params: [
        { name: "model_rbm_w", data: w },
        { name: "model_rbm_b", data: b },
        { name: "model_rbm_c", data: hb },
      ],
    },
  };
}

/** The registry entry of `rbm`. */
export const rbmDescriptor = defineModel({
  name: "rbm",
  summary: "Binary restricted Boltzmann machine, hidden units summed out.",
  schema: RbmConfig,
  arrayOptions: ["weights", "visibleBias", "hiddenBias"],
  build: ({ name: _, ...opts }, arrays) => rbmModel({ ...opts, ...arrays }),
});
