/**
 * The run manifest (`runs/<id>/run.json`): a zod schema with a version number, and a parser
 * whose errors name the field path and what was expected, in one line.
 * @module
 */

import { z } from "npm:zod@4.6.7";

/**
 * The manifest schema version this code writes. Version 2 adds `kind` (which run kind wrote the
 * run, see `src/runs`); version 1 manifests (no `kind`) are still read.
 */
export const RUN_MANIFEST_VERSION = 2;

const ID_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

/**
 * Throws a one-line error unless `name` is safe as a single path component: letters, digits,
 * `.`, `_`, `-`, at most 128 characters, not starting with `.`, no `..`, no separators.
 * Used for run ids and array names, so neither can escape the run folder.
 *
 * @example
 * ```ts
 * import { checkSafeName } from "./manifest.ts";
 * checkSafeName("run id", "20261128-101500-a1b2c3"); // ok
 * try {
 *   checkSafeName("run id", "../etc");
 * } catch (e) {
 *   console.log((e as Error).message); // invalid run id '../etc': path separators are not allowed
 * }
 * ```
 */
export function checkSafeName(kind: string, name: string): void {
  if (typeof name !== "string") {
    throw new Error(`invalid ${kind} ${String(name)}: expected a string`);
  }
  if (/[/\\]/.test(name)) {
    throw new Error(`invalid ${kind} '${name}': path separators are not allowed`);
  }
  if (name.includes("..")) {
    throw new Error(`invalid ${kind} '${name}': '..' is not allowed`);
  }
  if (!ID_PATTERN.test(name)) {
    throw new Error(
      `invalid ${kind} '${name}': expected 1-128 letters, digits, '.', '_' or '-', ` +
        `not starting with '.'`,
    );
  }
}

const safeName = (kind: string) =>
  z.string().refine((s) => {
    try {
      checkSafeName(kind, s);
      return true;
    } catch {
      return false;
    }
  }, { message: `expected a ${kind} of letters, digits, '.', '_' or '-' with no '..'` });

const isoTime = () =>
  z.iso.datetime({ error: "expected an ISO 8601 UTC date-time like 2026-11-28T10:15:00.000Z" });

/** Adapter facts worth recording (a subset of WebGPU's `GPUAdapterInfo`). */
export const AdapterInfoSchema = z.strictObject({
  description: z.string().optional(),
  vendor: z.string().optional(),
  architecture: z.string().optional(),
  device: z.string().optional(),
  isFallbackAdapter: z.boolean().optional(),
});

/** Versions of Landscape and its runtime that produced a run. */
export const VersionsSchema = z.strictObject({
  landscape: z.string(),
  deno: z.string(),
  v8: z.string(),
  typescript: z.string(),
});

/** Where and how an array of the run is stored. */
export const ArrayEntrySchema = z.strictObject({
  file: safeName("file name"),
  dtype: z.enum(["f32", "f64", "i32", "u32", "u8"]),
  shape: z.array(z.number().int().nonnegative()),
});

/** The zod schema of `run.json`. */
export const RunManifestSchema = z.strictObject({
  schemaVersion: z.literal([1, RUN_MANIFEST_VERSION]),
  id: safeName("run id"),
  /** The run kind (`sample`, `solve`, ...); absent in version 1 manifests. */
  kind: safeName("run kind").optional(),
  command: z.array(z.string()),
  config: z.record(z.string(), z.unknown()),
  seed: z.number().int(),
  backend: z.enum(["webgpu", "cpu"]),
  adapter: AdapterInfoSchema.optional(),
  versions: VersionsSchema,
  timings: z.strictObject({
    createdAt: isoTime(),
    finishedAt: isoTime().optional(),
    phases: z.record(z.string(), z.number().nonnegative()),
  }),
  status: z.enum(["running", "done", "failed"]),
  error: z.string().optional(),
  /** The process writing (or that last wrote) the run: `runs resume` refuses a live writer. */
  writer: z.strictObject({ pid: z.number().int().nonnegative(), host: z.string() }).optional(),
  arrays: z.record(safeName("array name"), ArrayEntrySchema),
  summary: z.record(
    z.string(),
    z.union([z.number(), z.string()], { error: "expected a finite number or a string" }),
  ),
});

/** A parsed run manifest. */
export type RunManifest = z.infer<typeof RunManifestSchema>;
/** Adapter facts stored in a manifest. */
export type AdapterInfo = z.infer<typeof AdapterInfoSchema>;
/** Versions stored in a manifest. */
export type Versions = z.infer<typeof VersionsSchema>;
/** One array entry of a manifest. */
export type ArrayEntry = z.infer<typeof ArrayEntrySchema>;
/** Run status. */
export type RunStatus = RunManifest["status"];
/** Compute backend of a run. */
export type Backend = RunManifest["backend"];

/** Formats a zod issue path as `a.b[2].c` (or `(root)`). */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(root)";
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** Turns a zod error into one line: the first problem's path and message, plus a count. */
export function formatZodError(what: string, error: z.ZodError): string {
  const [first, ...rest] = error.issues;
  const more = rest.length > 0 ? ` (and ${rest.length} more problem(s))` : "";
  return `${what}: ${formatIssuePath(first.path)}: ${first.message}${more}`;
}

/**
 * Validates a value (e.g. `JSON.parse` of `run.json`) as a {@linkcode RunManifest}; throws a
 * one-line error naming the field path and what was expected.
 *
 * @example
 * ```ts
 * import { parseRunManifest } from "./manifest.ts";
 * import { RunStore } from "./run_store.ts";
 * const dir = await Deno.makeTempDir();
 * const run = await new RunStore(dir).create({ command: ["x"], config: {}, seed: 0, backend: "cpu" });
 * const m = parseRunManifest(JSON.parse(await Deno.readTextFile(`${run.dir}/run.json`)));
 * console.log(m.status); // running
 * ```
 */
export function parseRunManifest(value: unknown, what = "invalid run manifest"): RunManifest {
  const result = RunManifestSchema.safeParse(value);
  if (!result.success) throw new Error(formatZodError(what, result.error));
  return result.data;
}
