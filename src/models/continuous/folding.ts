/**
 * PyEMMA's folding model: a radially symmetric potential whose folded basin is the ball around
 * the origin and whose unfolded basin is an entropically large shell.
 * @module
 */
import { definePotential } from "./define.ts";
import { type Potential, wgslF32 } from "./potential.ts";

/** Options for {@link foldingModel}. */
export interface FoldingOptions {
  /** State dimension (default 5, PyEMMA's). */
  readonly dim?: number;
  /** Radius of the ridge between the basins (default 3). */
  readonly rCut?: number;
}

/**
 * Folding model: with r = |x| - rCut, V = -2.5 r^2 for r < 0 and V = 0.5 (r - 2) r^2 for
 * r >= 0. Minimum 0 is the origin (V = -22.5 at rCut 3; a cusp, where the gradient is set to 0);
 * minimum 1 stands for the whole shell |x| = rCut + 4/3 (V = -16/27). The basin boundary is the
 * sphere |x| = rCut, so `basinOf(x)` is 0 inside it and 1 outside. No saddles (the ridge is a
 * sphere of radial maxima).
 *
 * @example
 * ```ts
 * const p = foldingModel();
 * p.energy(new Float64Array(5)); // -22.5
 * ```
 */
export function foldingModel(opts: FoldingOptions = {}): Potential {
  const dim = opts.dim ?? 5;
  const rc = opts.rCut ?? 3;
  if (!(Number.isInteger(dim) && dim >= 1)) {
    throw new Error(`foldingModel: dim must be a positive integer, got ${dim}`);
  }
  if (!(rc > 0 && Number.isFinite(rc))) {
    throw new Error(`foldingModel: rCut must be positive and finite, got ${rc}`);
  }
  const radial = (rho: number): [number, number] => {
    const r = rho - rc;
    return r < 0 ? [-2.5 * r * r, -5 * r] : [0.5 * (r - 2) * r * r, 1.5 * r * r - 2 * r];
  };
  const norm = (x: Float64Array) => {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i] * x[i];
    return Math.sqrt(s);
  };
  // Size-generic: the dimension comes from model_dim(), so every dim shares one program.
  const code = `
fn model_grad_energy(x: u32, g: u32) -> f32 {
  let n = model_dim();
  var s = 0.0;
  for (var i = 0u; i < n; i++) { let xi = model_x(x, i); s += xi * xi; }
  let rho = sqrt(s);
  let r = rho - ${wgslF32(rc)};
  var v: f32;
  var dv: f32;
  if (r < 0.0) { v = -2.5 * r * r; dv = -5.0 * r; } else { v = 0.5 * (r - 2.0) * r * r; dv = 1.5 * r * r - 2.0 * r; }
  let k = select(0.0, dv / rho, rho > 0.0);
  for (var i = 0u; i < n; i++) { model_g_set(g, i, k * model_x(x, i)); }
  return v;
}
`;
  const shell = new Array(dim).fill(0);
  shell[0] = rc + 4 / 3;
  return definePotential({
    name: `folding-${dim}d`,
    dim,
    energy: (x) => radial(norm(x))[0],
    gradient: (x, g) => {
      const rho = norm(x);
      const k = rho > 0 ? radial(rho)[1] / rho : 0;
      for (let i = 0; i < dim; i++) g[i] = k * x[i];
    },
  }, {
    minima: [new Array(dim).fill(0), shell],
    exact: true,
    box: { lo: new Array(dim).fill(-(rc + 2)), hi: new Array(dim).fill(rc + 2) },
    basinOf: (x) => (norm(x) < rc ? 0 : 1),
    wgsl: { key: `folding:rcut=${Math.fround(rc)}`, code, params: null, loopCost: 2 * dim },
  });
}
