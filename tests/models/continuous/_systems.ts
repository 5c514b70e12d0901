/** Shared fixtures for the continuous-model tests: every potential variant under test. */
import {
  continuousSystems,
  doubleWell,
  foldingModel,
  gaussianMixture,
  mullerBrown,
  type Potential,
} from "../../../src/models/continuous/mod.ts";
import { SplitMix32 } from "../../../src/random/splitmix.ts";

/** All registry systems with default options, plus variants that exercise the options. */
export function allPotentials(): Potential[] {
  return [
    ...Object.values(continuousSystems).map((f) => f()),
    doubleWell({ dim: 2 }),
    doubleWell({ dim: 1, tilt: 0.3 }),
    mullerBrown({ scale: 0.1 }),
    foldingModel({ dim: 3, rCut: 2 }),
    gaussianMixture({ dim: 5, k: 4, seed: 11, widths: [1, 0.8, 1.2, 1], weights: [1, 2, 1, 3] }),
    // More components than the WGSL keeps in its private array: the two-pass path.
    gaussianMixture({ dim: 3, k: 10, seed: 12 }),
  ];
}

/** n uniform points in the potential's box (or [-2, 2]^dim), row by row. */
export function boxPoints(p: Potential, n: number, seed: number): Float64Array[] {
  const rng = new SplitMix32(seed);
  const lo = p.box?.lo ?? new Array(p.dim).fill(-2);
  const hi = p.box?.hi ?? new Array(p.dim).fill(2);
  return Array.from({ length: n }, () => {
    const x = new Float64Array(p.dim);
    for (let i = 0; i < p.dim; i++) x[i] = lo[i] + (hi[i] - lo[i]) * rng.uniform();
    return x;
  });
}

/** Label for messages: name plus dimension. */
export function tag(p: Potential): string {
  return `${p.name}(d=${p.dim})`;
}
