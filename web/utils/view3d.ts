/**
 * The maths of the complex view (`islands/complex_view.tsx`), kept free of the DOM so tests can
 * check it: the view rotation from the mouse's yaw and pitch, the orthographic projection onto
 * the canvas, atom colours, and the arrow scale.
 * @module
 */

/** Row-major 3x3 rotation: a turn by `pitch` about the screen's x axis after `yaw` about y. */
export function viewRotation(yaw: number, pitch: number): number[] {
  const cy = Math.cos(yaw), sy = Math.sin(yaw), cp = Math.cos(pitch), sp = Math.sin(pitch);
  // Rx(pitch) * Ry(yaw)
  return [cy, 0, sy, sp * sy, cp, -sp * cy, -cp * sy, sp, cp * cy];
}

/** Where the view puts a point: canvas x and y, and depth (larger: nearer the viewer). */
export type Projected = [x: number, y: number, depth: number];

/**
 * Projects world point `p` (offset from `centre`, rotated by `r`, scaled by `scale` pixels per
 * angstrom) onto a canvas centred at (`cx`, `cy`); screen y points down.
 */
export function projectPoint(
  r: readonly number[],
  centre: readonly number[],
  scale: number,
  cx: number,
  cy: number,
  p: ArrayLike<number>,
): Projected {
  const x = p[0] - centre[0], y = p[1] - centre[1], z = p[2] - centre[2];
  const u = r[0] * x + r[1] * y + r[2] * z;
  const v = r[3] * x + r[4] * y + r[5] * z;
  const w = r[6] * x + r[7] * y + r[8] * z;
  return [cx + scale * u, cy - scale * v, w];
}

/** Largest distance of the points (flat xyz arrays) from `centre` (at least 1 A). */
export function radiusAbout(centre: readonly number[], ...sets: ArrayLike<number>[]): number {
  let r2 = 1;
  for (const s of sets) {
    for (let i = 0; i + 2 < s.length; i += 3) {
      const d = (s[i] - centre[0]) ** 2 + (s[i + 1] - centre[1]) ** 2 + (s[i + 2] - centre[2]) ** 2;
      r2 = Math.max(r2, d);
    }
  }
  return Math.sqrt(r2);
}

/** Centroid of a flat xyz array. */
export function centroidOf(x: ArrayLike<number>): number[] {
  const n = x.length / 3, c = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) c[k] += x[3 * i + k] / n;
  return c;
}

/**
 * Angstroms per unit of force so that the largest of the forces (flat xyz) and the extra
 * vectors is drawn `length` angstroms long (1 when all are zero).
 */
export function arrowScale(
  forces: ArrayLike<number>,
  extra: ArrayLike<number>[],
  length: number,
): number {
  let m = 0;
  for (const v of [forces, ...extra]) {
    for (let i = 0; i + 2 < v.length; i += 3) m = Math.max(m, Math.hypot(v[i], v[i + 1], v[i + 2]));
  }
  return m > 0 ? length / m : 1;
}

/** CPK-like colours of the element classes; synthetic types and unknowns take the palette. */
export const ELEMENT_COLORS: Record<string, string> = {
  C: "#555a64",
  N: "#2f55d4",
  O: "#e03c31",
  S: "#d9b300",
  P: "#f08a24",
  halogen: "#2bb24c",
  other: "#c04fd0",
};
