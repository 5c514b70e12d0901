/**
 * Builds discrete samplers from validated configurations.
 * @module
 */
import type { z } from "npm:zod@4.6.7";
import type { SamplerConfig } from "../io/config.ts";
import { rwmSampler } from "./rwm.ts";
import { blockGibbsSampler } from "./block_gibbs.ts";
import { hammingBallSampler } from "./hamming_ball.ts";
import { gwgSampler } from "./gwg.ts";
import { pasSampler } from "./pas.ts";
import { dmalaSampler } from "./dmala.ts";
import { dlmcfSampler, dlmcSampler } from "./dlmc.ts";
import type { DiscreteSampler } from "./sampler.ts";

/** Names of the samplers `buildSampler` knows. */
export const SAMPLER_NAMES: readonly string[] = [
  "rwm",
  "block_gibbs",
  "hamming_ball",
  "gwg",
  "pas",
  "dmala",
  "dlmc",
  "dlmcf",
];

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
    case "block_gibbs":
      return blockGibbsSampler(cfg);
    case "hamming_ball":
      return hammingBallSampler(cfg);
    case "gwg":
      return gwgSampler(cfg);
    case "pas":
      return pasSampler(cfg);
    case "dmala":
      return dmalaSampler(cfg);
    case "dlmc":
      return dlmcSampler(cfg);
    case "dlmcf": {
      const { name: _, ...opts } = cfg;
      return dlmcfSampler(opts);
    }
  }
}
