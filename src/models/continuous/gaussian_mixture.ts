/**
 * Multi-well potentials in any dimension: the negative log-density of an isotropic Gaussian
 * mixture, with deterministically seeded, well-separated centres.
 * @module
 */
import { findMinima } from "./basins_truth.ts";
import { definePotential } from "./define.ts";
import type { Potential } from "./potential.ts";
import { SplitMix32 } from "../../random/splitmix.ts";

/** Components whose logits the WGSL keeps in a fixed private array (more take two passes). */
const MIX_CAP = 8;

/** Options for {@link gaussianMixture}. */
export interface GaussianMixtureOptions {
  /** State dimension (default 2). */
  readonly dim?: number;
  /** Number of components when `centers` is not given (default 3). */
  readonly k?: number;
  /** Explicit centres (k rows of length dim); overrides `k` and `seed`. */
  readonly centers?: readonly (readonly number[])[];
  /** Mixture weights (normalised internally; default equal). */
  readonly weights?: readonly number[];
  /** Component standard deviation s_k: one number or one per component (default 1). */
  readonly widths?: number | readonly number[];
  /** Seed of the centre placement (default 0). */
  readonly seed?: number;
  /** Minimum distance between sampled centres (default 4 x the largest width). */
  readonly minSeparation?: number;
  /** Centres are drawn uniformly in [-spread, spread]^dim (default minSeparation * max(1, k^(1/dim))). */
  readonly spread?: number;
}

/** A Gaussian-mixture potential that also exposes its components. */
export interface GaussianMixturePotential extends Potential {
  readonly centers: readonly Float64Array[];
  readonly weights: Float64Array;
  readonly widths: Float64Array;
}

/**
 * V(x) = -log sum_k w_k N(x; mu_k, s_k^2 I), evaluated by log-sum-exp. Its minima sit near the
 * centres (pulled slightly towards neighbours); they are found by quenching from each centre,
 * so `minima` lists the distinct wells in the order of the first centre that reaches each (fewer
 * than k when components overlap). The WGSL twin reads the components from `model_params`:
 * k, then per component [log w_k - (dim/2) log(2 pi s_k^2), 1 / (2 s_k^2), mu_k(0..dim-1)].
 *
 * @example
 * ```ts
 * const p = gaussianMixture({ dim: 10, k: 4, seed: 7 });
 * p.minima.length; // 4
 * ```
 */
