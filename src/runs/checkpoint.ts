/**
 * Checkpoints of a running run, for `runs resume`: after each finished unit (a block of steps)
 * the writer stores what the next unit needs (states, adaptive parameters, totals) beside the
 * arrays. Protocol, so a crash at any point leaves one complete checkpoint: the arrays go to new
 * files named by the step (`checkpoint_<name>_<step>.npy`, each written atomically), then
 * `checkpoint.json` is replaced atomically to name them, then the previous step's files are
 * removed. Arrays appended after the checkpoint's step are dropped on resume (`keepRows`).
 * A checkpoint records the code version that wrote it: other code would not continue the same
 * bits, so resuming under it is refused.
 * @module
 */
import { writeFileAtomic } from "../io/atomic.ts";
import { codeVersion } from "../io/code_version.ts";
import { ConfigError } from "../io/config.ts";
import type { NdArray } from "../io/npy.ts";
import { readNpyFile, writeNpyFile } from "../io/npy_file.ts";
import type { EngineCheckpoint } from "../samplers/engine.ts";

const FILE = "checkpoint.json";

/** What a checkpoint says about itself; `state` holds the kind's own scalars. */
export interface CheckpointMeta {
  /** Units done (steps for sampling and simulation): the next unit starts here. */
  readonly step: number;
  /** The code version that wrote it ({@link codeVersion}). */
  readonly codeVersion: string;
  /** The kind's scalars (adaptive parameters, counters), JSON. */
  readonly state: Record<string, unknown>;
  /** Checkpoint array name -> file in the run folder. */
  readonly arrays: Record<string, string>;
}

/** A checkpoint read back: its metadata and arrays. */
export interface Checkpoint {
  readonly meta: CheckpointMeta;
  readonly arrays: Record<string, NdArray>;
}

function fileOf(name: string, step: number): string {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`bad checkpoint array name '${name}'`);
  return `checkpoint_${name}_${step}.npy`;
}

/** Stores a checkpoint in run folder `dir`, replacing the previous one (see the module doc). */
export async function writeCheckpoint(
  dir: string,
  step: number,
  state: Record<string, unknown>,
  arrays: Record<string, NdArray>,
): Promise<void> {
  const previous = await readMeta(dir).catch(() => null);
  const files: Record<string, string> = {};
  for (const [name, arr] of Object.entries(arrays)) {
    files[name] = fileOf(name, step);
    await writeNpyFile(`${dir}/${files[name]}`, arr);
  }
  const meta: CheckpointMeta = { step, codeVersion: await codeVersion(), state, arrays: files };
  await writeFileAtomic(`${dir}/${FILE}`, JSON.stringify(meta, null, 2) + "\n");
  for (const f of Object.values(previous?.arrays ?? {})) {
    if (!Object.values(files).includes(f)) await Deno.remove(`${dir}/${f}`).catch(() => {});
  }
}

async function readMeta(dir: string): Promise<CheckpointMeta> {
  const meta = JSON.parse(await Deno.readTextFile(`${dir}/${FILE}`)) as CheckpointMeta;
  const ok = Number.isSafeInteger(meta?.step) && meta.step >= 0 &&
    typeof meta.codeVersion === "string" && typeof meta.state === "object" &&
    meta.state !== null && typeof meta.arrays === "object" && meta.arrays !== null;
  if (!ok) throw new Error(`${dir}/${FILE}: not a checkpoint (step, codeVersion, state, arrays)`);
  return meta;
}

/**
 * The checkpoint of run folder `dir`, or null when the run stopped before its first unit
 * finished. A checkpoint written by other code is refused (`ConfigError`, one line).
 */
export async function readCheckpoint(dir: string, runId: string): Promise<Checkpoint | null> {
  let meta: CheckpointMeta;
  try {
    meta = await readMeta(dir);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw new ConfigError(`run '${runId}': unreadable checkpoint: ${(e as Error).message}`);
  }
  const current = await codeVersion();
  if (meta.codeVersion !== current) {
    throw new ConfigError(
      `run '${runId}' was written by code version ${meta.codeVersion}, this is ${current}: ` +
        `resuming would not reproduce its bits (start a new run instead)`,
    );
  }
  const arrays: Record<string, NdArray> = {};
  for (const [name, file] of Object.entries(meta.arrays)) {
    arrays[name] = await readNpyFile(`${dir}/${file}`);
  }
  return { meta, arrays };
}

/**
 * Removes the checkpoint of a finished run (its final arrays hold the end state): `checkpoint.json`
 * first, then every checkpoint array file, including orphans of a crashed checkpoint write.
 */
export async function clearCheckpoint(dir: string): Promise<void> {
  await Deno.remove(`${dir}/${FILE}`).catch(() => {});
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && e.name.startsWith("checkpoint_")) {
      await Deno.remove(`${dir}/${e.name}`).catch(() => {});
    }
  }
}

/**
 * Stores the engine's checkpoint after a block (`sample`, `solve`): chain states, the adaptive
 * parameter, acceptance totals, the layout when it is chains x sites and, for exchanging samplers,
 * every rung's parameter and the sampler scratch; `state` adds the kind's own scalars.
 */
export async function writeEngineCheckpoint(
  dir: string,
  c: EngineCheckpoint,
  state: Record<string, unknown> = {},
): Promise<void> {
  const chains = c.acceptTotal.length;
  // The layout travels with the states: a resume on another adapter must replay the same sums.
  const layout = c.layout ? { layout: c.layout } : {};
  await writeCheckpoint(dir, c.step, { ...state, param: c.param, ...layout }, {
    states: { dtype: "u32", shape: [chains, c.states.length / chains], data: c.states },
    accept_total: { dtype: "f64", shape: [chains], data: c.acceptTotal },
    ...(c.params ? { params: { dtype: "f32", shape: [c.params.length], data: c.params } } : {}),
    ...(c.scratch ? { scratch: { dtype: "u32", shape: [c.scratch.length], data: c.scratch } } : {}),
  });
}

/** The engine checkpoint a stored checkpoint holds (undefined: start over from step 0). */
export function engineCheckpointOf(c: Checkpoint | null): EngineCheckpoint | undefined {
  if (!c) return undefined;
  return {
    step: c.meta.step,
    states: c.arrays.states.data as Uint32Array,
    param: Number(c.meta.state.param),
    acceptTotal: c.arrays.accept_total.data as Float64Array,
    // Parallel tempering: every rung's parameter and the sampler scratch (ladders, swap sums).
    ...(c.arrays.params ? { params: c.arrays.params.data as Float32Array } : {}),
    ...(c.arrays.scratch ? { scratch: c.arrays.scratch.data as Uint32Array } : {}),
    ...(c.meta.state.layout === "sites" ? { layout: "sites" as const } : {}),
  };
}
