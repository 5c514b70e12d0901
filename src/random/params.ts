/**
 * Deterministic parameter draws for model construction (CPU only, float64): a model built from
 * the same seed is the same model everywhere.
 * @module
 */
import { philox4x32 } from "./philox.ts";

/**
 * `n` standard normal draws from Philox stream `stream` of `seed` (Box-Muller in float64).
 *
 * @example
 * ```ts
 * const z = normalArray(0, 1, 4);
 * console.log(z.length); // 4
 * ```
 */
export function normalArray(seed: number, stream: number, n: number): Float64Array {
  const out = new Float64Array(n);
  const key = [seed >>> 0, Math.floor(seed / 2 ** 32) >>> 0];
  for (let k = 0; k < n; k += 2) {
    const r = philox4x32([k >>> 1, 0, 0, stream >>> 0], key);
    const u1 = (r[0] + 0.5) / 2 ** 32;
    const u2 = (r[1] + 0.5) / 2 ** 32;
    const rad = Math.sqrt(-2 * Math.log(u1));
    out[k] = rad * Math.cos(2 * Math.PI * u2);
    if (k + 1 < n) out[k + 1] = rad * Math.sin(2 * Math.PI * u2);
  }
  return out;
}

/** `n` uniform draws in [0, 1) from Philox stream `stream` of `seed` (float64, 53-bit). */
export function uniformArray(seed: number, stream: number, n: number): Float64Array {
  const out = new Float64Array(n);
  const key = [seed >>> 0, Math.floor(seed / 2 ** 32) >>> 0];
  for (let k = 0; k < n; k += 2) {
    const r = philox4x32([k >>> 1, 1, 0, stream >>> 0], key);
    out[k] = (r[0] * 2 ** 21 + (r[1] >>> 11)) / 2 ** 53;
    if (k + 1 < n) out[k + 1] = (r[2] * 2 ** 21 + (r[3] >>> 11)) / 2 ** 53;
  }
  return out;
}
