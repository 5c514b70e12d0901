/**
 * Zod schemas for run configurations, so a config file or flag set is validated with one precise
 * message before any work starts.
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { BernoulliConfig } from "../models/discrete/bernoulli.ts";
import { CategoricalConfig } from "../models/discrete/categorical.ts";
import { IsingConfig } from "../models/discrete/ising.ts";
import { PottsConfig } from "../models/discrete/potts.ts";
import { FhmmConfig } from "../models/discrete/fhmm.ts";
import { RbmConfig } from "../models/discrete/rbm.ts";
import { RwmConfig } from "../samplers/rwm.ts";
import { BlockGibbsConfig } from "../samplers/block_gibbs.ts";
import { HammingBallConfig } from "../samplers/hamming_ball.ts";
import { GwgConfig } from "../samplers/gwg.ts";
import { PasConfig } from "../samplers/pas.ts";
import { DmalaConfig } from "../samplers/dmala.ts";
import { DlmcConfig, DlmcfConfig } from "../samplers/dlmc.ts";

const posInt = () => z.number().int().positive();

/** Paths of `.npy` files that replace a model's generated parameters, by option name. */
export const ArrayFiles = z.record(z.string(), z.string().min(1)).optional();

/** Discrete model configuration, by family name (defaults are DISCS's). */
export const ModelConfig = z.discriminatedUnion("name", [
  BernoulliConfig.extend({ arrays: ArrayFiles }),
  CategoricalConfig.extend({ arrays: ArrayFiles }),
  IsingConfig.extend({ arrays: ArrayFiles }),
  PottsConfig.extend({ arrays: ArrayFiles }),
  FhmmConfig.extend({ arrays: ArrayFiles }),
  RbmConfig.extend({ arrays: ArrayFiles }),
]);

/** Discrete sampler configuration, by name. */
export const SamplerConfig = z.discriminatedUnion("name", [
  RwmConfig,
  BlockGibbsConfig,
  HammingBallConfig,
  GwgConfig,
  PasConfig,
  DmalaConfig,
  DlmcConfig,
  DlmcfConfig,
]);

/** A full `sample` run configuration. */
export const SampleConfig = z.object({
  model: ModelConfig,
  sampler: SamplerConfig,
  chains: posInt().max(1_000_000).default(100),
  steps: posInt().max(100_000_000).default(1000),
  seed: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).default(0),
  burnInFraction: z.number().min(0).lt(1).default(0.5),
  adapt: z.enum(["burn-in", "always", "off"]).default("burn-in"),
  beta: z.number().nonnegative().finite().default(1),
  blockSteps: posInt().max(100_000).default(256),
  backend: z.enum(["auto", "webgpu", "cpu"]).default("auto"),
}).strict();

/** The parsed `sample` configuration. */
export type SampleConfig = z.infer<typeof SampleConfig>;

/** A configuration problem, reported in one line with exit code 2 by the CLI. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/**
 * Parses a value against a schema and turns the first problem into a one-line
 * {@link ConfigError} naming the field and what was expected.
 *
 * @example
 * ```ts
 * const cfg = parseConfig(SampleConfig, { model: { name: "bernoulli" }, sampler: { name: "rwm" } }, "config");
 * console.log(cfg.chains); // 100
 * ```
 */
export function parseConfig<T extends z.ZodType>(
  schema: T,
  value: unknown,
  source: string,
): z.infer<T> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue.path.length ? issue.path.join(".") : "(root)";
  const message = issue.message.replace(/^Invalid input: /, "").replace(/^Too (small|big): /, "");
  const input = (issue as { input?: unknown }).input;
  const got = input === undefined || typeof input === "object"
    ? ""
    : `, got ${typeof input === "string" ? JSON.stringify(input) : String(input)}`;
  throw new ConfigError(
    `${source}: ${path}: ${message.charAt(0).toLowerCase()}${message.slice(1)}${got}`,
  );
}
