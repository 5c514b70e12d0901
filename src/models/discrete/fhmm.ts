/**
 * The DISCS factorial HMM (`discs/models/fhmm.py`): the posterior over hidden chains
 * X in {0..C-1}^{L x K} given a series y in R^L simulated once from the prior,
 * `y_l = b + sum_k W_{k, x_{l,k}} + sigma eps_l`. The energy is the unnormalised negative log
 * posterior
 * `E(X) = -sum_k log pi0(x_{0,k}) - sum_{l>0,k} log T(x_{l-1,k}, x_{l,k})
 *         + sum_l (y_l - b - sum_k W_{k, x_{l,k}})^2 / (2 sigma^2)`.
 *
 * C = 2 is DISCS's binary FHMM: pi0 = Bern(alpha), stay probability `persistence` (beta),
 * emission `sum_k W_k x_{l,k}` (W_{k,0} = 0). C > 2 is the categorical FHMM: pi0(0) = 1 - alpha
 * and alpha split over the other categories by normalised U(0,1) weights, W ~ N(0,1)^{K x C}.
 * Its transition matrix is by default the intended one (beta on the diagonal,
 * (1 - beta)/(C - 1) off it); `transition: "discs"` reproduces DISCS's code, whose rows are not
 * normalised (off-diagonal 1/(C-1), diagonal d + (1-d)/(C-1) with d = beta - (1-beta)/(C-1)),
 * which is a normalised chain with a smaller stay probability (~0.45 for C = 4, beta = 0.8).
 * Sites are time-major: site `l * K + k`.
 * @module
 */
import { z } from "npm:zod@4.6.7";
import type { DiscreteModel } from "./model.ts";
import { normalArray, uniformArray } from "../../random/params.ts";
import { checkPositiveInt, f32Param } from "./checks.ts";
import { defineModel } from "./descriptor.ts";

/** Zod schema of the FHMM's configuration (DISCS binary defaults: L = 200, K = 50). */
export const FhmmConfig = z.object({
  name: z.literal("fhmm"),
  numSteps: z.number().int().positive().default(200),
  numChains: z.number().int().positive().default(50),
  numCategories: z.number().int().min(2).default(2),
  alpha: z.number().gt(0).lt(1).default(0.1),
  persistence: z.number().gt(0).lt(1).default(0.8),
  sigma: z.number().positive().finite().default(2),
  transition: z.enum(["intended", "discs"]).default("intended"),
  seed: z.number().int().nonnegative().default(0),
}).strict();

/** FHMM options; explicit parameters (all of `weights`, `bias`, `observations`) skip simulation. */
export interface FhmmOptions {
  /** Series length L (default 200). */
  numSteps?: number;
  /** Hidden chains K (default 50). */
  numChains?: number;
  /** Categories C (default 2, the binary FHMM). */
  numCategories?: number;
  /** Initial probability of a non-zero state (default 0.1). */
  alpha?: number;
  /** Stay probability beta (default 0.8). */
  persistence?: number;
  /** Observation noise (default 2). */
  sigma?: number;
  transition?: "intended" | "discs";
  seed?: number;
  /** Emission weights `[K, C]` row-major (binary: column 0 should be 0). */
  weights?: ArrayLike<number>;
  bias?: number;
  /** Observed series y (L values). */
  observations?: ArrayLike<number>;
}

/** An FHMM posterior with its parameters and (when simulated) the ground truth. */
export interface FhmmModel extends DiscreteModel {
  readonly numSteps: number;
  readonly numChains: number;
  /** `weights[k * C + c]`. */
  readonly weights: Float32Array;
  readonly bias: number;
  readonly observations: Float32Array;
  /** log pi0 (C values) and log T (`[C, C]`, from-row-major) as used by the energy (f32). */
  readonly logInit: Float32Array;
  readonly logTrans: Float32Array;
  /** 1 / (2 sigma^2) in f32. */
  readonly invTwoSigma2: number;
  /** The simulated hidden states (empty when parameters were given). */
  readonly truth: Uint32Array;
}

