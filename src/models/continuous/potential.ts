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
  /**
   * The dimension, for snippets written for one dimension only (Müller–Brown, the 1-D and 2-D
   * wells). Hosts bake it into the program so that their loops over coordinates unroll; such a
   * text exists for one dimension anyway. Size-generic snippets leave it unset and share one
   * program for every dimension.
   */
  readonly fixedDim?: number;
}

/** Largest dimension whose vectors a host may keep in registers (see {@link wgslPotentialHost}). */
export const POT_REG_CAP = 4;

/** `select` tree picking `names[i]` for a runtime index i (power-of-two length). */
function selectTree(names: readonly string[], lo = 0): string {
  if (names.length === 1) return names[0];
  const half = names.length / 2;
  return `select(${selectTree(names.slice(0, half), lo)}, ${
    selectTree(names.slice(half), lo + half)
  }, i >= ${lo + half}u)`;
}

/** WGSL of a register file of `slots` vectors of POT_REG_CAP private scalars. */
function registerFileWgsl(slots: number): string {
  const reg = (s: number, i: number) => `pot_r${s}_${i}`;
  const all = Array.from(
    { length: slots },
    (_, s) => Array.from({ length: POT_REG_CAP }, (_, i) => reg(s, i)),
  );
  const decls = all.flat().map((n) => `var<private> ${n}: f32;`).join("\n");
  const getCases = all.map((names, s) => `    case ${s}u: { return ${selectTree(names)}; }`);
  const setCases = all.map((names, s) =>
    `    case ${s}u: {\n${
      names.map((n, i) => `      ${n} = select(${n}, v, i == ${i}u);`).join("\n")
    }\n    }`
  );
  return `const POT_REG_CAP: u32 = ${POT_REG_CAP}u;
const POT_REG_BASE: u32 = 0xffff0000u;
${decls}
// Entry i of register slot s. Branch-free in i, so a runtime index costs a few selects; with
// constant handles the slot folds away after inlining.
fn pot_reg_get(s: u32, i: u32) -> f32 {
  switch s {
${getCases.join("\n")}
    default: { return 0.0; }
  }
}
fn pot_reg_set(s: u32, i: u32, v: f32) {
  switch s {
${setCases.join("\n")}
    default: {}
  }
}
`;
}

/**
 * The host side of the potential contract: WGSL definitions of `model_dim`, `model_x`,
 * `model_g` and `model_g_set`, plus `pot_get(h, i)` / `pot_set(h, i, v)` for the host's own
 * loops, over vectors stored strided in one storage buffer: entry i of the vector with handle h
 * at `buffer[h + i * stride]` (a chain-minor layout, so neighbouring invocations touch
 * neighbouring words).
 *
 * With `regSlots > 0` the host may also keep up to that many vectors of at most
 * {@link POT_REG_CAP} entries in a fixed register file of private scalars (`pot_reg_get(s, i)`,
 * `pot_reg_set(s, i, v)`): handle `POT_REG_BASE + s * POT_REG_CAP` names slot s. Its size is
 * fixed, never the model's, so the text still does not depend on the dimension; a host passes
 * such constant handles only when `model_dim() <= POT_REG_CAP`, and after inlining every access
 * is a register (on llvmpipe a storage access with per-lane addresses is a gather of scalar
 * loads, several times dearer than the small potentials' arithmetic).
 *
 * @example
 * ```ts
 * const host = wgslPotentialHost("work", "params.chains", "params.dim");
 * host.includes("fn model_x(x: u32, i: u32) -> f32"); // true
 * ```
 */
export function wgslPotentialHost(
  buffer: string,
  stride: string,
  dim: string,
  regSlots = 0,
): string {
  const regs = regSlots > 0;
  const get = regs
    ? `if (h >= POT_REG_BASE) { return pot_reg_get((h - POT_REG_BASE) / POT_REG_CAP, i); }\n  `
    : "";
  const set = regs
    ? `if (h >= POT_REG_BASE) { pot_reg_set((h - POT_REG_BASE) / POT_REG_CAP, i, v); return; }\n  `
    : "";
  return (regs ? registerFileWgsl(regSlots) : "") + `fn model_dim() -> u32 { return ${dim}; }
fn pot_get(h: u32, i: u32) -> f32 {
  ${get}return ${buffer}[h + i * ${stride}];
}
fn pot_set(h: u32, i: u32, v: f32) {
  ${set}${buffer}[h + i * ${stride}] = v;
}
fn model_x(x: u32, i: u32) -> f32 { return pot_get(x, i); }
fn model_g(g: u32, i: u32) -> f32 { return pot_get(g, i); }
fn model_g_set(g: u32, i: u32, v: f32) { pot_set(g, i, v); }
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
