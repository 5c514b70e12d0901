/**
 * Test potentials with exact answers: quadratics V(x) = 1/2 (x - m)^T A (x - m) with a WGSL
 * twin reading A and m from `model_params`, and a separable quartic whose CPU twin does the
 * WGSL's f32 operations in the same order (so GPU and CPU twins can agree bit for bit).
 * @module
 */
import type { DynamicsPotential } from "../../src/dynamics/mod.ts";

const QUADRATIC_WGSL = `
fn model_grad_energy(x: u32, g: u32) -> f32 {
  let n = model_dim();
  var v = 0.0;
  for (var i = 0u; i < n; i++) {
    var s = 0.0;
    for (var j = 0u; j < n; j++) {
      s += model_params[i * n + j] * (model_x(x, j) - model_params[n * n + j]);
    }
    model_g_set(g, i, s);
    v += 0.5 * s * (model_x(x, i) - model_params[n * n + i]);
  }
  return v;
}
`;

/** V(x) = 1/2 (x - m)^T A (x - m) for symmetric positive-definite A (row-major, dim x dim). */
export function quadratic(a: readonly number[], m: readonly number[]): DynamicsPotential {
  const dim = m.length;
  if (a.length !== dim * dim) throw new Error("quadratic: A must be dim x dim");
  const gradient = (x: Float64Array, g: Float64Array) => {
    for (let i = 0; i < dim; i++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += a[i * dim + j] * (x[j] - m[j]);
      g[i] = s;
    }
  };
  return {
    name: "quadratic",
    dim,
    energy(x) {
      const g = new Float64Array(dim);
      gradient(x, g);
      let v = 0;
      for (let i = 0; i < dim; i++) v += 0.5 * g[i] * (x[i] - m[i]);
      return v;
    },
    gradient,
    wgsl: {
      key: "quadratic",
      code: QUADRATIC_WGSL,
      params: Float32Array.from([...a, ...m]),
      loopCost: dim * dim + dim,
    },
  };
}

/** 1-D harmonic V = k x^2 / 2. */
export function harmonic(k: number): DynamicsPotential {
  return quadratic([k], [0]);
}

const fr = Math.fround;

/**
 * V(x) = sum_i (x_i^2 - 1)^2 / 4 in any dimension (a double well per coordinate). The CPU
 * energy and gradient round every operation to f32 in the WGSL's order, and `math_keep` keeps
 * the WGSL from fusing x^2 - 1 into one rounding, so both twins compute the same bits.
 * `fixed` declares the dimension fixed (hosts then bake it into the program).
 */
export function separableQuartic(dim: number, fixed = false): DynamicsPotential {
  return {
    name: "separable-quartic",
    dim,
    energy(x) {
      let v = 0;
      for (let i = 0; i < dim; i++) {
        const a = fr(fr(x[i] * x[i]) - 1);
        v = fr(v + fr(0.25 * fr(a * a)));
      }
      return v;
    },
    gradient(x, g) {
      for (let i = 0; i < dim; i++) g[i] = fr(x[i] * fr(fr(x[i] * x[i]) - 1));
    },
    wgsl: {
      key: fixed ? `separable-quartic:d=${dim}` : "separable-quartic",
      code: `
fn model_grad_energy(x: u32, g: u32) -> f32 {
  var v = 0.0;
  for (var i = 0u; i < model_dim(); i++) {
    let xi = model_x(x, i);
    let a = math_keep(xi * xi) - 1.0;
    model_g_set(g, i, xi * a);
    v = v + math_keep(0.25 * math_keep(a * a));
  }
  return v;
}
`,
      params: null,
      loopCost: dim,
      ...(fixed ? { fixedDim: dim } : {}),
    },
  };
}
