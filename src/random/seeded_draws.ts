/**
 * Small draws on top of a seeded CPU generator ({@link SplitMix32}): a uniform range, a uniform
 * index and a uniform unit vector in 3-D.
 * @module
 */
import type { SplitMix32 } from "./splitmix.ts";

/** Uniform in (a, b). */
export function uniformIn(rng: SplitMix32, a: number, b: number): number {
  return a + (b - a) * rng.uniform();
}

/** Uniform integer in [0, n). */
export function uniformIndex(rng: SplitMix32, n: number): number {
  return Math.min(n - 1, Math.floor(rng.uniform() * n));
}

/** Uniform unit vector on the sphere S^2 (a normalised Gaussian). */
export function unitVector3(rng: SplitMix32): [number, number, number] {
  for (;;) {
    const x = rng.normal(), y = rng.normal(), z = rng.normal();
    const n = Math.hypot(x, y, z);
    if (n > 1e-12) return [x / n, y / n, z / n];
  }
}
