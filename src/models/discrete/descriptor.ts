/**
 * The discrete model descriptor: what the registry, the CLI and the suites need to know about a
 * model family, exported by the family's own module. A new family is its module (energy, CPU
 * and WGSL twins, descriptor) plus one line in `registry.ts`.
 * @module
 */
import type { z } from "npm:zod@4.6.7";
import type { DiscreteModel } from "./model.ts";

/** A zod object schema whose `name` field is a string literal (a discriminated-union member). */
export type NamedSchema = z.ZodObject<{ name: z.ZodLiteral<string> } & z.ZodRawShape>;

/** What a model module tells the registry. */
export interface ModelDescriptor<S extends NamedSchema = NamedSchema> {
  /** Family name (the schema's `name` literal). */
  readonly name: string;
  /** One line for CLI help and docs. */
  readonly summary: string;
  /** Zod schema of the configuration (`{ name, ...options }`, DISCS defaults). */
  readonly schema: S;
  /** Options that may be given as arrays, so loaded from `.npy` files (`"arrays": {...}`). */
  readonly arrayOptions: readonly string[];
  /** Builds the model from a validated configuration and the arrays loaded for it. */
  readonly build: (
    cfg: z.infer<S>,
    arrays: Readonly<Record<string, Float32Array>>,
  ) => DiscreteModel;
}

/**
 * Declares a descriptor, keeping its schema's type (so the registry derives a typed union).
 *
 * @example
 * ```ts
 * import { defineModel } from "./descriptor.ts";
 * import { BernoulliConfig, bernoulliModel } from "./bernoulli.ts";
 * const d = defineModel({
 *   name: "bernoulli", summary: "independent sites", schema: BernoulliConfig,
 *   arrayOptions: ["theta"], build: (c, a) => bernoulliModel({ ...c, ...a }),
 * });
 * console.log(d.build(d.schema.parse({ name: "bernoulli", numSites: 3 }), {}).numSites); // 3
 * ```
 */
export function defineModel<S extends NamedSchema>(d: ModelDescriptor<S>): ModelDescriptor<S> {
  return d;
}
