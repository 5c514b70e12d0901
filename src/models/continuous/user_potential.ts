/**
 * User-defined potentials: wraps energy/gradient functions (and an optional WGSL twin) into a
 * {@link Potential} after checking them at a probe point.
 * @module
 */
import { definePotential } from "./define.ts";
import { numericGradient, type Potential, type WgslPotential } from "./potential.ts";

/** What a user supplies. */
export interface UserPotentialSpec {
  readonly name: string;
  readonly dim: number;
  energy(x: Float64Array): number;
  /** dV/dx into out; when omitted, central finite differences are used (slow, CPU only). */
  gradient?(x: Float64Array, out: Float64Array): void;
  /** GPU twin; when omitted the potential is CPU-only and `wgsl.code` is empty. */
  readonly wgsl?: {
    readonly code: string;
    readonly params?: Float32Array | null;
    readonly key?: string;
  };
  /** Known minima (not refined). */
  readonly minima?: readonly (readonly number[])[];
  readonly saddles?: readonly (readonly number[])[];
  readonly box?: { readonly lo: readonly number[]; readonly hi: readonly number[] };
  /** Where to check energy and gradient (default: the box centre, else the origin). */
  readonly probe?: readonly number[];
}

/**
 * Validates and wraps a user potential. Throws on a bad dim, a non-finite energy or gradient at
 * the probe point, a gradient that disagrees with finite differences, or WGSL text that lacks
 * `model_grad_energy` or still follows the old per-invocation contract (`const DIM`). The WGSL
 * contract is the one of `WgslPotential` in `potential.ts`: the snippet reads the point through
 * `model_x(x, i)`, writes the gradient through `model_g_set(g, i, v)` and gets the dimension
 * from `model_dim()`, so one program serves every dimension.
 *
 * @example
 * ```ts
 * const p = userPotential({
 *   name: "bowl", dim: 2,
 *   energy: (x) => x[0] ** 2 + x[1] ** 2,
 *   gradient: (x, g) => { g[0] = 2 * x[0]; g[1] = 2 * x[1]; },
 *   minima: [[0, 0]],
 *   // The GPU twin, for any dimension: V = sum x_i^2.
 *   wgsl: {
 *     code: "fn model_grad_energy(x: u32, g: u32) -> f32 {\n" +
 *       "  var v = 0.0;\n" +
 *       "  for (var i = 0u; i < model_dim(); i++) {\n" +
 *       "    let xi = model_x(x, i);\n" +
 *       "    model_g_set(g, i, 2.0 * xi);\n" +
 *       "    v += xi * xi;\n" +
 *       "  }\n" +
 *       "  return v;\n}\n",
 *   },
 * });
 * ```
 */
export function userPotential(spec: UserPotentialSpec): Potential {
  const { name, dim } = spec;
  if (typeof name !== "string" || name.length === 0) {
    throw new Error(`userPotential: name must be a non-empty string, got ${JSON.stringify(name)}`);
  }
  if (!(Number.isInteger(dim) && dim >= 1)) {
    throw new Error(`userPotential(${name}): dim must be a positive integer, got ${dim}`);
  }
  if (typeof spec.energy !== "function") {
    throw new Error(`userPotential(${name}): energy must be a function of a Float64Array`);
  }
  const checkLen = (what: string, v: readonly number[]) => {
    if (v.length !== dim) {
      throw new Error(`userPotential(${name}): ${what} has length ${v.length}, expected ${dim}`);
    }
  };
  if (spec.box) {
    checkLen("box.lo", spec.box.lo);
    checkLen("box.hi", spec.box.hi);
  }
  spec.minima?.forEach((m, i) => checkLen(`minima[${i}]`, m));
  spec.saddles?.forEach((m, i) => checkLen(`saddles[${i}]`, m));
  const probe = Float64Array.from(
    spec.probe ??
      (spec.box ? spec.box.lo.map((l, i) => 0.5 * (l + spec.box!.hi[i])) : new Array(dim).fill(0)),
  );
  checkLen("probe", Array.from(probe));

  const energy = (x: Float64Array) => spec.energy(x);
  const e0 = energy(Float64Array.from(probe));
  if (typeof e0 !== "number" || !Number.isFinite(e0)) {
    throw new Error(
      `userPotential(${name}): energy at the probe [${
        Array.from(probe)
      }] is ${e0}, expected a finite number`,
    );
  }
  const gradient = spec.gradient
    ? (x: Float64Array, out: Float64Array) => spec.gradient!(x, out)
    : (x: Float64Array, out: Float64Array) => out.set(numericGradient(energy, x));
  if (spec.gradient) {
    const g = new Float64Array(dim).fill(NaN);
    gradient(Float64Array.from(probe), g);
    const fd = numericGradient(energy, probe);
    for (let i = 0; i < dim; i++) {
      if (!Number.isFinite(g[i])) {
        throw new Error(
          `userPotential(${name}): gradient[${i}] at the probe is ${g[i]}, expected finite`,
        );
      }
      const tol = 1e-4 * Math.max(1, Math.abs(fd[i]), Math.abs(e0));
      if (Math.abs(g[i] - fd[i]) > tol) {
        throw new Error(
          `userPotential(${name}): gradient[${i}] at the probe is ${
            g[i]
          } but finite differences give ${fd[i]}`,
        );
      }
    }
  }
  let wgsl: WgslPotential = { key: `user:${name}:d=${dim}:cpu-only`, code: "", params: null };
  if (spec.wgsl) {
    const code = spec.wgsl.code;
    if (!/\bfn\s+model_grad_energy\s*\(/.test(code)) {
      throw new Error(
        `userPotential(${name}): WGSL code must define fn model_grad_energy(x: u32, g: u32) -> f32`,
      );
    }
    // The pre-storage contract (`const DIM`, per-invocation `array<f32, DIM>`) baked the size
    // into the text; say how to port it instead of failing inside the WGSL compiler.
    if (/\bconst\s+DIM\b|array\s*<\s*f32\s*,\s*DIM\s*>|\(\s*\*\s*[xg]\s*\)\s*\[/.test(code)) {
      throw new Error(
        `userPotential(${name}): WGSL code uses the old per-invocation contract (const DIM, ` +
          `array<f32, DIM>, (*x)[i]); expected model_dim(), model_x(x, i) and model_g_set(g, i, v)`,
      );
    }
    wgsl = {
      key: spec.wgsl.key ?? `user:${name}:${hashText(code)}`,
      code,
      params: spec.wgsl.params ?? null,
    };
  }
  return definePotential({ name, dim, energy, gradient }, {
    minima: spec.minima ?? [],
    saddles: spec.saddles,
    exact: true,
    box: spec.box,
    wgsl,
  });
}

/** FNV-1a hash of a string, as 8 hex digits (keys WGSL text that the user did not name). */
function hashText(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}