function fhmmWgsl(l: number, k: number): string {
  return /* wgsl */ `
const FHMM_L: u32 = ${l}u;
const FHMM_K: u32 = ${k}u;
fn model_energy(base: u32) -> f32 {
  let b = model_fhmm_scalars[0];
  let h = model_fhmm_scalars[1];
  var e = 0.0;
  for (var l = 0u; l < FHMM_L; l++) {
    var mu = b;
    for (var k = 0u; k < FHMM_K; k++) {
      let x = state[base + l * FHMM_K + k];
      mu = mu + model_fhmm_w[k * C + x];
      if (l == 0u) {
        e = e - model_fhmm_log_init[x];
      } else {
        e = e - model_fhmm_log_trans[state[base + (l - 1u) * FHMM_K + k] * C + x];
      }
    }
    let r = model_fhmm_y[l] - mu;
    e = e + r * r * h;
  }
  return e;
}
// Log-prior terms of site (l, k) taking category c, given its neighbours in time.
fn model_fhmm_prior(base: u32, l: u32, k: u32, c: u32) -> f32 {
  var t = 0.0;
  if (l == 0u) {
    t = t - model_fhmm_log_init[c];
  } else {
    t = t - model_fhmm_log_trans[state[base + (l - 1u) * FHMM_K + k] * C + c];
  }
  if (l + 1u < FHMM_L) { t = t - model_fhmm_log_trans[c * C + state[base + (l + 1u) * FHMM_K + k]]; }
  return t;
}
// Residual y_l - mu_l with site (l, k) set to c.
fn model_fhmm_resid(base: u32, l: u32, k: u32, c: u32) -> f32 {
  var mu = model_fhmm_scalars[0];
  for (var q = 0u; q < FHMM_K; q++) {
    var x = state[base + l * FHMM_K + q];
    if (q == k) { x = c; }
    mu = mu + model_fhmm_w[q * C + x];
  }
  return model_fhmm_y[l] - mu;
}
fn model_fhmm_local(base: u32, l: u32, k: u32, c: u32) -> f32 {
  let r = model_fhmm_resid(base, l, k, c);
  return r * r * model_fhmm_scalars[1] + model_fhmm_prior(base, l, k, c);
}
fn model_delta(base: u32, i: u32, v: u32) -> f32 {
  let x = state[base + i];
  if (v == x) { return 0.0; }
  let l = i / FHMM_K;
  let k = i % FHMM_K;
  return model_fhmm_local(base, l, k, v) - model_fhmm_local(base, l, k, x);
}
fn model_fhmm_gradc(base: u32, l: u32, k: u32, c: u32, s: f32) -> f32 {
  return model_fhmm_prior(base, l, k, c) - s * model_fhmm_w[k * C + c];
}
fn model_grad(base: u32, i: u32, c: u32) -> f32 {
  let l = i / FHMM_K;
  let k = i % FHMM_K;
  let r = model_fhmm_resid(base, l, k, state[base + i]);
  let s = (r + r) * model_fhmm_scalars[1];
  if (C == 2u) { return model_fhmm_gradc(base, l, k, 1u, s) - model_fhmm_gradc(base, l, k, 0u, s); }
  return model_fhmm_gradc(base, l, k, c, s);
}
`;
}

/** Initial distribution and transition matrix (float64, unnormalised for "discs"). */
function priorTables(
  c: number,
  alpha: number,
  beta: number,
  transition: "intended" | "discs",
  seed: number,
): { init: Float64Array; trans: Float64Array } {
  const init = new Float64Array(c);
  init[0] = 1 - alpha;
  const split = uniformArray(seed, 0x66686d33, c - 1);
  const total = split.reduce((a, b) => a + b, 0);
  for (let q = 1; q < c; q++) init[q] = c === 2 ? alpha : alpha * split[q - 1] / total;
  const trans = new Float64Array(c * c);
  const dq = beta - (1 - beta) / (c - 1);
  for (let a = 0; a < c; a++) {
    for (let b = 0; b < c; b++) {
      trans[a * c + b] = transition === "intended"
        ? (a === b ? beta : (1 - beta) / (c - 1))
        : (a === b ? dq + (1 - dq) / (c - 1) : 1 / (c - 1));
    }
  }
  return { init, trans };
}

