/**
 * The run store: each run is a folder `<root>/<id>/` with a `run.json` manifest (rewritten
 * atomically at each change) and its arrays as `.npy` files.
 * @module
 */

import denoJson from "../../deno.json" with { type: "json" };
import { randomHex, writeFileAtomic } from "./atomic.ts";
import {
  type AdapterInfo,
  type Backend,
  checkSafeName,
  parseRunManifest,
  RUN_MANIFEST_VERSION,
  type RunManifest,
  type RunStatus,
  type Versions,
} from "./manifest.ts";
import { ConfigError } from "./config.ts";
import { checkNdArray, type NdArray, type NpyDtype, shapeSize } from "./npy.ts";
import { NpyAppender, partialPathOf } from "./npy_appender.ts";
import { readNpyFile, readNpyRows, writeNpyFile } from "./npy_file.ts";

/** The Landscape version recorded in manifests (from deno.json). */
export const LANDSCAPE_VERSION: string = denoJson.version;

/** Versions of Landscape and the running Deno. */
export function currentVersions(): Versions {
  return {
    landscape: LANDSCAPE_VERSION,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
  };
}

/** What {@linkcode RunStore.create} needs to start a run. */
export type CreateRunOptions = {
  /** argv of the command that started the run. */
  command: string[];
  /** The run kind recorded in `run.json` (`src/runs` always sets it). */
  kind?: string;
  /** The full resolved config (must survive JSON round trip). */
  config: Record<string, unknown>;
  seed: number;
  backend: Backend;
  /** Adapter facts; a WebGPU `GPUAdapterInfo` may be passed directly. */
  adapter?: AdapterInfo | GPUAdapterInfo;
  /** A chosen id instead of `<yyyymmdd-hhmmss>-<hex>` (refused if taken). */
  id?: string;
  /** Overrides the recorded versions (tests). */
  versions?: Versions;
  /** Creation time (default now). */
  now?: Date;
};

/** This process, as a run's writer. */
function writerInfo(): { pid: number; host: string } {
  let host = "";
  try {
    host = Deno.hostname();
  } catch {
    host = ""; // no --allow-sys: a writer on an unknown host is never taken for alive
  }
  return { pid: Deno.pid, host };
}

/**
 * Takes the run's writer lock (`run.lock`, an exclusive advisory lock that the operating system
 * releases when the process dies), or returns null if another live process holds it.
 */
async function lockRun(dir: string): Promise<Deno.FsFile | null> {
  const f = await Deno.open(`${dir}/${LOCK_FILE}`, { read: true, write: true, create: true });
  if (await f.tryLock(true)) return f;
  f.close();
  return null;
}

/** The writer lock's file in a run folder. */
export const LOCK_FILE = "run.lock";

/** A folder under the root that is not a readable run, and why. */
export type SkippedRun = { id: string; reason: string };

/** Result of {@linkcode RunStore.list}. */
export type RunList = {
  /** Valid runs, newest first. */
  runs: RunManifest[];
  /** Folders without a valid `run.json`. */
  skipped: SkippedRun[];
};

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

/**
 * A new run id `<yyyymmdd-hhmmss>-<6 hex>` from a UTC time.
 *
 * @example
 * ```ts
 * newRunId(new Date("2026-11-28T10:15:00Z")); // "20261128-101500-xxxxxx"
 * ```
 */
export function newRunId(now: Date = new Date()): string {
  const d = `${now.getUTCFullYear()}${pad2(now.getUTCMonth() + 1)}${pad2(now.getUTCDate())}`;
  const t = `${pad2(now.getUTCHours())}${pad2(now.getUTCMinutes())}${pad2(now.getUTCSeconds())}`;
  return `${d}-${t}-${randomHex(3)}`;
}

function pickAdapter(a: AdapterInfo | GPUAdapterInfo | undefined): AdapterInfo | undefined {
  if (!a) return undefined;
  // GPUAdapterInfo exposes getters on its prototype, which JSON.stringify would drop.
  const src = a as Record<string, unknown>;
  const out: AdapterInfo = {};
  for (const key of ["description", "vendor", "architecture", "device"] as const) {
    if (typeof src[key] === "string") out[key] = src[key] as string;
  }
  if (typeof src.isFallbackAdapter === "boolean") out.isFallbackAdapter = src.isFallbackAdapter;
  return out;
}

function jsonRoundTrip<T>(what: string, value: T): T {
  try {
    return JSON.parse(JSON.stringify(value));
  } catch (e) {
    throw new Error(`${what} is not JSON-serialisable: ${(e as Error).message}`);
  }
}

