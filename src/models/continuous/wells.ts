/**
 * Polynomial and Gaussian-bump well potentials from deeptime, PyEMMA and MSMBuilder, with the
 * formulas of the code (not the docstrings; see shared/reference/basins.md section 3).
 * @module
 */
import { definePotential } from "./define.ts";
import { type Potential, wgslF32 } from "./potential.ts";

/** Options for {@link doubleWell}. */
export interface DoubleWellOptions {
  /** 1: V = (x^2-1)^2; 2: deeptime's `double_well_2d`, V = (x1^2-1)^2 + x2^2. Default 1. */
  readonly dim?: 1 | 2;
  /** Adds `tilt * x1` to make the wells unequal; |tilt| < 1.5 keeps two minima. Default 0. */
  readonly tilt?: number;
}

/**
 * Symmetric quartic double well (optionally tilted). Minima near x1 = -1 and +1 (in that order),
 * barrier 1 at tilt 0; the saddle (a maximum in 1-D) is near the origin.
 *
 * @example
 * ```ts
 * const p = doubleWell({ dim: 2 });
 * p.energy(Float64Array.of(0, 0)); // 1
 * ```
 */
export function doubleWell(opts: DoubleWellOptions = {}): Potential {
  const dim = opts.dim ?? 1;
  const tilt = opts.tilt ?? 0;
  if (dim !== 1 && dim !== 2) throw new Error(`doubleWell: dim must be 1 or 2, got ${dim}`);
  if (!(Math.abs(tilt) < 1.5)) {
    throw new Error(`doubleWell: |tilt| must be < 1.5 to keep two minima, got ${tilt}`);
  }
  const t = wgslF32(tilt);
  const y2 = dim === 2;
  const code = `
fn model_grad_energy(x: u32, g: u32) -> f32 {
  let x0 = model_x(x, 0u);
  let a = x0 * x0 - 1.0;
  model_g_set(g, 0u, 4.0 * x0 * a + ${t});${
    y2 ? "\n  model_g_set(g, 1u, 2.0 * model_x(x, 1u));" : ""
  }
  return a * a + ${t} * x0${y2 ? " + model_x(x, 1u) * model_x(x, 1u)" : ""};
}
`;
  const pad = (v: number) => (y2 ? [v, 0] : [v]);
  return definePotential({
    name: "double-well",
    dim,
    energy: (x) => (x[0] * x[0] - 1) ** 2 + tilt * x[0] + (y2 ? x[1] * x[1] : 0),
    gradient: (x, g) => {
      g[0] = 4 * x[0] * (x[0] * x[0] - 1) + tilt;
      if (y2) g[1] = 2 * x[1];
    },
  }, {
    minima: [pad(-1), pad(1)],
    saddles: [pad(0)],
    exact: tilt === 0,
    box: y2 ? { lo: [-2, -1.5], hi: [2, 1.5] } : { lo: [-2], hi: [2] },
    wgsl: {
      key: `double-well:d=${dim}:tilt=${Math.fround(tilt)}`,
      code,
      params: null,
      fixedDim: dim,
    },
  });
}

/**
 * PyEMMA's asymmetric 1-D double well, V = 2u - 6u^2 + u^4 with u = x - 2. Minima at
 * x = 0.190 (V = -12.54) and 3.642 (V = -5.62).
 *
 * @example
 * ```ts
 * const p = asymmetricDoubleWell();
 * p.minima.length; // 2
 * ```
 */
export function asymmetricDoubleWell(): Potential {
  const code = `
fn model_grad_energy(x: u32, g: u32) -> f32 {
  let u = model_x(x, 0u) - 2.0;
  let u2 = u * u;
  model_g_set(g, 0u, 2.0 - 12.0 * u + 4.0 * u2 * u);
  return 2.0 * u - 6.0 * u2 + u2 * u2;
}
`;
  return definePotential({
    name: "double-well-asymmetric",
    dim: 1,
    energy: (x) => {
      const u = x[0] - 2;
      return 2 * u - 6 * u * u + u ** 4;
    },
    gradient: (x, g) => {
      const u = x[0] - 2;
      g[0] = 2 - 12 * u + 4 * u * u * u;
    },
  }, {
    minima: [[0.19], [3.642]],
    saddles: [[2.168]],
    box: { lo: [-0.5], hi: [4.5] },
    wgsl: { key: "double-well-asymmetric:d=1", code, params: null, fixedDim: 1 },
  });
}

