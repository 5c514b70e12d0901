/**
 * Run kinds: one module per kind of stored run (`sample`, `solve`, `simulate`, `basins`,
 * `discs`, `rbm`, `bind`, `retro`; `lm` trains into the store itself), each holding its array names and
 * shapes and its writer, all following one contract (`recordRun`): the run is created
 * `running` with its `kind` in `run.json`, arrays are written as work finishes, and it ends
 * `done`, or `failed` with the reason. The CLI and the dashboard read the same constants.
 *
 * @example
 * ```ts
 * import { recordRun, SOLVE_ARRAYS } from "./mod.ts";
 * import { RunStore } from "../io/run_store.ts";
 * const store = new RunStore(await Deno.makeTempDir());
 * const { runId } = await recordRun(store, "solve", {
 *   command: ["example"], config: {}, seed: 0, backend: "cpu",
 * }, async (run) => {
 *   await run.writeArray(SOLVE_ARRAYS.time.name, {
 *     dtype: "f64", shape: [2], data: Float64Array.of(0.1, 0.2),
 *   });
 * });
 * console.log((await store.open(runId)).manifest.status); // done
 * ```
 * @module
 */
export * from "./writer.ts";
export * from "./sample.ts";
export * from "./solve.ts";
export * from "./simulate.ts";
export * from "./basins.ts";
export * from "./discs.ts";
export * from "./rbm.ts";
export * from "./bind.ts";
export * from "./retro.ts";