export function gaussianMixture(opts: GaussianMixtureOptions = {}): GaussianMixturePotential {
  const dim = opts.centers?.[0]?.length ?? opts.dim ?? 2;
  if (!(Number.isInteger(dim) && dim >= 1)) {
    throw new Error(`gaussianMixture: dim must be a positive integer, got ${dim}`);
  }
  if (opts.dim !== undefined && opts.dim !== dim) {
    throw new Error(`gaussianMixture: centres have dimension ${dim} but dim is ${opts.dim}`);
  }
  const k = opts.centers?.length ?? opts.k ?? 3;
  if (!(Number.isInteger(k) && k >= 1)) {
    throw new Error(`gaussianMixture: k must be a positive integer, got ${k}`);
  }
  const widths = typeof opts.widths === "number" || opts.widths === undefined
    ? new Float64Array(k).fill(opts.widths ?? 1)
    : Float64Array.from(opts.widths);
  if (widths.length !== k || widths.some((s) => !(s > 0 && Number.isFinite(s)))) {
    throw new Error(`gaussianMixture: widths must be ${k} positive finite numbers`);
  }
  const w = Float64Array.from(opts.weights ?? new Array(k).fill(1));
  if (w.length !== k || w.some((v) => !(v > 0 && Number.isFinite(v)))) {
    throw new Error(`gaussianMixture: weights must be ${k} positive finite numbers`);
  }
  const wsum = w.reduce((a, b) => a + b, 0);
  for (let j = 0; j < k; j++) w[j] /= wsum;

  const centers = opts.centers
    ? opts.centers.map((c, j) => {
      if (c.length !== dim) {
        throw new Error(`gaussianMixture: centre ${j} has length ${c.length}, expected ${dim}`);
      }
      return Float64Array.from(c);
    })
    : placeCenters(dim, k, opts, Math.max(...widths));

  // Per component: log normaliser c_k and precision factor h_k = 1 / (2 s^2).
  const cst = new Float64Array(k);
  const h = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    cst[j] = Math.log(w[j]) - 0.5 * dim * Math.log(2 * Math.PI * widths[j] ** 2);
    h[j] = 1 / (2 * widths[j] ** 2);
  }
  const logits = new Float64Array(k);
  const fillLogits = (x: Float64Array) => {
    let mx = -Infinity;
    for (let j = 0; j < k; j++) {
      const mu = centers[j];
      let d2 = 0;
      for (let i = 0; i < dim; i++) d2 += (x[i] - mu[i]) ** 2;
      logits[j] = cst[j] - h[j] * d2;
      if (logits[j] > mx) mx = logits[j];
    }
    let sum = 0;
    for (let j = 0; j < k; j++) {
      logits[j] = Math.exp(logits[j] - mx);
      sum += logits[j];
    }
    return { mx, sum }; // logits now hold unnormalised responsibilities
  };
  const core = {
    name: "gaussian-mixture",
    dim,
    energy: (x: Float64Array) => {
      const { mx, sum } = fillLogits(x);
      return -(mx + Math.log(sum));
    },
    gradient: (x: Float64Array, g: Float64Array) => {
      const { sum } = fillLogits(x);
      g.fill(0);
      for (let j = 0; j < k; j++) {
        const r = (logits[j] / sum) * 2 * h[j];
        const mu = centers[j];
        for (let i = 0; i < dim; i++) g[i] += r * (x[i] - mu[i]);
      }
    },
  };

  // model_params: [k, then per component c_k, h_k, mu_k(0..dim-1)]; the dimension comes from
  // model_dim(), so every size shares one program. Up to MODEL_MIX_CAP components the logits
  // sit in a fixed private array (its size is the cap, never the model's) and x is read once
  // per pass; more components take two passes over the components (the maximum logit, then
  // the weights and the gradient) with no per-component array.
  const stride = dim + 2;
  const params = new Float32Array(1 + k * stride);
  params[0] = k;
  for (let j = 0; j < k; j++) {
    params[1 + j * stride] = cst[j];
    params[1 + j * stride + 1] = h[j];
    params.set(centers[j], 1 + j * stride + 2);
  }
  const code = `
const MODEL_MIX_CAP: u32 = ${MIX_CAP}u;
fn model_mixture_logit(x: u32, o: u32, n: u32) -> f32 {
  var d2 = 0.0;
  for (var i = 0u; i < n; i++) { let d = model_x(x, i) - model_params[o + 2u + i]; d2 += d * d; }
  return model_params[o] - model_params[o + 1u] * d2;
}
fn model_mixture_few(x: u32, g: u32, n: u32, k: u32) -> f32 {
  let stride = n + 2u;
  var l: array<f32, MODEL_MIX_CAP>;
  for (var i = 0u; i < n; i++) {
    let xi = model_x(x, i);
    for (var j = 0u; j < k; j++) { let d = xi - model_params[3u + j * stride + i]; l[j] += d * d; }
  }
  var mx = -3.0e38;
  for (var j = 0u; j < k; j++) {
    l[j] = model_params[1u + j * stride] - model_params[2u + j * stride] * l[j];
    mx = max(mx, l[j]);
  }
  var sum = 0.0;
  for (var j = 0u; j < k; j++) { l[j] = exp(l[j] - mx); sum += l[j]; }
  for (var j = 0u; j < k; j++) { l[j] = 2.0 * model_params[2u + j * stride] * l[j] / sum; }
  for (var i = 0u; i < n; i++) {
    let xi = model_x(x, i);
    var s = 0.0;
    for (var j = 0u; j < k; j++) { s += l[j] * (xi - model_params[3u + j * stride + i]); }
    model_g_set(g, i, s);
  }
  return -(mx + log(sum));
}
fn model_grad_energy(x: u32, g: u32) -> f32 {
  let n = model_dim();
  let k = u32(model_params[0]);
  if (k <= MODEL_MIX_CAP) { return model_mixture_few(x, g, n, k); }
  let stride = n + 2u;
  var mx = -3.0e38;
  for (var j = 0u; j < k; j++) { mx = max(mx, model_mixture_logit(x, 1u + j * stride, n)); }
  for (var i = 0u; i < n; i++) { model_g_set(g, i, 0.0); }
  var sum = 0.0;
  for (var j = 0u; j < k; j++) {
    let o = 1u + j * stride;
    let e = exp(model_mixture_logit(x, o, n) - mx);
    sum += e;
    let r = 2.0 * model_params[o + 1u] * e;
    for (var i = 0u; i < n; i++) {
      model_g_set(g, i, model_g(g, i) + r * (model_x(x, i) - model_params[o + 2u + i]));
    }
  }
  let inv = 1.0 / sum;
  for (var i = 0u; i < n; i++) { model_g_set(g, i, model_g(g, i) * inv); }
  return -(mx + log(sum));
}
`;
  const minima = findMinima(core, centers).map((m) => Array.from(m));
  let lo = Infinity;
  let hi = -Infinity;
  centers.forEach((c, j) => {
    for (const v of c) {
      lo = Math.min(lo, v - 3 * widths[j]);
      hi = Math.max(hi, v + 3 * widths[j]);
    }
  });
  const p = definePotential(core, {
    minima,
    exact: true,
    box: { lo: new Array(dim).fill(lo), hi: new Array(dim).fill(hi) },
    wgsl: {
      key: "gaussian-mixture",
      code,
      params,
      loopCost: k <= MIX_CAP ? 2 * (k + 1) * dim + 4 * k : 3 * k * dim + 2 * dim + 2 * k,
    },
  });
  return Object.freeze({
    ...p,
    centers: Object.freeze(centers),
    weights: w,
    widths,
  });
}

function placeCenters(
  dim: number,
  k: number,
  opts: GaussianMixtureOptions,
  maxWidth: number,
): Float64Array[] {
  const sep = opts.minSeparation ?? 4 * maxWidth;
  const spread = opts.spread ?? sep * Math.max(1, k ** (1 / dim));
  const rng = new SplitMix32(opts.seed ?? 0);
  const out: Float64Array[] = [];
  for (let tries = 0; out.length < k; tries++) {
    if (tries > 100000) {
      throw new Error(
        `gaussianMixture: could not place ${k} centres ${sep} apart in [-${spread}, ${spread}]^${dim}; increase spread`,
      );
    }
    const c = new Float64Array(dim);
    for (let i = 0; i < dim; i++) c[i] = spread * (2 * rng.uniform() - 1);
    const ok = out.every((m) => {
      let d = 0;
      for (let i = 0; i < dim; i++) d += (m[i] - c[i]) ** 2;
      return Math.sqrt(d) >= sep;
    });
    if (ok) out.push(c);
  }
  return out;
}