/**
 * deeptime's `quadruple_well`: V = (x1^2-1)^2 + (x2^2-1)^2. Minima (+-1, +-1) with V = 0 in the
 * order (-1,-1), (1,-1), (-1,1), (1,1); saddles (+-1, 0) and (0, +-1) with V = 1.
 *
 * @example
 * ```ts
 * quadrupleWell().energy(Float64Array.of(1, 0)); // 1
 * ```
 */
export function quadrupleWell(): Potential {
  const code = `
fn model_grad_energy(x: u32, g: u32) -> f32 {
  let a = model_x(x, 0u) * model_x(x, 0u) - 1.0;
  let b = model_x(x, 1u) * model_x(x, 1u) - 1.0;
  model_g_set(g, 0u, 4.0 * model_x(x, 0u) * a);
  model_g_set(g, 1u, 4.0 * model_x(x, 1u) * b);
  return a * a + b * b;
}
`;
  return definePotential({
    name: "quadruple-well",
    dim: 2,
    energy: (x) => (x[0] * x[0] - 1) ** 2 + (x[1] * x[1] - 1) ** 2,
    gradient: (x, g) => {
      g[0] = 4 * x[0] * (x[0] * x[0] - 1);
      g[1] = 4 * x[1] * (x[1] * x[1] - 1);
    },
  }, {
    minima: [[-1, -1], [1, -1], [-1, 1], [1, 1]],
    saddles: [[-1, 0], [1, 0], [0, -1], [0, 1]],
    exact: true,
    box: { lo: [-2, -2], hi: [2, 2] },
    wgsl: { key: "quadruple-well:d=2", code, params: null, fixedDim: 2 },
  });
}

/**
 * deeptime's `quadruple_well_asymmetric` (the code's coefficients):
 * V = x1^4 - x1^3/16 - 2x1^2 + 3x1/16 + x2^4 - x2^3/8 - 2x2^2 + 3x2/8.
 * Since V1' = (x1^2-1)(4x1 - 3/16) and V2' = (x2^2-1)(4x2 - 3/8), the critical points are exact:
 * minima (-1,-1) V=-2.375, (1,-1) -2.125, (-1,1) -1.875, (1,1) -1.625; saddles (3/64, +-1) and
 * (+-1, 3/32).
 *
 * @example
 * ```ts
 * quadrupleWellAsymmetric().energy(Float64Array.of(-1, -1)); // -2.375
 * ```
 */
export function quadrupleWellAsymmetric(): Potential {
  const code = `
fn model_grad_energy(x: u32, g: u32) -> f32 {
  let a = model_x(x, 0u);
  let b = model_x(x, 1u);
  model_g_set(g, 0u, (a * a - 1.0) * (4.0 * a - 0.1875));
  model_g_set(g, 1u, (b * b - 1.0) * (4.0 * b - 0.375));
  return a * (a * (a * (a - 0.0625) - 2.0) + 0.1875) + b * (b * (b * (b - 0.125) - 2.0) + 0.375);
}
`;
  return definePotential({
    name: "quadruple-well-asymmetric",
    dim: 2,
    energy: (x) => {
      const a = x[0];
      const b = x[1];
      return a ** 4 - a ** 3 / 16 - 2 * a * a + 3 * a / 16 + b ** 4 - b ** 3 / 8 - 2 * b * b +
        3 * b / 8;
    },
    gradient: (x, g) => {
      g[0] = (x[0] * x[0] - 1) * (4 * x[0] - 3 / 16);
      g[1] = (x[1] * x[1] - 1) * (4 * x[1] - 3 / 8);
    },
  }, {
    minima: [[-1, -1], [1, -1], [-1, 1], [1, 1]],
    saddles: [[3 / 64, -1], [3 / 64, 1], [-1, 3 / 32], [1, 3 / 32]],
    exact: true,
    box: { lo: [-2, -2], hi: [2, 2] },
    wgsl: { key: "quadruple-well-asymmetric:d=2", code, params: null, fixedDim: 2 },
  });
}

