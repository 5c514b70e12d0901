/**
 * Landscapes built from anisotropic Gaussian terms plus a quartic wall:
 *
 *   V(x) = sum_k A_k exp(-1/2 (x - mu_k)^T P_k (x - mu_k)) + sum_i q_i x_i^4.
 *
 * Negative A_k dig wells (narrow, wide or elongated), positive A_k raise ridges; a precision
 * P_k that is zero along one axis gives a term that extends forever along it (a wall), and a
 * wall minus a narrow bump leaves a gap in it (an entropic channel). The basin benchmark's
 * geometry-versus-dynamics systems are built from these.
 * @module
 */
import { findMinima } from "./basins_truth.ts";
import { definePotential } from "./define.ts";
import type { Potential } from "./potential.ts";

/** One Gaussian term. */
export interface GaussianTerm {
  /** Amplitude A (negative: a well, positive: a ridge). */
  readonly amplitude: number;
  /** Centre mu (length dim). */
  readonly center: readonly number[];
  /** Symmetric precision P, row-major dim x dim (may be singular: unbounded along its null space). */
  readonly precision: readonly number[];
}

/** Options of {@link gaussianTerms}. */
export interface GaussianTermsOptions {
  readonly name: string;
  readonly terms: readonly GaussianTerm[];
  /** Quartic wall coefficients q_i, one per coordinate (default 0). */
  readonly quartic?: readonly number[];
  /** Points that quench to the minima, in the order basin labels should use. */
  readonly minimaGuesses: readonly (readonly number[])[];
  readonly box?: { readonly lo: readonly number[]; readonly hi: readonly number[] };
}

/**
 * Precision of an axis-aligned Gaussian with standard deviations `sd` (Infinity: unbounded).
 *
 * @example
 * ```ts
 * diagPrecision([0.5, Infinity]); // [4, 0, 0, 0]
 * ```
 */
export function diagPrecision(sd: readonly number[]): number[] {
  const d = sd.length, p = new Array(d * d).fill(0);
  sd.forEach((s, i) => (p[i * d + i] = Number.isFinite(s) ? 1 / (s * s) : 0));
  return p;
}

/**
 * Builds the potential; its minima are found by quenching from `minimaGuesses` (deduplicated, in
 * order), so labels are the index of the guess whose well a point descends to. The WGSL twin
 * reads k, then per term [A, mu(dim), P(dim x dim)], then q(dim) from `model_params`.
 *
 * @example
 * ```ts
 * const p = gaussianTerms({
 *   name: "two-wells", terms: [
 *     { amplitude: -1, center: [-1, 0], precision: diagPrecision([0.5, 0.5]) },
 *     { amplitude: -1, center: [1, 0], precision: diagPrecision([0.5, 0.5]) },
 *   ], quartic: [0.01, 0.01], minimaGuesses: [[-1, 0], [1, 0]],
 * });
 * p.minima.length; // 2
 * ```
 */
