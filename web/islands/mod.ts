/**
 * Islands: components rendered on the server and hydrated in the browser by `web/client.tsx`
 * (uPlot line charts, lazily loaded Observable Plot bars, canvas heatmap and projection, the
 * live runs table, and the rotatable 3-D complex view).
 *
 * @example
 * ```ts
 * import { islands } from "./mod.ts";
 * console.log(Object.keys(islands)); // ["BarChart", "Heatmap", ...]
 * ```
 * @module
 */

export * from "./registry.ts";
export * from "./series_chart.tsx";
export * from "./bar_chart.tsx";
export * from "./heatmap.tsx";
export * from "./projection.tsx";
export * from "./runs_table.tsx";
export * from "./complex_view.tsx";
