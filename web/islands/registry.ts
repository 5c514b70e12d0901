/**
 * The islands known to the client bundle, by name. The server renders them through
 * `components/island.tsx`; `client.tsx` hydrates each `[data-island]` element from here.
 * @module
 */

import { BarChart } from "./bar_chart.tsx";
import { ComplexView } from "./complex_view.tsx";
import { Heatmap } from "./heatmap.tsx";
import { Projection } from "./projection.tsx";
import { RunsTable } from "./runs_table.tsx";
import { SeriesChart } from "./series_chart.tsx";

/** Island components by name. */
export const islands = { BarChart, ComplexView, Heatmap, Projection, RunsTable, SeriesChart };

/** Name of a registered island. */
export type IslandName = keyof typeof islands;