export function gaussianTerms(o: GaussianTermsOptions): Potential {
  const dim = o.minimaGuesses[0]?.length ?? 0;
  if (!(dim >= 1)) throw new Error(`gaussianTerms(${o.name}): need at least one minimum guess`);
  const k = o.terms.length;
  const amp = new Float64Array(k),
    mu = new Float64Array(k * dim),
    prec = new Float64Array(k * dim * dim);
  o.terms.forEach((t, j) => {
    if (t.center.length !== dim || t.precision.length !== dim * dim) {
      throw new Error(`gaussianTerms(${o.name}): term ${j} has the wrong centre or precision size`);
    }
    for (let a = 0; a < dim; a++) {
      for (let b = 0; b < dim; b++) {
        if (t.precision[a * dim + b] !== t.precision[b * dim + a]) {
          throw new Error(`gaussianTerms(${o.name}): term ${j} precision is not symmetric`);
        }
      }
    }
    amp[j] = t.amplitude;
    mu.set(t.center, j * dim);
    prec.set(t.precision, j * dim * dim);
  });
  const q = Float64Array.from(o.quartic ?? new Array(dim).fill(0));
  if (q.length !== dim) throw new Error(`gaussianTerms(${o.name}): quartic needs ${dim} values`);
  const r = new Float64Array(dim), pr = new Float64Array(dim);
  // e_k and P_k (x - mu_k) into pr; returns A_k e_k.
  const term = (x: Float64Array, j: number) => {
    for (let a = 0; a < dim; a++) r[a] = x[a] - mu[j * dim + a];
    let quad = 0;
    for (let a = 0; a < dim; a++) {
      let s = 0;
      for (let b = 0; b < dim; b++) s += prec[(j * dim + a) * dim + b] * r[b];
      pr[a] = s;
      quad += r[a] * s;
    }
    return amp[j] * Math.exp(-0.5 * quad);
  };
  const core = {
    name: o.name,
    dim,
    energy(x: Float64Array) {
      let v = 0;
      for (let j = 0; j < k; j++) v += term(x, j);
      for (let a = 0; a < dim; a++) v += q[a] * x[a] ** 4;
      return v;
    },
    gradient(x: Float64Array, g: Float64Array) {
      for (let a = 0; a < dim; a++) g[a] = 4 * q[a] * x[a] ** 3;
      for (let j = 0; j < k; j++) {
        const ae = term(x, j);
        for (let a = 0; a < dim; a++) g[a] -= ae * pr[a];
      }
    },
  };
  // model_params: [k, then per term A, mu(dim), P(dim x dim), then q(dim)]; the dimension comes
  // from model_dim(), so every landscape shares one program. P (x - mu) is formed twice per
  // term (for the quadratic form, then for the gradient) instead of kept in a per-invocation
  // array sized by the dimension.
  const stride = 1 + dim + dim * dim;
  const params = new Float32Array(1 + k * stride + dim);
  params[0] = k;
  for (let j = 0; j < k; j++) {
    params[1 + j * stride] = amp[j];
    params.set(mu.subarray(j * dim, j * dim + dim), 1 + j * stride + 1);
    params.set(prec.subarray(j * dim * dim, (j + 1) * dim * dim), 1 + j * stride + 1 + dim);
  }
  params.set(q, 1 + k * stride);
  const code = `
fn model_terms_prec_row(x: u32, o: u32, n: u32, a: u32) -> f32 {
  var s = 0.0;
  for (var b = 0u; b < n; b++) {
    s += model_params[o + 1u + n + a * n + b] * (model_x(x, b) - model_params[o + 1u + b]);
  }
  return s;
}
fn model_grad_energy(x: u32, g: u32) -> f32 {
  let n = model_dim();
  let k = u32(model_params[0]);
  let stride = 1u + n + n * n;
  let qo = 1u + k * stride;
  var v = 0.0;
  for (var a = 0u; a < n; a++) {
    let qa = model_params[qo + a];
    let xa = model_x(x, a);
    v += qa * xa * xa * xa * xa;
    model_g_set(g, a, 4.0 * qa * xa * xa * xa);
  }
  for (var j = 0u; j < k; j++) {
    let o = 1u + j * stride;
    var quad = 0.0;
    for (var a = 0u; a < n; a++) {
      quad += (model_x(x, a) - model_params[o + 1u + a]) * model_terms_prec_row(x, o, n, a);
    }
    let ae = model_params[o] * exp(-0.5 * quad);
    v += ae;
    for (var a = 0u; a < n; a++) {
      model_g_set(g, a, model_g(g, a) - ae * model_terms_prec_row(x, o, n, a));
    }
  }
  return v;
}
`;
  const minima = findMinima(core, o.minimaGuesses).map((m) => Array.from(m));
  if (minima.length !== o.minimaGuesses.length) {
    throw new Error(
      `gaussianTerms(${o.name}): ${o.minimaGuesses.length} guesses quench to ${minima.length} minima`,
    );
  }
  return definePotential(core, {
    minima,
    exact: true,
    ...(o.box ? { box: o.box } : {}),
    wgsl: {
      key: "gaussian-terms",
      code,
      params,
      loopCost: dim + k * (2 * dim * dim + 2 * dim),
    },
  });
}
