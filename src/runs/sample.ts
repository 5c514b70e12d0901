/**
 * The `sample` run kind: arrays of a discrete sampling run (the CLI's `sample` command writes
 * them, the dashboard's sample page reads them).
 * @module
 */
import type { ArraySpec } from "./writer.ts";

/** The `sample` kind's name, as recorded in `run.json`. */
export const SAMPLE_KIND = "sample";

/** Arrays of a `sample` run. */
export const SAMPLE_ARRAYS = {
  /** Energy of every chain after every step. */
  energy: { name: "energy", dtype: "f32", shape: ["steps", "chains"] },
  /** DISCS's Hamming-to-reference statistic of every chain after every step. */
  hamming: { name: "hamming", dtype: "f32", shape: ["steps", "chains"] },
  /**
   * The shared adaptive parameter after every step (`[steps, replicas]` under parallel
   * tempering, one per rung; its summary's `exchange` holds the swap rates and final ladder).
   */
  param: { name: "param", dtype: "f32", shape: ["steps"] },
  /** Acceptance rate of each chain. */
  acceptance: { name: "acceptance", dtype: "f64", shape: ["chains"] },
  /** The last state of each chain. */
  finalStates: { name: "final_states", dtype: "u32", shape: ["chains", "sites"] },
  /** The reference state of the Hamming statistic. */
  reference: { name: "reference", dtype: "u32", shape: ["sites"] },
} as const satisfies Record<string, ArraySpec>;
