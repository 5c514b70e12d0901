/**
 * The discrete sampler registry: one line per sampler (its module's descriptor); the names,
 * the configuration union, CLI help, the bench sets, the DISCS sweep sets and the CO policy all
 * derive from it.
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { rwmDescriptor } from "./rwm.ts";
import { blockGibbsDescriptor } from "./block_gibbs.ts";
import { hammingBallDescriptor } from "./hamming_ball.ts";
import { gwgDescriptor } from "./gwg.ts";
import { pasDescriptor } from "./pas.ts";
import { dmalaDescriptor } from "./dmala.ts";
import { dlmcDescriptor, dlmcfDescriptor } from "./dlmc.ts";
import { swDescriptor } from "./sw.ts";
import { ptDescriptor } from "./pt.ts";
import type { SamplerDescriptor } from "./descriptor.ts";
import type { DiscreteSampler } from "./sampler.ts";

/** The registered samplers, in help and benchmark order. */
export const SAMPLERS = [
  rwmDescriptor,
  blockGibbsDescriptor,
  hammingBallDescriptor,
  gwgDescriptor,
  pasDescriptor,
  dmalaDescriptor,
  dlmcDescriptor,
  dlmcfDescriptor,
  swDescriptor,
  ptDescriptor,
] as const;

type Schemas<T extends readonly SamplerDescriptor[]> = { -readonly [K in keyof T]: T[K]["schema"] };

/** Names of the samplers `buildSampler` knows. */
export const SAMPLER_NAMES: readonly string[] = SAMPLERS.map((d) => d.name);

/**
 * Samplers that run chains themselves, not around another sampler (the DISCS evaluation set;
 * parallel tempering, which wraps them, is left out).
 */
export const INNER_SAMPLER_NAMES: readonly string[] = SAMPLERS.filter((d) => !d.inner).map((d) =>
  d.name
);

/** Samplers whose step is a few local energy changes (benchmarks give them more chains). */
export const CHEAP_SAMPLERS: readonly string[] = SAMPLERS.filter((d) => d.cheap).map((d) => d.name);

/** Locally balanced samplers (run with both balancing functions in the DISCS sweep). */
export const BALANCED_SAMPLERS: readonly string[] = SAMPLERS.filter((d) => d.balanced).map((
  d,
) => d.name);

/** Configuration of a sampler that runs inside another (the samplers without `inner`). */
export const InnerSamplerConfig = z.discriminatedUnion(
  "name",
  SAMPLERS.filter((d) => !d.inner).map((d) => d.schema) as unknown as Schemas<typeof SAMPLERS>,
);

/**
 * Discrete sampler configuration, by name (the union of the descriptors' schemas; a wrapping
 * sampler's `inner` field is validated as {@link InnerSamplerConfig}).
 */
export const SamplerConfig = z.discriminatedUnion(
  "name",
  SAMPLERS.map((d) =>
    d.inner
      ? (d.schema as unknown as z.ZodObject).extend({
        inner: InnerSamplerConfig.prefault({ name: d.inner } as z.input<typeof InnerSamplerConfig>),
      })
      : d.schema
  ) as unknown as Schemas<typeof SAMPLERS>,
);

/** A parsed sampler configuration. */
export type SamplerConfig = z.infer<typeof SamplerConfig>;

/**
 * The descriptor of a registered sampler; a one-line error naming the known ones otherwise.
 *
 * @example
 * ```ts
 * import { samplerDescriptor } from "./registry.ts";
 * console.log(samplerDescriptor("gwg").co.adapt); // off
 * ```
 */
export function samplerDescriptor(name: string): SamplerDescriptor {
  const d = SAMPLERS.find((s) => s.name === name);
  if (!d) throw new Error(`unknown sampler '${name}': expected one of ${SAMPLER_NAMES.join(", ")}`);
  return d as unknown as SamplerDescriptor;
}

/**
 * Builds the sampler a configuration names.
 *
 * @example
 * ```ts
 * import { buildSampler } from "./registry.ts";
 * const s = buildSampler({ name: "rwm", radius: 1, adaptive: true, targetAcceptance: 0.234 });
 * console.log(s.name); // rwm
 * ```
 */
export function buildSampler(cfg: SamplerConfig): DiscreteSampler {
  const d = samplerDescriptor(cfg.name);
  const inner = d.inner
    ? buildSampler((cfg as unknown as { inner: SamplerConfig }).inner)
    : undefined;
  return (d.build as (c: SamplerConfig, i?: DiscreteSampler) => DiscreteSampler)(cfg, inner);
}

/**
 * One line per sampler for CLI help: `name  summary`.
 *
 * @example
 * ```ts
 * import { samplerHelp } from "./registry.ts";
 * console.log(samplerHelp().split("\n").length); // the number of samplers
 * ```
 */
export function samplerHelp(): string {
  const w = Math.max(...SAMPLER_NAMES.map((n) => n.length));
  return SAMPLERS.map((d) => `${d.name.padEnd(w)}  ${d.summary}`).join("\n");
}

/**
 * Why a registered sampler cannot run on a model family (one line naming the families it
 * supports), or null when it can (descriptors without `models` run on every family).
 *
 * @example
 * ```ts
 * import { samplerModelProblem } from "./registry.ts";
 * console.log(samplerModelProblem("sw", "potts")); // null
 * ```
 */
export function samplerModelProblem(samplerName: string, modelName: string): string | null {
  const models = samplerDescriptor(samplerName).models;
  if (!models || models.includes(modelName)) return null;
  return `sampler ${samplerName} supports models ${models.join(", ")}: got '${modelName}'`;
}

/**
 * Whether a registered sampler runs on a model family (its descriptor's `models`).
 *
 * @example
 * ```ts
 * import { samplerSupports } from "./registry.ts";
 * console.log(samplerSupports("sw", "bernoulli"), samplerSupports("rwm", "bernoulli")); // false true
 * ```
 */
export function samplerSupports(samplerName: string, modelName: string): boolean {
  return samplerModelProblem(samplerName, modelName) === null;
}
