/**
 * Validation of configuration values with one precise message: the generic half of reading a
 * config file or flag set. The schemas themselves live with their domains (model and sampler
 * registries, `samplers/sample_config.ts`, `co/config.ts`, `dynamics/config.ts`).
 * @module
 */
import type { z } from "npm:zod@4.6.7";

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
 * import { z } from "npm:zod@4.6.7";
 * import { parseConfig } from "./config.ts";
 * const cfg = parseConfig(z.object({ chains: z.number().default(100) }), {}, "config");
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