async function readManifestFile(dir: string, id: string): Promise<RunManifest> {
  const path = `${dir}/run.json`;
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new Error(`${path}: no run.json`);
    throw e;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: not valid JSON: ${(e as Error).message}`);
  }
  const m = parseRunManifest(json, `${path} is invalid`);
  if (m.id !== id) throw new Error(`${path}: id '${m.id}' does not match folder name '${id}'`);
  return m;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/**
 * The runs folder.
 *
 * @example
 * ```ts
 * import { RunStore } from "./run_store.ts";
 * const store = new RunStore(await Deno.makeTempDir());
 * const run = await store.create({ command: ["sample"], config: {}, seed: 1, backend: "cpu" });
 * await run.writeArray("x", { dtype: "f64", shape: [2], data: new Float64Array([1, 2]) });
 * await run.finish("done");
 * const { runs } = await store.list();
 * const x = await (await store.open(runs[0].id)).readArray("x");
 * console.log(x.data); // Float64Array [1, 2]
 * ```
 */
export class RunStore {
  constructor(readonly root: string = "runs") {}

  /** The folder of run `id` (after checking that the id is a safe name). */
  runDir(id: string): string {
    checkSafeName("run id", id);
    return `${this.root}/${id}`;
  }

  /** Creates a new run folder and its manifest (status "running"); never reuses a folder. */
  async create(options: CreateRunOptions): Promise<RunWriter> {
    await Deno.mkdir(this.root, { recursive: true });
    const now = options.now ?? new Date();
    let id = options.id ?? newRunId(now);
    for (let attempt = 0;; attempt++) {
      const dir = this.runDir(id);
      try {
        // Non-recursive mkdir claims the id atomically.
        await Deno.mkdir(dir);
        break;
      } catch (e) {
        if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
        if (options.id !== undefined || attempt >= 5) {
          throw new Error(`run '${id}' already exists in ${this.root}: refusing to overwrite it`);
        }
        id = newRunId(now);
      }
    }
    const kind = options.kind;
    if (kind !== undefined) checkSafeName("run kind", kind);
    const manifest: RunManifest = {
      schemaVersion: RUN_MANIFEST_VERSION,
      id,
      kind,
      command: [...options.command],
      config: jsonRoundTrip("config", options.config),
      seed: options.seed,
      backend: options.backend,
      adapter: pickAdapter(options.adapter),
      versions: options.versions ?? currentVersions(),
      timings: { createdAt: now.toISOString(), phases: {} },
      status: "running",
      writer: writerInfo(),
      arrays: {},
      summary: {},
    };
    if (manifest.adapter === undefined) delete manifest.adapter;
    if (manifest.kind === undefined) delete manifest.kind;
    const lock = await lockRun(this.runDir(id));
    const writer = new RunWriter(this.runDir(id), manifest, false, lock);
    try {
      await writer.save();
    } catch (e) {
      writer.releaseLock();
      await Deno.remove(this.runDir(id), { recursive: true }).catch(() => {});
      throw e;
    }
    return writer;
  }

  /** Opens a run for reading. */
  async open(id: string): Promise<RunReader> {
    const dir = this.runDir(id);
    if (!(await exists(dir))) throw new Error(`run '${id}' not found in ${this.root}`);
    return new RunReader(dir, await readManifestFile(dir, id));
  }

  /**
   * Reopens an unfinished or failed run for writing: status goes back to "running", and
   * `appender()` on an existing array continues it.
   */
  async resume(id: string): Promise<RunWriter> {
    const dir = this.runDir(id);
    if (!(await exists(dir))) throw new Error(`run '${id}' not found in ${this.root}`);
    const manifest = await readManifestFile(dir, id);
    if (manifest.status === "done") {
      throw new Error(`run '${id}' is done: expected a running or failed run to resume`);
    }
    const lock = await lockRun(dir);
    if (!lock) {
      throw new ConfigError(
        `run '${id}' is still being written by another process (${
          manifest.writer ? `pid ${manifest.writer.pid} on ${manifest.writer.host || "?"}` : "?"
        }): expected a stopped run`,
      );
    }
    // Temporary files of writes that a crash interrupted were never published: drop them.
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && /\.[0-9a-f]{12}\.tmp$/.test(e.name)) await Deno.remove(`${dir}/${e.name}`);
      // A partial array the manifest never named: the crash came before its (empty) appender
      // was recorded, so it holds no rows.
      const m = /^(.+)\.npy\.partial$/.exec(e.name);
      if (e.isFile && m && !(m[1] in manifest.arrays)) await Deno.remove(`${dir}/${e.name}`);
    }
    manifest.status = "running";
    manifest.writer = writerInfo();
    delete manifest.error;
    delete manifest.timings.finishedAt;
    const writer = new RunWriter(dir, manifest, true, lock);
    try {
      await writer.save();
    } catch (e) {
      writer.releaseLock();
      throw e;
    }
    return writer;
  }

  /**
   * Whether a `running` run's writer has stopped (its process died or was killed): its writer lock
   * is free, so `runs resume` may continue it. False for a run that is not `running`.
   */
  async writerStopped(id: string): Promise<boolean> {
    const m = await readManifestFile(this.runDir(id), id);
    if (m.status !== "running") return false;
    const lock = await lockRun(this.runDir(id)).catch(() => null);
    if (!lock) return false;
    lock.close();
    return true;
  }

  /** All runs, newest first; folders that are not valid runs are reported in `skipped`. */
  async list(): Promise<RunList> {
    const runs: RunManifest[] = [];
    const skipped: SkippedRun[] = [];
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(this.root));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return { runs, skipped };
      throw e;
    }
    for (const entry of entries) {
      if (!entry.isDirectory) continue;
      try {
        checkSafeName("run id", entry.name);
        runs.push(await readManifestFile(`${this.root}/${entry.name}`, entry.name));
      } catch (e) {
        skipped.push({ id: entry.name, reason: (e as Error).message });
      }
    }
    runs.sort((a, b) =>
      a.timings.createdAt === b.timings.createdAt
        ? (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
        : (a.timings.createdAt < b.timings.createdAt ? 1 : -1)
    );
    skipped.sort((a, b) => (a.id < b.id ? -1 : 1));
    return { runs, skipped };
  }
}

/** Options for {@linkcode RunWriter.writeArray}. */
export type WriteArrayOptions = {
  /** Replace an array already in the run (default false: refuse). */
  replace?: boolean;
};

/**
 * Writes one run: arrays, appenders, summary, phase timings and the final status. Every change
 * rewrites `run.json` atomically; changes are saved in call order.
 */
export class RunWriter {
  readonly id: string;
  readonly dir: string;
  #manifest: RunManifest;
  #saving: Promise<unknown> = Promise.resolve();
  #appenders = new Map<string, NpyAppender>();
  readonly #resumed: boolean;
  #lock: Deno.FsFile | null;

  /** @internal Use {@linkcode RunStore.create} or {@linkcode RunStore.resume}. */
  constructor(
    dir: string,
    manifest: RunManifest,
    resumed = false,
    lock: Deno.FsFile | null = null,
  ) {
    this.dir = dir;
    this.id = manifest.id;
    this.#manifest = manifest;
    this.#resumed = resumed;
    this.#lock = lock;
  }

  /** Releases the writer lock (done by `finish`; a process that dies releases it too). */
  releaseLock(): void {
    try {
      this.#lock?.close();
    } catch {
      // already closed
    }
    this.#lock = null;
  }

  /** Ends the writer: the lock file goes (while still held, so no one takes it meanwhile). */
  async #unlockAndRemove(): Promise<void> {
    if (this.#lock) await Deno.remove(`${this.dir}/${LOCK_FILE}`).catch(() => {});
    this.releaseLock();
  }

  /** A deep copy of the current manifest. */
  get manifest(): RunManifest {
    return structuredClone(this.#manifest);
  }

  /** Validates and writes `run.json` atomically (queued behind earlier saves). */
  save(): Promise<void> {
    const next = this.#saving.catch(() => {}).then(async () => {
      const checked = parseRunManifest(this.#manifest, `${this.dir}/run.json would be invalid`);
      await writeFileAtomic(`${this.dir}/run.json`, JSON.stringify(checked, null, 2) + "\n");
    });
    this.#saving = next;
    return next;
  }

  #checkRunning(): void {
    if (this.#manifest.status !== "running") {
      throw new Error(`run '${this.id}' is ${this.#manifest.status}: expected a running run`);
    }
  }

  /** Writes a whole array as `<name>.npy` (atomically) and records it in the manifest. */
  async writeArray(name: string, arr: NdArray, options: WriteArrayOptions = {}): Promise<void> {
    this.#checkRunning();
    checkSafeName("array name", name);
    checkNdArray(arr);
    if (name in this.#manifest.arrays && !options.replace) {
      throw new Error(
        `array '${name}' already exists in run '${this.id}': pass replace: true to replace it`,
      );
    }
    if (this.#appenders.has(name)) {
      throw new Error(`array '${name}' is being appended to in run '${this.id}'`);
    }
    const file = `${name}.npy`;
    await writeNpyFile(`${this.dir}/${file}`, arr);
    this.#manifest.arrays[name] = { file, dtype: arr.dtype, shape: [...arr.shape] };
    await this.save();
  }

  /**
   * Opens an appender for array `name` with rows of `rowShape`; the manifest's shape follows
   * each flush. In a resumed run, an existing array of the same dtype and row shape is
   * continued; otherwise an existing name is refused. `keepRows` keeps exactly that many rows
   * (a run resumed from a checkpoint drops rows written after it).
   */
  async appender(
    name: string,
    dtype: NpyDtype,
    rowShape: readonly number[],
    options: { bufferBytes?: number; keepRows?: number } = {},
  ): Promise<NpyAppender> {
    this.#checkRunning();
    checkSafeName("array name", name);
    shapeSize(rowShape);
    const existing = this.#manifest.arrays[name];
    if (existing && !this.#resumed) {
      throw new Error(`array '${name}' already exists in run '${this.id}'`);
    }
    if (this.#appenders.has(name) && !this.#appenders.get(name)!.closed) {
      throw new Error(`array '${name}' already has an open appender in run '${this.id}'`);
    }
    const file = `${name}.npy`;
    const app = await NpyAppender.open(`${this.dir}/${file}`, dtype, rowShape, {
      resume: existing !== undefined,
      bufferBytes: options.bufferBytes,
      keepRows: options.keepRows,
      onFlush: async (rows) => {
        this.#manifest.arrays[name] = { file, dtype, shape: [rows, ...rowShape] };
        await this.save();
      },
    });
    this.#appenders.set(name, app);
    this.#manifest.arrays[name] = { file, dtype, shape: [app.flushedRows, ...rowShape] };
    await this.save();
    return app;
  }

  /**
   * Merges key figures into the summary. Non-finite numbers (NaN, +-Infinity) are stored as
   * the strings "NaN", "Infinity", "-Infinity", since JSON cannot hold them.
   */
  async setSummary(values: Record<string, number | string>): Promise<void> {
    for (const [key, v] of Object.entries(values)) {
      if (typeof v === "number") {
        this.#manifest.summary[key] = Number.isFinite(v) ? v : String(v);
      } else if (typeof v === "string") {
        this.#manifest.summary[key] = v;
      } else {
        throw new Error(`summary '${key}' is ${typeof v}: expected a number or string`);
      }
    }
    await this.save();
  }

  /** Records the seconds a phase took (added to earlier records of the same phase). */
  async recordPhase(name: string, seconds: number): Promise<void> {
    if (!Number.isFinite(seconds) || seconds < 0) {
      throw new Error(`phase '${name}' took ${seconds} s: expected a finite number >= 0`);
    }
    const phases = this.#manifest.timings.phases;
    phases[name] = (phases[name] ?? 0) + seconds;
    await this.save();
  }

  /** Runs `fn`, recording its duration as phase `name` (also when it throws). */
  async timePhase<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      await this.recordPhase(name, (performance.now() - t0) / 1000);
    }
  }

  /**
   * Ends the run: closes open appenders (their rows are kept), records `finishedAt`, the status
   * and the error message, and saves the manifest.
   */
  async finish(status: "done" | "failed", error?: string): Promise<void> {
    this.#checkRunning();
    let closeError: unknown;
    for (const app of this.#appenders.values()) {
      try {
        await app.close();
      } catch (e) {
        closeError ??= e;
      }
    }
    this.#appenders.clear();
    if (closeError && status === "done") {
      status = "failed";
      error = `closing an array failed: ${(closeError as Error).message}`;
    }
    this.#manifest.status = status satisfies RunStatus;
    if (error !== undefined) this.#manifest.error = error.replace(/\s*\n\s*/g, " ");
    this.#manifest.timings.finishedAt = new Date().toISOString();
    try {
      await this.save();
    } finally {
      await this.#unlockAndRemove();
    }
    if (closeError) throw closeError;
  }
}

