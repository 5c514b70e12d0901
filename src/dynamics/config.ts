/**
 * The zod schema of a `simulate` run: system, integrator settings, starts, embedding noise and
 * backend.
 * @module
 */
import { z } from "npm:zod@4.6.7";

const posInt = () => z.number().int().positive();

/**
 * A `simulate` configuration. `starts` is a list of points in the system's dimension, or
 * `{ random: K }` for K uniform draws in the system's box (seeded). `dim` is the ambient
 * dimension D; when it exceeds the system's own dimension, frames are embedded as
 * y = Q [x; z] with white or OU noise z of standard deviation `noiseSigma`.
 */
export const SimulateConfig = z.object({
  system: z.string().min(1),
  /** Options passed to the registry factory (e.g. { scale: 0.1 } for muller-brown). */
  systemOptions: z.record(z.string(), z.unknown()).default({}),
  dim: posInt().optional(),
  noise: z.enum(["white", "ou"]).default("white"),
  noiseSigma: z.number().nonnegative().finite().default(0.1),
  /** OU correlation time in frames (noise "ou"). */
  noiseTau: z.number().positive().finite().default(10),
  starts: z.union([
    z.array(z.array(z.number().finite()).min(1)).min(1),
    z.object({ random: posInt().max(100_000) }).strict(),
  ]),
  trajectories: posInt().max(10_000_000).describe("trajectories per start").default(16),
  frames: posInt().max(100_000_000).default(100),
  stride: posInt().max(1_000_000).default(100),
  dt: z.number().positive().finite().default(1e-3),
  beta: z.number().positive().finite().default(1),
  integrator: z.enum(["euler-maruyama", "baoab"]).default("euler-maruyama"),
  gamma: z.number().positive().finite().default(1),
  reflect: z.boolean().default(false),
  seed: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).default(0),
  backend: z.enum(["auto", "webgpu", "cpu"]).default("auto"),
  /** Frames per block (the unit stored with its checkpoint); default: by memory. */
  blockFrames: posInt().max(1_000_000).optional(),
  /**
   * Simulate only trajectories [a, b) of the whole set (starts x trajectories), as a shard of a
   * split run does; random numbers follow the global index, so the ranges merge to the whole.
   */
  trajectoryRange: z.tuple([z.number().int().nonnegative(), z.number().int().positive()])
    .optional(),
}).strict();

/** The parsed `simulate` configuration. */
export type SimulateConfig = z.infer<typeof SimulateConfig>;
