/**
 * Builds discrete samplers from validated configurations.
 * @module
 */
import type { z } from "npm:zod@4.6.7";
import type { SamplerConfig } from "../io/config.ts";
import { rwmSampler } from "./rwm.ts";
import type { DiscreteSampler } from "./sampler.ts";

/**
 * Builds the sampler a configuration names.
 *
 * @example
 * ```ts
 * const s = buildSampler({ name: "rwm", radius: 1, adaptive: true, targetAcceptance: 0.234 });
 * console.log(s.name); // rwm
 * ```
 */
export function buildSampler(cfg: z.infer<typeof SamplerConfig>): DiscreteSampler {
  switch (cfg.name) {
    case "rwm":
      return rwmSampler(cfg);
  }
}
