/**
 * Colours shared by server and client: a categorical palette for series and groups and a
 * sequential ramp for heatmaps.
 * @module
 */

/** Ten distinguishable colours (series, chains, basins). */
export const PALETTE = [
  "#2463eb",
  "#e4572e",
  "#17a398",
  "#f2a541",
  "#8e44ad",
  "#5c946e",
  "#d1495b",
  "#3d5a80",
  "#a05c2c",
  "#7a7d84",
];

/** The palette colour for index `i` (cycling). */
export function colorAt(i: number): string {
  return PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length];
}

const RAMP: [number, number, number][] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/**
 * A viridis-like colour for `t` in [0, 1] (clamped), as `rgb(r,g,b)`.
 *
 * @example
 * ```ts
 * ramp(0); // "rgb(68,1,84)"
 * ```
 */
export function ramp(t: number): string {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (RAMP.length - 1);
  const k = Math.min(RAMP.length - 2, Math.floor(u));
  const f = u - k;
  const c = RAMP[k].map((v, i) => Math.round(v + f * (RAMP[k + 1][i] - v)));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}
