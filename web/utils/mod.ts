/**
 * Server-side helpers of the dashboard: flags, run rows, decimation, series, diagnostics,
 * basin statistics, live status stream, shared state, binding runs and the 3-D view maths.
 *
 * @example
 * ```ts
 * import { decimateMinMax } from "./mod.ts";
 * const d = decimateMinMax(new Float64Array(1e6).map(Math.random), 1e6, 1, 2000);
 * ```
 * @module
 */

export * from "./args.ts";
export * from "./decimate.ts";
export * from "./run_rows.ts";
export * from "./series.ts";
export * from "./sampler_stats.ts";
export * from "./basin_stats.ts";
export * from "./run_views.ts";
export * from "./status_stream.ts";
export * from "./state.ts";
export * from "./bind_runs.ts";
export * from "./view3d.ts";
