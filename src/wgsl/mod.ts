/**
 * Shared WGSL snippets as TypeScript strings: deterministic f32 math (`math_*`) and the
 * counter-based RNG (`rng_*`). Each has a CPU twin in `src/random` returning the same bits.
 *
 * @example
 * ```ts
 * import { RNG_WGSL } from "./mod.ts";
 * const code = RNG_WGSL + "@compute @workgroup_size(64) fn main() {}";
 * ```
 * @module
 */
export * from "./math.ts";
export * from "./rng.ts";