/**
 * deeptime's `triple_well_2d` (Schütte & Sarich 2013):
 * V = 3e^{-x^2-(y-1/3)^2} - 3e^{-x^2-(y-5/3)^2} - 5e^{-(x-1)^2-y^2} - 5e^{-(x+1)^2-y^2}
 *     + x^4/5 + (y-1/3)^4/5.
 * Minima (-1.048,-0.042), (1.048,-0.042) with V = -3.995 and the shallow (0,1.537), V = -2.172;
 * saddles (0,-0.316), (-0.617,1.103), (0.617,1.103).
 *
 * @example
 * ```ts
 * tripleWell2d().minima.length; // 3
 * ```
 */
export function tripleWell2d(): Potential {
  const code = `
fn model_grad_energy(x: u32, g: u32) -> f32 {
  let a = model_x(x, 0u);
  let b = model_x(x, 1u);
  let c = b - 1.0 / 3.0;
  let d = b - 5.0 / 3.0;
  let e1 = 3.0 * exp(-a * a - c * c);
  let e2 = 3.0 * exp(-a * a - d * d);
  let e3 = 5.0 * exp(-(a - 1.0) * (a - 1.0) - b * b);
  let e4 = 5.0 * exp(-(a + 1.0) * (a + 1.0) - b * b);
  model_g_set(g, 0u, -2.0 * a * e1 + 2.0 * a * e2 + 2.0 * (a - 1.0) * e3 + 2.0 * (a + 1.0) * e4 + 0.8 * a * a * a);
  model_g_set(g, 1u, -2.0 * c * e1 + 2.0 * d * e2 + 2.0 * b * (e3 + e4) + 0.8 * c * c * c);
  return e1 - e2 - e3 - e4 + 0.2 * a * a * a * a + 0.2 * c * c * c * c;
}
`;
  const parts = (x: Float64Array) => {
    const a = x[0];
    const b = x[1];
    const c = b - 1 / 3;
    const d = b - 5 / 3;
    return {
      a,
      b,
      c,
      d,
      e1: 3 * Math.exp(-a * a - c * c),
      e2: 3 * Math.exp(-a * a - d * d),
      e3: 5 * Math.exp(-((a - 1) ** 2) - b * b),
      e4: 5 * Math.exp(-((a + 1) ** 2) - b * b),
    };
  };
  return definePotential({
    name: "triple-well-2d",
    dim: 2,
    energy: (x) => {
      const { a, c, e1, e2, e3, e4 } = parts(x);
      return e1 - e2 - e3 - e4 + 0.2 * a ** 4 + 0.2 * c ** 4;
    },
    gradient: (x, g) => {
      const { a, b, c, d, e1, e2, e3, e4 } = parts(x);
      g[0] = -2 * a * e1 + 2 * a * e2 + 2 * (a - 1) * e3 + 2 * (a + 1) * e4 + 0.8 * a ** 3;
      g[1] = -2 * c * e1 + 2 * d * e2 + 2 * b * (e3 + e4) + 0.8 * c ** 3;
    },
  }, {
    minima: [[-1.048, -0.042], [1.048, -0.042], [0, 1.537]],
    saddles: [[0, -0.316], [-0.617, 1.103], [0.617, 1.103]],
    box: { lo: [-2, -1], hi: [2, 2.5] },
    wgsl: { key: "triple-well-2d:d=2", code, params: null, fixedDim: 2 },
  });
}

/** Coefficients c0..c6 of deeptime's `triple_well_1d` polynomial. */
const TRIPLE_1D = [5, -24.82, 41.4251, -27.5344, 8.53128, -1.24006, 0.0684] as const;

/**
 * deeptime's `triple_well_1d`, a degree-6 polynomial meant for [0, 6]:
 * V = 5 - 24.82x + 41.4251x^2 - 27.5344x^3 + 8.53128x^4 - 1.24006x^5 + 0.0684x^6.
 * Minima 0.507 (V ~ 0), 3.158 (-0.564), 5.424 (-0.509); maxima 1.564 and 4.456.
 *
 * @example
 * ```ts
 * tripleWell1d().minima.map((m) => m[0]); // ~ [0.507, 3.158, 5.424]
 * ```
 */
