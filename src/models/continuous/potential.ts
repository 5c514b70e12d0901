/**
 * The continuous-model contract: a potential V(x) on R^dim with its gradient on the CPU, a WGSL
 * twin for the GPU, and the ground truth a benchmark needs (minima, saddles, a natural box).
 * Integrators use the drift -grad V; targets are exp(-beta V).
 * @module
 */

/**
 * The GPU twin of a potential. `code` is a WGSL snippet that defines
 *
 * ```wgsl
 * fn model_grad_energy(x: u32, g: u32) -> f32
 * ```
 *
 * which writes dV/dx into the vector `g` and returns V at the point `x`. `x` and `g` are handles
 * to vectors that the host program keeps in its own storage (one per trajectory or chain); the
 * snippet reads and writes them only through functions the host defines before it (see
 * {@link wgslPotentialHost}):
 *
 * ```wgsl
 * fn model_dim() -> u32                    // the dimension, from the host's uniform block
 * fn model_x(x: u32, i: u32) -> f32        // coordinate i of the point x
 * fn model_g(g: u32, i: u32) -> f32        // entry i of g (as the snippet last wrote it)
 * fn model_g_set(g: u32, i: u32, v: f32)   // writes dV/dx_i
 * ```
 *
 * Nothing in the text may depend on the dimension (no `array<f32, N>` sized by it, no loop
 * bounds baked in): one program then serves every size and compiles in the same time. Sizes
 * other than the dimension (numbers of components, ...) travel in `params`. When `params` is
 * set, the snippet reads it through a binding it does NOT declare; the program assembler
 * declares it as `@group(1) @binding(0) var<storage, read> model_params: array<f32>;`.
 */
export interface WgslPotential {
  /**
   * Identifies the WGSL text for pipeline caching and labels; it becomes part of the program
   * text, so it must not contain the dimension unless the text itself depends on it.
   */
  readonly key: string;
  /** The WGSL snippet described above. */
  readonly code: string;
  /** Read-only parameters bound as `model_params`, or null when the snippet needs none. */
  readonly params: Float32Array | null;
  /**
   * WGSL loop iterations of one `model_grad_energy` call at this size (llvmpipe's loop budget);
   * when absent, runners estimate it from the text, the parameters and the dimension.
   */
  readonly loopCost?: number;
}

/**
 * The host side of the potential contract: WGSL definitions of `model_dim`, `model_x`,
 * `model_g` and `model_g_set` over vectors stored strided in one storage buffer, entry i of the
 * vector with handle h at `buffer[h + i * stride]` (a chain-minor layout, so neighbouring
 * invocations touch neighbouring words).
 *
 * @example
 * ```ts
 * const host = wgslPotentialHost("work", "params.chains", "params.dim");
 * host.includes("fn model_x(x: u32, i: u32) -> f32"); // true
 * ```
 */
export function wgslPotentialHost(buffer: string, stride: string, dim: string): string {
  return `fn model_dim() -> u32 { return ${dim}; }
fn model_x(x: u32, i: u32) -> f32 { return ${buffer}[x + i * ${stride}]; }
fn model_g(g: u32, i: u32) -> f32 { return ${buffer}[g + i * ${stride}]; }
fn model_g_set(g: u32, i: u32, v: f32) { ${buffer}[g + i * ${stride}] = v; }
`;
}

/** The part of a potential that numerics need: name, dimension, energy and gradient. */
export interface PotentialCore {
  /** Registry-style name, e.g. "muller-brown". */
  readonly name: string;
  /** State dimension. */
  readonly dim: number;
  /** V(x). */
  energy(x: Float64Array): number;
  /** Writes dV/dx into `out` (length dim). */
  gradient(x: Float64Array, out: Float64Array): void;
}

/**
 * A potential energy V: R^dim -> R with its gradient and known critical points.
 *
 * @example
 * ```ts
 * import { mullerBrown } from "./muller_brown.ts";
 * const p: Potential = mullerBrown();
 * const g = new Float64Array(p.dim);
 * p.gradient(p.minima[0], g); // ~ (0, 0)
 * ```
 */
export interface Potential extends PotentialCore {
  /** Known local minima, in a fixed order that basin labels refer to. */
  readonly minima: readonly Float64Array[];
  /** Known index-1 saddles (maxima in 1-D), where tabulated. */
  readonly saddles?: readonly Float64Array[];
  /** A natural domain for starting points and plots. */
  readonly box?: { readonly lo: readonly number[]; readonly hi: readonly number[] };
  /**
   * Maps a point reached by steepest descent to the index of its minimum. Only set where the
   * nearest listed minimum is the wrong answer (minima that are not isolated points, e.g. the
   * folding model's unfolded shell).
   */
  readonly basinOf?: (x: Float64Array) => number;
  /** The GPU twin. */
  readonly wgsl: WgslPotential;
}

/**
 * Formats a number as a WGSL f32 literal expression. Negative values are parenthesised so that
 * `a - (-1.5)` can never become the decrement token `--`.
 *
 * @example
 * ```ts
 * wgslF32(-3); // "(-3.0)"
 * ```
 */
export function wgslF32(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`WGSL literal must be finite, got ${v}`);
  const f = Math.fround(v);
  let s = Number.isInteger(f) && Math.abs(f) < 1e15 ? f.toFixed(1) : String(f);
  if (!/[.e]/.test(s)) s += ".0";
  return f < 0 ? `(${s})` : s;
}

/** Copies a list of coordinate tuples into Float64Arrays. */
export function points(rows: readonly (readonly number[])[]): Float64Array[] {
  return rows.map((r) => Float64Array.from(r));
}

/**
 * Central finite-difference gradient (step h per coordinate). Used for tests and for validating
 * user potentials; O(h^2) accurate.
 *
 * @example
 * ```ts
 * const g = numericGradient((x) => x[0] * x[0], Float64Array.of(3)); // ~ [6]
 * ```
 */
export function numericGradient(
  energy: (x: Float64Array) => number,
  x: Float64Array,
  h = 1e-5,
): Float64Array {
  const y = Float64Array.from(x);
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    y[i] = x[i] + h;
    const ep = energy(y);
    y[i] = x[i] - h;
    const em = energy(y);
    y[i] = x[i];
    g[i] = (ep - em) / (2 * h);
  }
  return g;
}

/**
 * Symmetrised finite-difference Hessian built from central differences of the gradient.
 *
 * @example
 * ```ts
 * import { doubleWell } from "./wells.ts";
 * const p = doubleWell();
 * const H = numericHessian(p, p.minima[0]); // [[8]]
 * ```
 */
export function numericHessian(p: PotentialCore, x: Float64Array, h = 1e-5): Float64Array[] {
  const n = p.dim;
  const y = Float64Array.from(x);
  const gp = new Float64Array(n);
  const gm = new Float64Array(n);
  const H = Array.from({ length: n }, () => new Float64Array(n));
  for (let j = 0; j < n; j++) {
    y[j] = x[j] + h;
    p.gradient(y, gp);
    y[j] = x[j] - h;
    p.gradient(y, gm);
    y[j] = x[j];
    for (let i = 0; i < n; i++) H[i][j] = (gp[i] - gm[i]) / (2 * h);
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const s = 0.5 * (H[i][j] + H[j][i]);
      H[i][j] = s;
      H[j][i] = s;
    }
  }
  return H;
}
