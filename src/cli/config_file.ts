/**
 * Reading a command's JSON config file: unreadable or malformed files are input errors with one
 * line naming the file and what was expected.
 * @module
 */
import { ConfigError } from "../io/config.ts";
import { UsageError } from "./args.ts";

/**
 * Reads `path` as a JSON object. `expected` names the fields, for the error message.
 */
export async function readConfigFile(
  path: string,
  command: string,
  expected: string,
): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new UsageError(`${command}: --config ${path}: cannot read file (${(e as Error).name})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${path}: not valid JSON: ${(e as Error).message.split("\n")[0]}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ConfigError(`${path}: expected a JSON object with ${expected}`);
  }
  return value as Record<string, unknown>;
}
