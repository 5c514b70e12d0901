/**
 * The sampler descriptor: everything the registries, the CLI, the DISCS suites, the CO solver
 * and the benchmarks need to know about a sampler, exported by the sampler's own module.
 * A new sampler is its two files (`<name>.ts` with its descriptor, `<name>_wgsl.ts`) plus one
 * line in `registry.ts`.
 * @module
 */
import type { z } from "npm:zod@4.6.7";
import type { NamedSchema } from "../models/discrete/descriptor.ts";
import type { DiscreteSampler } from "./sampler.ts";

/** What a sampler module tells the registry. */
export interface SamplerDescriptor<S extends NamedSchema = NamedSchema> {
  /** Registry name (the schema's `name` literal). */
  readonly name: string;
  /** One line for CLI help and docs. */
  readonly summary: string;
  /** Zod schema of the configuration (`{ name, ...options }`, DISCS defaults). */
  readonly schema: S;
  /**
   * Builds the sampler from a validated configuration. Its `evalsPerStep(model)` is the DISCS
   * energy-evaluation cost of a step (the counting rule of the DISCS paper). Samplers with
   * {@link inner} receive their built inner sampler.
   */
  readonly build: (cfg: z.infer<S>, inner?: DiscreteSampler) => DiscreteSampler;
  /**
   * A step costs a few local energy changes rather than passes over all sites (no gradient
   * or normaliser pass): benchmarks give cheap samplers many more chains.
   */
  readonly cheap: boolean;
  /**
   * Locally balanced (takes `balancing`): the DISCS temperature sweep runs it with both
   * g(t) = sqrt(t) and g(t) = t / (t + 1).
   */
  readonly balanced: boolean;
  /**
   * DISCS's CO policy (reference notes 1.5-1.7, 2.8): the configuration fields the CO sweeps set
   * and the adaptation mode there ("always": DISCS never freezes adaptation in CO; "off": a
   * fixed parameter or a per-step rule).
   */
  readonly co: {
    readonly config: Readonly<Record<string, unknown>>;
    readonly adapt: "always" | "off";
  };
  /** Model families the sampler runs on (registry names); absent: every family. */
  readonly models?: readonly string[];
  /**
   * Set by samplers that run another registered sampler from their `inner` field (parallel
   * tempering): the default inner sampler's name. The registry validates `inner` against the
   * samplers without this field and passes the built inner sampler to `build`.
   */
  readonly inner?: string;
}

/**
 * Declares a descriptor, keeping its schema's type (so registries derive typed unions).
 *
 * @example
 * ```ts
 * import { defineSampler } from "./descriptor.ts";
 * import { RwmConfig, rwmSampler } from "./rwm.ts";
 * const d = defineSampler({
 *   name: "rwm", summary: "random walk", schema: RwmConfig, build: (c) => rwmSampler(c),
 *   cheap: true, balanced: false, co: { config: {}, adapt: "always" },
 * });
 * console.log(d.build(d.schema.parse({ name: "rwm" })).name); // rwm
 * ```
 */
export function defineSampler<S extends NamedSchema>(
  d: SamplerDescriptor<S>,
): SamplerDescriptor<S> {
  return d;
}