/** Read access to one run. */
export class RunReader {
  /** @internal Use {@linkcode RunStore.open}. */
  constructor(readonly dir: string, readonly manifest: RunManifest) {}

  /** The run id. */
  get id(): string {
    return this.manifest.id;
  }

  /** Names of the arrays in the run. */
  get arrayNames(): string[] {
    return Object.keys(this.manifest.arrays);
  }

  async #fileOf(name: string): Promise<{ path: string; partial: boolean }> {
    const entry = this.manifest.arrays[name];
    if (!entry) {
      const names = this.arrayNames.join(", ") || "none";
      throw new Error(`run '${this.id}' has no array '${name}': it has ${names}`);
    }
    const path = `${this.dir}/${entry.file}`;
    // An appender still writing (or interrupted) keeps its newest rows in the partial file.
    const partial = partialPathOf(path);
    if (await exists(partial)) return { path: partial, partial: true };
    return { path, partial: false };
  }

  /** Reads a whole array (for an array still being appended, its flushed rows). */
  async readArray(name: string): Promise<NdArray> {
    const { path, partial } = await this.#fileOf(name);
    return await readNpyFile(path, { allowTrailing: partial });
  }

  /** Reads rows `[start, start + count)` of an array without loading the rest. */
  async readArrayRows(name: string, start: number, count: number): Promise<NdArray> {
    const { path } = await this.#fileOf(name);
    return await readNpyRows(path, start, count);
  }
}