/** Draws category from unnormalised weights `w[off..off+c)` with uniform u. */
function pick(w: Float64Array, off: number, c: number, u: number): number {
  let total = 0;
  for (let q = 0; q < c; q++) total += w[off + q];
  let acc = 0;
  for (let q = 0; q < c - 1; q++) {
    acc += w[off + q] / total;
    if (u < acc) return q;
  }
  return c - 1;
}

/**
 * Builds an FHMM posterior. Without explicit parameters it draws W, b, a ground-truth X from
 * the prior and y from the emission model, all from `seed`. `delta` and `grad` cost O(K).
 * With C = 2 `grad` is the binary derivative (one-hot `grad_1 - grad_0`).
 *
 * @example
 * ```ts
 * const model = fhmmModel({ numSteps: 20, numChains: 3, seed: 4 });
 * console.log(model.numSites, model.truth.length); // 60 60
 * ```
 */
export function fhmmModel(opts: FhmmOptions = {}): FhmmModel {
  const l = opts.numSteps ?? 200;
  const k = opts.numChains ?? 50;
  const c = opts.numCategories ?? 2;
  const alpha = opts.alpha ?? 0.1;
  const beta = opts.persistence ?? 0.8;
  const sigma = opts.sigma ?? 2;
  const transition = opts.transition ?? "intended";
  const seed = opts.seed ?? 0;
  checkPositiveInt("numSteps", l);
  checkPositiveInt("numChains", k);
  checkPositiveInt("numCategories", c, 2);
  if (!(alpha > 0 && alpha < 1)) throw new Error(`alpha must be in (0, 1), got ${alpha}`);
  if (!(beta > 0 && beta < 1)) throw new Error(`persistence must be in (0, 1), got ${beta}`);
  if (!(sigma > 0 && Number.isFinite(sigma))) {
    throw new Error(`sigma must be a finite number > 0, got ${sigma}`);
  }
  const { init, trans } = priorTables(c, alpha, beta, transition, seed);
  const given = opts.weights !== undefined || opts.observations !== undefined ||
    opts.bias !== undefined;
  let weights: Float32Array, bias: number, y: Float32Array;
  let truth = new Uint32Array(0);
  if (given) {
    if (!opts.weights || !opts.observations || opts.bias === undefined) {
      throw new Error("explicit FHMM parameters need weights, bias and observations together");
    }
    weights = f32Param("weights", opts.weights, k * c);
    y = f32Param("observations", opts.observations, l);
    if (!Number.isFinite(opts.bias)) throw new Error(`bias must be finite, got ${opts.bias}`);
    bias = Math.fround(opts.bias);
  } else {
    const z = normalArray(seed, 0x66686d31, k * c + 1);
    weights = new Float32Array(k * c);
    for (let q = 0; q < k; q++) {
      for (let a = 0; a < c; a++) weights[q * c + a] = c === 2 && a === 0 ? 0 : z[q * c + a];
    }
    bias = Math.fround(z[k * c]);
    // Ground truth from the prior (rows of T normalised), then y = b + sum_k W + sigma eps.
    const u = uniformArray(seed, 0x66686d32, l * k);
    const eps = normalArray(seed, 0x66686d34, l);
    truth = new Uint32Array(l * k);
    y = new Float32Array(l);
    for (let t = 0; t < l; t++) {
      let mu = bias;
      for (let q = 0; q < k; q++) {
        const i = t * k + q;
        truth[i] = t === 0 ? pick(init, 0, c, u[i]) : pick(trans, truth[i - k] * c, c, u[i]);
        mu += weights[q * c + truth[i]];
      }
      y[t] = mu + sigma * eps[t];
    }
  }
  const logInit = Float32Array.from(init, Math.log);
  const logTrans = Float32Array.from(trans, Math.log);
  const h = Math.fround(1 / (2 * sigma * sigma));
  const f = Math.fround;
  const prior = (x: Uint32Array, base: number, t: number, q: number, a: number) => {
    let s = 0;
    s = t === 0 ? f(s - logInit[a]) : f(s - logTrans[x[base + (t - 1) * k + q] * c + a]);
    if (t + 1 < l) s = f(s - logTrans[a * c + x[base + (t + 1) * k + q]]);
    return s;
  };
  const resid = (x: Uint32Array, base: number, t: number, q: number, a: number) => {
    let mu = bias;
    for (let p = 0; p < k; p++) mu = f(mu + weights[p * c + (p === q ? a : x[base + t * k + p])]);
    return f(y[t] - mu);
  };
  const local = (x: Uint32Array, base: number, t: number, q: number, a: number) => {
    const r = resid(x, base, t, q, a);
    return f(f(f(r * r) * h) + prior(x, base, t, q, a));
  };
  const gradc = (x: Uint32Array, base: number, t: number, q: number, a: number, s: number) =>
    f(prior(x, base, t, q, a) - f(s * weights[q * c + a]));
  return {
    name: "fhmm",
    numSites: l * k,
    numCategories: c,
    numSteps: l,
    numChains: k,
    weights,
    bias,
    observations: y,
    logInit,
    logTrans,
    invTwoSigma2: h,
    truth,
    config: given
      ? {
        model: "fhmm",
        numSteps: l,
        numChains: k,
        numCategories: c,
        alpha,
        persistence: beta,
        sigma,
        transition,
        parameters: "given",
      }
      : {
        model: "fhmm",
        numSteps: l,
        numChains: k,
        numCategories: c,
        alpha,
        persistence: beta,
        sigma,
        transition,
        seed,
      },
    energy(x, base) {
      let e = 0;
      for (let t = 0; t < l; t++) {
        let mu = bias;
        for (let q = 0; q < k; q++) {
          const a = x[base + t * k + q];
          mu = f(mu + weights[q * c + a]);
          e = t === 0 ? f(e - logInit[a]) : f(e - logTrans[x[base + (t - 1) * k + q] * c + a]);
        }
        const r = f(y[t] - mu);
        e = f(e + f(f(r * r) * h));
      }
      return e;
    },
    delta(x, base, i, v) {
      const a = x[base + i];
      if (v === a) return 0;
      const t = Math.floor(i / k), q = i % k;
      return f(local(x, base, t, q, v) - local(x, base, t, q, a));
    },
    grad(x, base, i, a) {
      const t = Math.floor(i / k), q = i % k;
      const r = resid(x, base, t, q, x[base + i]);
      const s = f(f(r + r) * h);
      if (c === 2) return f(gradc(x, base, t, q, 1, s) - gradc(x, base, t, q, 0, s));
      return gradc(x, base, t, q, a, s);
    },
    wgsl: {
      code: fhmmWgsl(l, k),
      loopCost: { energy: 2 * l * k + l, call: 2 * k },
      params: [
        { name: "model_fhmm_w", data: weights },
        { name: "model_fhmm_y", data: y },
        { name: "model_fhmm_scalars", data: Float32Array.of(bias, h) },
        { name: "model_fhmm_log_init", data: logInit },
        { name: "model_fhmm_log_trans", data: logTrans },
      ],
    },
  };
}

/** The registry entry of `fhmm`. */
export const fhmmDescriptor = defineModel({
  name: "fhmm",
  summary: "Factorial hidden Markov model posterior over hidden chains.",
  schema: FhmmConfig,
  arrayOptions: ["weights", "bias", "observations"],
  build: ({ name: _, ...opts }, arrays) => fhmmModel({ ...opts, ...arrays }),
});
