/**
 * Named benchmark systems, so configs and the CLI can build a potential from a string.
 * @module
 */
import { foldingModel, type FoldingOptions } from "./folding.ts";
import { gaussianMixture, type GaussianMixtureOptions } from "./gaussian_mixture.ts";
import { mullerBrown, type MullerBrownOptions } from "./muller_brown.ts";
import type { Potential } from "./potential.ts";
import {
  asymmetricDoubleWell,
  doubleWell,
  type DoubleWellOptions,
  prinz,
  quadrupleWell,
  quadrupleWellAsymmetric,
  tripleWell1d,
  tripleWell2d,
} from "./wells.ts";

/** Options any registry factory accepts (each reads only its own fields). */
export type ContinuousSystemOptions =
  & Omit<DoubleWellOptions, "dim">
  & MullerBrownOptions
  & Omit<FoldingOptions, "dim">
  & Omit<GaussianMixtureOptions, "dim">
  & { readonly dim?: number };

/**
 * Factories by name. Options that a system does not use are ignored.
 *
 * @example
 * ```ts
 * const p = continuousSystems["muller-brown"]({ scale: 0.1 });
 * ```
 */
export const continuousSystems: Readonly<
  Record<string, (opts?: ContinuousSystemOptions) => Potential>
> = Object.freeze({
  "double-well": (o: ContinuousSystemOptions = {}) => {
    if (o.dim !== undefined && o.dim !== 1 && o.dim !== 2) {
      throw new Error(`double-well: dim must be 1 or 2, got ${o.dim}`);
    }
    return doubleWell({ dim: o.dim as 1 | 2 | undefined, tilt: o.tilt });
  },
  "double-well-asymmetric": () => asymmetricDoubleWell(),
  "quadruple-well": () => quadrupleWell(),
  "quadruple-well-asymmetric": () => quadrupleWellAsymmetric(),
  "triple-well-2d": () => tripleWell2d(),
  "triple-well-1d": () => tripleWell1d(),
  "prinz": () => prinz(),
  "muller-brown": (o: ContinuousSystemOptions = {}) => mullerBrown({ scale: o.scale }),
  "folding-5d": (o: ContinuousSystemOptions = {}) => foldingModel({ dim: o.dim, rCut: o.rCut }),
  "gaussian-mixture": (o: ContinuousSystemOptions = {}) => gaussianMixture(o),
});
