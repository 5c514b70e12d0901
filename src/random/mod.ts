/**
 * CPU twin of the WGSL RNG: Philox4x32-10, derived draws and deterministic f32 math that
 * return the same bits as `src/wgsl` for the same (key, counter).
 *
 * @example
 * ```ts
 * import { normal2, philox4x32, seedToKey } from "./mod.ts";
 * const key = seedToKey(42);
 * const w = philox4x32([7, 0, 0, 0], key); // (index, step, chain, stream)
 * const [z0, z1] = normal2(w[0], w[1]);
 * ```
 * @module
 */
export * from "./philox.ts";
export * from "./draws.ts";
export * from "./f32math.ts";
export * from "./splitmix.ts";
