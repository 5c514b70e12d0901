/**
 * Continuous energy landscapes: benchmark potentials from deeptime, PyEMMA and MSMBuilder
 * (double, triple and quadruple wells, Prinz, Müller–Brown, the 5-D folding model), Gaussian
 * mixture multi-wells in any dimension, user-defined potentials, ground-truth basin labels by
 * steepest descent, and high-dimensional noisy embeddings y = Q [phi(x); z].
 *
 * Every potential has a CPU energy/gradient and a size-generic WGSL twin (`potential.wgsl`)
 * defining `model_grad_energy(x, g)` over vectors in the host program's storage (see
 * `WgslPotential`); integrators use the drift -grad V.
 *
 * @example
 * ```ts
 * import { continuousSystems, createEmbedding, labelByDescent } from "./mod.ts";
 * const p = continuousSystems["muller-brown"]();
 * labelByDescent(p, Float64Array.of(0.5, 0.1)); // 1: the (0.623, 0.028) minimum
 * const e = createEmbedding({ coreDim: 2, ambientDim: 50, seed: 1 });
 * const y = e.embedFrames(Float32Array.of(0.5, 0.1), null); // 50 values
 * ```
 * @module
 */
export * from "./potential.ts";
export * from "./critical_points.ts";
export * from "./define.ts";
export * from "./wells.ts";
export * from "./muller_brown.ts";
export * from "./folding.ts";
export * from "./gaussian_mixture.ts";
export * from "./user_potential.ts";
export * from "./basins_truth.ts";
export * from "./embedding.ts";
export * from "./registry.ts";
export * from "./gaussian_terms.ts";
