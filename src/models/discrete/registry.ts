/**
 * Builds discrete models from validated configurations.
 * @module
 */
import type { z } from "npm:zod@4.6.7";
import type { ModelConfig } from "../../io/config.ts";
import { bernoulliModel } from "./bernoulli.ts";
import type { DiscreteModel } from "./model.ts";

/**
 * Builds the model a configuration names.
 *
 * @example
 * ```ts
 * const model = buildDiscreteModel({ name: "bernoulli", numSites: 10, sigma: 0.5, seed: 0 });
 * console.log(model.numSites); // 10
 * ```
 */
export function buildDiscreteModel(cfg: z.infer<typeof ModelConfig>): DiscreteModel {
  switch (cfg.name) {
    case "bernoulli":
      return bernoulliModel(cfg);
  }
}
