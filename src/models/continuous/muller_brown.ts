/**
 * The Müller–Brown potential (Müller & Brown, Theor. Chim. Acta 53 (1979) 75–93), with the
 * coefficients of MSMBuilder's `_muller.pyx`.
 * @module
 */
import { definePotential } from "./define.ts";
import { type Potential, wgslF32 } from "./potential.ts";

/** Müller–Brown coefficients: V = sum_k A_k exp(a_k dx^2 + b_k dx dy + c_k dy^2). */
export const MULLER_BROWN = Object.freeze(
  {
    A: [-200, -100, -170, 15],
    a: [-1, -1, -6.5, 0.7],
    b: [0, 0, 11, 0.6],
    c: [-10, -10, -6.5, 0.7],
    x0: [1, 0, -0.5, -1],
    y0: [0, 0.5, 1.5, 1],
  } as const,
);

/** Options for {@link mullerBrown}. */
export interface MullerBrownOptions {
  /**
   * Multiplies V (default 1). Positions of critical points do not change; e.g. scale 0.1 gives
   * the same landscape with barriers in units where beta ~ 1 is a sensible temperature.
   */
  readonly scale?: number;
}

/**
 * Müller–Brown potential. Minima (in this order) (-0.558, 1.442) V = -146.70,
 * (0.623, 0.028) V = -108.17, (-0.050, 0.467) V = -80.77; saddles (-0.822, 0.624) V = -40.66
 * and (0.212, 0.293) V = -72.25 (energies at scale 1). Box: MSMBuilder's [-1.5,1.2]x[-0.2,2].
 *
 * @example
 * ```ts
 * const p = mullerBrown();
 * p.energy(p.minima[0]); // ~ -146.70
 * ```
 */
export function mullerBrown(opts: MullerBrownOptions = {}): Potential {
  const s = opts.scale ?? 1;
  if (!(Number.isFinite(s) && s > 0)) {
    throw new Error(`mullerBrown: scale must be a positive finite number, got ${s}`);
  }
  const { A, a, b, c, x0, y0 } = MULLER_BROWN;
  const f = wgslF32;
  let terms = "";
  for (let k = 0; k < 4; k++) {
    terms += `
  dx = px - ${f(x0[k])};
  dy = py - ${f(y0[k])};
  e = ${f(A[k] * s)} * exp(${f(a[k])} * dx * dx + ${f(b[k])} * dx * dy + ${f(c[k])} * dy * dy);
  v += e;
  gx += e * (${f(2 * a[k])} * dx + ${f(b[k])} * dy);
  gy += e * (${f(b[k])} * dx + ${f(2 * c[k])} * dy);`;
  }
  const code = `
fn model_grad_energy(x: u32, g: u32) -> f32 {
  let px = model_x(x, 0u);
  let py = model_x(x, 1u);
  var v = 0.0;
  var gx = 0.0;
  var gy = 0.0;
  var dx = 0.0;
  var dy = 0.0;
  var e = 0.0;${terms}
  model_g_set(g, 0u, gx);
  model_g_set(g, 1u, gy);
  return v;
}
`;
  return definePotential({
    name: "muller-brown",
    dim: 2,
    energy: (x) => {
      let v = 0;
      for (let k = 0; k < 4; k++) {
        const dx = x[0] - x0[k];
        const dy = x[1] - y0[k];
        v += A[k] * Math.exp(a[k] * dx * dx + b[k] * dx * dy + c[k] * dy * dy);
      }
      return s * v;
    },
    gradient: (x, g) => {
      let gx = 0;
      let gy = 0;
      for (let k = 0; k < 4; k++) {
        const dx = x[0] - x0[k];
        const dy = x[1] - y0[k];
        const e = A[k] * Math.exp(a[k] * dx * dx + b[k] * dx * dy + c[k] * dy * dy);
        gx += e * (2 * a[k] * dx + b[k] * dy);
        gy += e * (b[k] * dx + 2 * c[k] * dy);
      }
      g[0] = s * gx;
      g[1] = s * gy;
    },
  }, {
    minima: [[-0.558, 1.442], [0.623, 0.028], [-0.05, 0.467]],
    saddles: [[-0.822, 0.624], [0.212, 0.293]],
    box: { lo: [-1.5, -0.2], hi: [1.2, 2] },
    wgsl: { key: `muller-brown:d=2:scale=${Math.fround(s)}`, code, params: null, fixedDim: 2 },
  });
}
