/**
 * Quadratic test potentials with exact answers: V(x) = 1/2 (x - m)^T A (x - m), with a WGSL
 * twin reading A and m from `model_params`.
 * @module
 */
import type { DynamicsPotential } from "../../src/dynamics/mod.ts";

/** V(x) = 1/2 (x - m)^T A (x - m) for symmetric positive-definite A (row-major, dim x dim). */
export function quadratic(a: readonly number[], m: readonly number[]): DynamicsPotential {
  const dim = m.length;
  if (a.length !== dim * dim) throw new Error("quadratic: A must be dim x dim");
  const code = `const DIM: u32 = ${dim}u;
fn model_grad_energy(x: ptr<function, array<f32, DIM>>, g: ptr<function, array<f32, DIM>>) -> f32 {
  var v = 0.0;
  for (var i = 0u; i < DIM; i++) {
    var s = 0.0;
    for (var j = 0u; j < DIM; j++) {
      s += model_params[i * DIM + j] * ((*x)[j] - model_params[DIM * DIM + j]);
    }
    (*g)[i] = s;
    v += 0.5 * s * ((*x)[i] - model_params[DIM * DIM + i]);
  }
  return v;
}
fn model_energy(x: ptr<function, array<f32, DIM>>) -> f32 {
  var g: array<f32, DIM>;
  return model_grad_energy(x, &g);
}
`;
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
    wgsl: { key: `quadratic-${dim}`, code, params: Float32Array.from([...a, ...m]) },
  };
}

/** 1-D harmonic V = k x^2 / 2. */
export function harmonic(k: number): DynamicsPotential {
  return quadratic([k], [0]);
}
