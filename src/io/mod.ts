/**
 * Data and runs: NumPy `.npy` arrays (whole-file and chunked/resumable appends), atomic file
 * writes, the zod-validated run manifest, the run store (`runs/<id>/run.json` + arrays) and
 * plain-text views of runs for the CLI.
 *
 * @example
 * ```ts
 * import { RunStore } from "./mod.ts";
 *
 * const store = new RunStore(await Deno.makeTempDir());
 * const run = await store.create({ command: ["demo"], config: { steps: 10 }, seed: 7, backend: "cpu" });
 * const trace = await run.appender("energy", "f64", []);
 * await trace.append(new Float64Array([1.5, 0.5]), 2);
 * await run.setSummary({ meanEnergy: 1 });
 * await run.finish("done");
 * const energy = await (await store.open(run.id)).readArray("energy"); // shape [2]
 * ```
 * @module
 */

export * from "./npy.ts";
export * from "./npy_file.ts";
export * from "./npy_appender.ts";
export * from "./atomic.ts";
export * from "./manifest.ts";
export * from "./run_store.ts";
export * from "./runs_format.ts";
export * from "./config.ts";
