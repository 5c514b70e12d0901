/**
 * Square-lattice helpers shared by the Ising and Potts models: neighbour lookup (open or
 * periodic boundary) and the DISCS external field with its central circle.
 * @module
 */
import { uniformArray } from "../../random/params.ts";
import type { TypedScalar } from "../../gpu/uniforms.ts";

/**
 * Which circle marks the "inside" of the DISCS field. DISCS's code uses
 * `(r/p - 1/2)^2 + (c/p - 1/2)^2 < 0.5/pi` (radius sqrt(0.5/pi) p ~ 0.399 p, half the lattice's
 * area); the paper's text says radius p / (2 sqrt 2) ~ 0.354 p.
 */
export type FieldCircle = "code" | "paper";

/** True when lattice site (r, c) of a p x p grid is inside the field's central circle. */
export function insideCircle(r: number, c: number, p: number, circle: FieldCircle): boolean {
  const dr = r / p - 0.5, dc = c / p - 0.5;
  const r2 = circle === "code" ? 0.5 / Math.PI : 1 / 8;
  return dr * dr + dc * dc < r2;
}

/**
 * The DISCS field `b_{i,k} = U(-1, 1) sigma + mu (+1 inside the circle, -1 outside)` for each of
 * `perSite` values of every site (float64, site-major), drawn from `seed` on Philox `stream`.
 *
 * @example
 * ```ts
 * const b = latticeField(4, 1, 1.5, 0.5, 0, 0x69736e67, "code");
 * console.log(b.length); // 16
 * ```
 */
export function latticeField(
  p: number,
  perSite: number,
  sigma: number,
  mu: number,
  seed: number,
  stream: number,
  circle: FieldCircle,
): Float64Array {
  const u = uniformArray(seed, stream, p * p * perSite);
  const out = new Float64Array(u.length);
  for (let r = 0; r < p; r++) {
    for (let c = 0; c < p; c++) {
      const sign = insideCircle(r, c, p, circle) ? 1 : -1;
      for (let k = 0; k < perSite; k++) {
        const j = (r * p + c) * perSite + k;
        out[j] = (2 * u[j] - 1) * sigma + mu * sign;
      }
    }
  }
  return out;
}

/**
 * Neighbours of site i on a p x p grid in the fixed order up, down, left, right (the order the
 * WGSL twins use); -1 where an open boundary has none.
 */
export function neighbours(i: number, p: number, periodic: boolean, out: Int32Array): Int32Array {
  const r = Math.floor(i / p), c = i % p;
  out[0] = r > 0 ? i - p : periodic ? i + (p - 1) * p : -1;
  out[1] = r + 1 < p ? i + p : periodic ? c : -1;
  out[2] = c > 0 ? i - 1 : periodic ? i + p - 1 : -1;
  out[3] = c + 1 < p ? i + 1 : periodic ? i - c : -1;
  return out;
}

/**
 * WGSL of `fn <prefix>_nb(i: u32, k: u32) -> i32` (neighbour k of site i, or -1, as above) and
 * `fn <prefix>_nbs(i: u32) -> vec4<i32>`. The side travels as the sizes `<PREFIX>_P` and
 * `<PREFIX>_INV_P` (see {@link latticeSizes}), not in the text; the row `i / P` comes from an f32
 * reciprocal corrected by one step (exact for i < 2^24), since a vector integer division by a
 * runtime value is scalarised on SIMD software adapters.
 */
export function neighboursWgsl(prefix: string, periodic: boolean): string {
  const P = `${prefix.toUpperCase()}_P`;
  const INV = `${prefix.toUpperCase()}_INV_P`;
  return /* wgsl */ `
const ${prefix.toUpperCase()}_PERIODIC: bool = ${periodic};
// (row, column) of site i.
fn ${prefix}_rc(i: u32) -> vec2<u32> {
  var r = u32(f32(i) * ${INV});
  r = select(r, r - 1u, r * ${P} > i);
  r = select(r, r + 1u, (r + 1u) * ${P} <= i);
  return vec2<u32>(r, i - r * ${P});
}
fn ${prefix}_nb(i: u32, k: u32) -> i32 {
  let rc = ${prefix}_rc(i);
  let r = rc.x;
  let c = rc.y;
  let per = ${prefix.toUpperCase()}_PERIODIC;
  if (k == 0u) {
    if (r > 0u) { return i32(i - ${P}); }
    if (per) { return i32(i + (${P} - 1u) * ${P}); }
  } else if (k == 1u) {
    if (r + 1u < ${P}) { return i32(i + ${P}); }
    if (per) { return i32(c); }
  } else if (k == 2u) {
    if (c > 0u) { return i32(i - 1u); }
    if (per) { return i32(i + ${P} - 1u); }
  } else {
    if (c + 1u < ${P}) { return i32(i + 1u); }
    if (per) { return i32(i - c); }
  }
  return -1;
}
// All four neighbours (up, down, left, right; -1 where none) without branches: llvmpipe runs
// one SIMD lane per chain, and divergent ifs there execute every side under a mask.
fn ${prefix}_nbs(i: u32) -> vec4<i32> {
  let rc = ${prefix}_rc(i);
  let r = rc.x;
  let c = rc.y;
  let per = ${prefix.toUpperCase()}_PERIODIC;
  let none = vec4<i32>(-1);
  let wrapped = select(none, vec4<i32>(
    i32(i + (${P} - 1u) * ${P}),
    i32(c),
    i32(i + ${P} - 1u),
    i32(i - c),
  ), per);
  let inner = vec4<i32>(i32(i) - i32(${P}), i32(i + ${P}), i32(i) - 1, i32(i + 1u));
  return select(wrapped, inner, vec4<bool>(r > 0u, r + 1u < ${P}, c > 0u, c + 1u < ${P}));
}
`;
}

/** The sizes {@link neighboursWgsl} reads: the side p and its f32 reciprocal. */
export function latticeSizes(prefix: string, p: number): Record<string, TypedScalar> {
  const P = prefix.toUpperCase();
  return {
    [`${P}_P`]: { type: "u32", value: p },
    [`${P}_INV_P`]: { type: "f32", value: Math.fround(1 / p) },
  };
}

/** Checks the lattice side: >= 1, and >= 3 when periodic (smaller tori double-count edges). */
export function checkLatticeSize(p: number, periodic: boolean): void {
  if (!Number.isInteger(p) || p < 1) throw new Error(`size must be an integer >= 1, got ${p}`);
  if (periodic && p < 3) {
    throw new Error(`periodic lattices need size >= 3 (no double edges), got ${p}`);
  }
}
