/**
 * Builds discrete models from validated configurations, loading `.npy` parameter files when the
 * configuration names them (`"arrays": {"theta": "theta.npy"}`).
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { ConfigError } from "../../io/config.ts";
import { readNpyFile } from "../../io/npy_file.ts";
import { bernoulliDescriptor } from "./bernoulli.ts";
import { categoricalDescriptor } from "./categorical.ts";
import { isingDescriptor } from "./ising.ts";
import { pottsDescriptor } from "./potts.ts";
import { fhmmDescriptor } from "./fhmm.ts";
import { rbmDescriptor } from "./rbm.ts";
import type { ModelDescriptor, NamedSchema } from "./descriptor.ts";
import type { DiscreteModel } from "./model.ts";

/** The registered discrete model families, in help order. */
export const MODELS = [
  bernoulliDescriptor,
  categoricalDescriptor,
  isingDescriptor,
  pottsDescriptor,
  fhmmDescriptor,
  rbmDescriptor,
] as const;

/** Names of the model families `buildDiscreteModel` knows. */
export const MODEL_NAMES: readonly string[] = MODELS.map((d) => d.name);

/** Paths of `.npy` files that replace a model's generated parameters, by option name. */
export const ArrayFiles = z.record(z.string(), z.string().min(1)).optional();

type WithArrays<S> = S extends z.ZodObject<infer Shape, infer Config>
  ? z.ZodObject<z.util.Extend<Shape, { arrays: typeof ArrayFiles }>, Config>
  : never;
type Schemas<T extends readonly ModelDescriptor[]> = {
  -readonly [K in keyof T]: WithArrays<T[K]["schema"]>;
};

/** Discrete model configuration, by family name (defaults are DISCS's; `arrays` name `.npy` files). */
export const ModelConfig = z.discriminatedUnion(
  "name",
  MODELS.map((d) => d.schema.extend({ arrays: ArrayFiles })) as unknown as Schemas<typeof MODELS>,
);

/** A parsed model configuration. */
export type ModelConfig = z.infer<typeof ModelConfig>;

/** Options of each family that may be given as arrays (and so loaded from `.npy`). */
export const ARRAY_OPTIONS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  MODELS.map((d) => [d.name, d.arrayOptions]),
);

/**
 * The descriptor of a registered family; a one-line error naming the known ones otherwise.
 *
 * @example
 * ```ts
 * import { modelDescriptor } from "./registry.ts";
 * console.log(modelDescriptor("ising").arrayOptions); // ["field"]
 * ```
 */
export function modelDescriptor(name: string): ModelDescriptor {
  const d = MODELS.find((m) => m.name === name);
  if (!d) throw new Error(`unknown model '${name}': expected one of ${MODEL_NAMES.join(", ")}`);
  return d as unknown as ModelDescriptor<NamedSchema>;
}

/**
 * Builds the model a configuration names (arrays must already be loaded into the options).
 *
 * @example
 * ```ts
 * import { buildDiscreteModel } from "./registry.ts";
 * const model = buildDiscreteModel({ name: "bernoulli", numSites: 10, sigma: 0.5, seed: 0 });
 * console.log(model.numSites); // 10
 * ```
 */
export function buildDiscreteModel(
  cfg: ModelConfig,
  arrays: Record<string, Float32Array> = {},
): DiscreteModel {
  const { arrays: _files, ...opts } = cfg;
  const build = modelDescriptor(cfg.name).build as (
    c: unknown,
    a: Record<string, Float32Array>,
  ) => DiscreteModel;
  return build(opts, arrays);
}

/**
 * One line per family for CLI help: `name  summary`.
 *
 * @example
 * ```ts
 * import { modelHelp } from "./registry.ts";
 * console.log(modelHelp().split("\n")[0]); // bernoulli    Independent binary sites ...
 * ```
 */
export function modelHelp(): string {
  const w = Math.max(...MODEL_NAMES.map((n) => n.length));
  return MODELS.map((d) => `${d.name.padEnd(w)}  ${d.summary}`).join("\n");
}

/**
 * Loads the `.npy` files a model configuration names (paths relative to `baseDir`) and builds
 * the model. Unknown array names and unreadable files are {@link ConfigError}s.
 */
export async function loadDiscreteModel(
  cfg: ModelConfig,
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
