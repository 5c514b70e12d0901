/**
 * Builds discrete models from validated configurations, loading `.npy` parameter files when the
 * configuration names them (`"arrays": {"theta": "theta.npy"}`).
 * @module
 */
import type { z } from "npm:zod@4.6.7";
import type { ModelConfig } from "../../io/config.ts";
import { ConfigError } from "../../io/config.ts";
import { readNpyFile } from "../../io/npy_file.ts";
import { bernoulliModel } from "./bernoulli.ts";
import { categoricalModel } from "./categorical.ts";
import { isingModel } from "./ising.ts";
import { pottsModel } from "./potts.ts";
import { fhmmModel } from "./fhmm.ts";
import { rbmModel } from "./rbm.ts";
import type { DiscreteModel } from "./model.ts";

/** Options of each family that may be given as arrays (and so loaded from `.npy`). */
export const ARRAY_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  bernoulli: ["theta"],
  categorical: ["theta"],
  ising: ["field"],
  potts: ["field"],
  fhmm: ["weights", "bias", "observations"],
  rbm: ["weights", "visibleBias", "hiddenBias"],
};

/**
 * Builds the model a configuration names (arrays must already be loaded into the options).
 *
 * @example
 * ```ts
 * const model = buildDiscreteModel({ name: "bernoulli", numSites: 10, sigma: 0.5, seed: 0 });
 * console.log(model.numSites); // 10
 * ```
 */
export function buildDiscreteModel(
  cfg: z.infer<typeof ModelConfig>,
  arrays: Record<string, Float32Array> = {},
): DiscreteModel {
  const { arrays: _files, ...opts } = cfg;
  switch (opts.name) {
    case "bernoulli":
      return bernoulliModel({ ...opts, ...arrays });
    case "categorical":
      return categoricalModel({ ...opts, ...arrays });
    case "ising":
      return isingModel({ ...opts, ...arrays });
    case "potts":
      return pottsModel({ ...opts, ...arrays });
    case "fhmm":
      return fhmmModel({ ...opts, ...arrays });
    case "rbm":
      return rbmModel({ ...opts, ...arrays });
  }
}

/**
 * Loads the `.npy` files a model configuration names (paths relative to `baseDir`) and builds
 * the model. Unknown array names and unreadable files are {@link ConfigError}s.
 */
export async function loadDiscreteModel(
  cfg: z.infer<typeof ModelConfig>,
  baseDir = ".",
): Promise<DiscreteModel> {
  const arrays: Record<string, Float32Array> = {};
  const allowed = ARRAY_OPTIONS[cfg.name];
  for (const [name, path] of Object.entries(cfg.arrays ?? {})) {
    if (!allowed.includes(name)) {
      throw new ConfigError(
        `model.arrays.${name}: ${cfg.name} takes arrays ${allowed.join(", ")}, not '${name}'`,
      );
    }
    const full = path.startsWith("/") ? path : `${baseDir}/${path}`;
    let arr;
    try {
      arr = await readNpyFile(full);
    } catch (e) {
      throw new ConfigError(`model.arrays.${name}: ${full}: ${(e as Error).message}`);
    }
    arrays[name] = arr.data instanceof Float32Array ? arr.data : Float32Array.from(arr.data);
  }
  try {
    return buildDiscreteModel(cfg, arrays);
  } catch (e) {
    throw new ConfigError(`model: ${(e as Error).message}`);
  }
}
