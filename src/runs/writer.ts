/**
 * The one writer contract every run kind follows: the run is created when the work starts
 * (status `running`, `kind` recorded in `run.json`), arrays are written or appended as the work
 * finishes them, and the run ends `done`, or `failed` with the reason when the work throws (the
 * error is then rethrown, so the caller still reports it).
 * @module
 */
import type { NpyDtype, NpyTypedArray } from "../io/npy.ts";
import type { CreateRunOptions, RunStore, RunWriter, WriteArrayOptions } from "../io/run_store.ts";
import type { RunManifest } from "../io/manifest.ts";

/**
 * The run kinds: one module each under `src/runs/`, except `lm`, whose arrays and checkpoint
 * `src/lm/train.ts` describes (it trains into the store itself).
 */
export const RUN_KINDS = [
  "sample",
  "solve",
  "simulate",
  "basins",
  "discs",
  "rbm",
  "lm",
  "bind",
  "retro",
] as const;

/** A run kind. */
export type RunKind = typeof RUN_KINDS[number];

/** One array a run kind stores: file name, element type, shape in words and meaning. */
export interface ArraySpec {
  /** Array name in the manifest (the file is `<name>.npy`). */
  readonly name: string;
  /** Element type (several when it depends on the data, e.g. u8 or u32 states). */
  readonly dtype: NpyDtype | readonly NpyDtype[];
  /** Axis names, e.g. `["steps", "chains"]`; `[]` for a scalar row. */
  readonly shape: readonly string[];
  /** Whether some runs of the kind leave it out. */
  readonly optional?: boolean;
}

/** What {@link startRun} and {@link recordRun} need: the store's options without the kind. */
export type StartRunOptions = Omit<CreateRunOptions, "kind">;

/**
 * The error of a failed run as one line (the manifest's `error`).
 *
 * @example
 * ```ts
 * import { failureReason } from "./writer.ts";
 * console.log(failureReason(new Error("out of memory\n  at x"))); // "out of memory at x"
 * ```
 */
export function failureReason(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.replace(/\s*\n\s*/g, " ").trim() || (e instanceof Error ? e.name : "failed");
}

/** Creates a run of `kind` with status `running`. */
export async function startRun(
  store: RunStore,
  kind: RunKind,
  options: StartRunOptions,
): Promise<RunWriter> {
  return await store.create({ ...options, kind });
}

/** A run that {@link recordRun} finished, and what its work returned. */
export interface RecordedRun<T> {
  readonly runId: string;
  readonly value: T;
}

/**
 * Creates a run of `kind`, runs `work` with its writer and ends the run: `done` when `work`
 * returns (unless `work` finished the run itself), `failed` with the one-line reason when it
 * throws; the error is rethrown.
 *
 * @example
 * ```ts
 * import { recordRun } from "./writer.ts";
 * import { RunStore } from "../io/run_store.ts";
 * const dir = await Deno.makeTempDir();
 * const { runId } = await recordRun(
 *   new RunStore(dir),
 *   "sample",
 *   { command: ["sample"], config: {}, seed: 0, backend: "cpu" },
 *   (run) => run.setSummary({ answer: 42 }),
 * );
 * console.log((await new RunStore(dir).open(runId)).manifest.status); // done
 * ```
 */
export async function recordRun<T>(
  store: RunStore,
  kind: RunKind,
  options: StartRunOptions,
  work: (run: RunWriter) => Promise<T>,
): Promise<RecordedRun<T>> {
  const run = await startRun(store, kind, options);
  let value: T;
  try {
    value = await work(run);
  } catch (e) {
    if (run.manifest.status === "running") {
      // The work's error is the one to report; a failure to record it must not hide it.
      await run.finish("failed", failureReason(e)).catch(() => {});
    }
    throw e;
  }
  if (run.manifest.status === "running") await run.finish("done");
  return { runId: run.id, value };
}

/**
 * Writes a whole array named by `spec`, checking its dtype and rank against the spec.
 *
 * @example
 * ```ts
 * import { writeSpecArray } from "./writer.ts";
 * import { RunStore } from "../io/run_store.ts";
 * const run = await new RunStore(await Deno.makeTempDir()).create({
 *   command: ["x"], config: {}, seed: 0, backend: "cpu",
 * });
 * await writeSpecArray(run, { name: "time", dtype: "f64", shape: ["steps"] }, [2], new Float64Array(2));
 * ```
 */
export async function writeSpecArray(
  run: RunWriter,
  spec: ArraySpec,
  shape: readonly number[],
  data: NpyTypedArray,
  options: WriteArrayOptions = {},
): Promise<void> {
  const dtype = dtypeOf(data);
  const allowed = typeof spec.dtype === "string" ? [spec.dtype] : spec.dtype;
  if (!allowed.includes(dtype)) {
    throw new Error(`array '${spec.name}' is ${dtype}: expected ${allowed.join(" or ")}`);
  }
  if (shape.length !== spec.shape.length) {
    throw new Error(
      `array '${spec.name}' has shape [${shape}]: expected [${spec.shape.join(", ")}]`,
    );
  }
  await run.writeArray(spec.name, { dtype, shape: [...shape], data }, options);
}

function dtypeOf(
  data: NpyTypedArray,
): NpyDtype {
  if (data instanceof Float32Array) return "f32";
  if (data instanceof Float64Array) return "f64";
  if (data instanceof Int32Array) return "i32";
  if (data instanceof Uint32Array) return "u32";
  return "u8";
}

/**
 * The kind of a stored run: the manifest's `kind`, or for version 1 manifests (written before
 * kinds were recorded) the command's first word when it names a kind; otherwise null.
 *
 * @example
 * ```ts
 * import { runKindOf } from "./writer.ts";
 * runKindOf({ kind: undefined, command: ["solve", "--problem", "mis"] }); // "solve"
 * ```
 */
export function runKindOf(m: Pick<RunManifest, "kind" | "command">): RunKind | null {
  const k = m.kind ?? m.command[0];
  return (RUN_KINDS as readonly string[]).includes(k ?? "") ? k as RunKind : null;
}