export function tripleWell1d(): Potential {
  const c = TRIPLE_1D;
  const horner = (coef: readonly number[]) =>
    coef.slice(0, -1).reduceRight(
      (acc, k) => `(${acc}) * u + ${wgslF32(k)}`,
      wgslF32(coef[coef.length - 1]),
    );
  const dc = c.slice(1).map((k, i) => k * (i + 1));
  // f32 Horner in x loses ~1e-3 to cancellation (sum |c_k x^k| ~ 3e4 on [0, 6] while |V| <= 5);
  // expanding around the box centre u = x - 3 cuts that to ~150, so the GPU stays within 1e-5.
  const cs = shiftPolynomial(c, 3);
  const dcs = shiftPolynomial(dc, 3);
  const code = `
fn model_grad_energy(x: u32, g: u32) -> f32 {
  let u = model_x(x, 0u) - 3.0;
  model_g_set(g, 0u, ${horner(dcs)});
  return ${horner(cs)};
}
`;
  const poly = (coef: readonly number[], u: number) => {
    let s = coef[coef.length - 1];
    for (let i = coef.length - 2; i >= 0; i--) s = s * u + coef[i];
    return s;
  };
  return definePotential({
    name: "triple-well-1d",
    dim: 1,
    energy: (x) => poly(c, x[0]),
    gradient: (x, g) => {
      g[0] = poly(dc, x[0]);
    },
  }, {
    minima: [[0.507], [3.158], [5.424]],
    saddles: [[1.564], [4.456]],
    box: { lo: [0], hi: [6] },
    wgsl: { key: "triple-well-1d:d=1", code, params: null, fixedDim: 1 },
  });
}

/**
 * The Prinz potential (Prinz et al. 2011; deeptime `prinz_potential`, PyEMMA):
 * V = 4(x^8 + 0.8e^{-80x^2} + 0.2e^{-80(x-0.5)^2} + 0.5e^{-40(x+0.5)^2}).
 * Minima -0.7394, -0.2237, 0.2691, 0.6733; maxima -0.502, 0, 0.502.
 *
 * @example
 * ```ts
 * prinz().minima.length; // 4
 * ```
 */
export function prinz(): Potential {
  const code = `
fn model_grad_energy(x: u32, g: u32) -> f32 {
  let u = model_x(x, 0u);
  let u2 = u * u;
  let u4 = u2 * u2;
  let e1 = 0.8 * exp(-80.0 * u2);
  let e2 = 0.2 * exp(-80.0 * (u - 0.5) * (u - 0.5));
  let e3 = 0.5 * exp(-40.0 * (u + 0.5) * (u + 0.5));
  model_g_set(g, 0u, 4.0 * (8.0 * u4 * u2 * u - 160.0 * u * e1 - 160.0 * (u - 0.5) * e2 - 80.0 * (u + 0.5) * e3));
  return 4.0 * (u4 * u4 + e1 + e2 + e3);
}
`;
  const parts = (u: number) => ({
    e1: 0.8 * Math.exp(-80 * u * u),
    e2: 0.2 * Math.exp(-80 * (u - 0.5) ** 2),
    e3: 0.5 * Math.exp(-40 * (u + 0.5) ** 2),
  });
  return definePotential({
    name: "prinz",
    dim: 1,
    energy: (x) => {
      const { e1, e2, e3 } = parts(x[0]);
      return 4 * (x[0] ** 8 + e1 + e2 + e3);
    },
    gradient: (x, g) => {
      const u = x[0];
      const { e1, e2, e3 } = parts(u);
      g[0] = 4 * (8 * u ** 7 - 160 * u * e1 - 160 * (u - 0.5) * e2 - 80 * (u + 0.5) * e3);
    },
  }, {
    minima: [[-0.7394], [-0.2237], [0.2691], [0.6733]],
    saddles: [[-0.502], [0], [0.502]],
    box: { lo: [-1], hi: [1] },
    wgsl: { key: "prinz:d=1", code, params: null, fixedDim: 1 },
  });
}

/** Coefficients of p(u + s) in powers of u, given those of p in powers of x (ascending). */
function shiftPolynomial(c: readonly number[], s: number): number[] {
  const out = new Array(c.length).fill(0);
  for (let k = 0; k < c.length; k++) {
    let binom = 1; // C(k, j), built up as j decreases from k
    for (let j = k; j >= 0; j--) {
      out[j] += c[k] * binom * s ** (k - j);
      binom = (binom * j) / (k - j + 1);
    }
  }
  return out;
}
