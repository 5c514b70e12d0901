/**
 * Chart-ready JSON from run arrays: 1-D and 2-D arrays become series on a shared x axis,
 * min/max-decimated on the server.
 * @module
 */

import type { RunReader } from "../../src/io/run_store.ts";
import type { NdArray } from "../../src/io/npy.ts";
import { decimateMinMax } from "./decimate.ts";

/** Series sharing one x axis, as the chart islands draw them. */
export type SeriesData = {
  /** Label of the x axis. */
  xLabel: string;
  x: number[];
  series: { label: string; values: (number | null)[] }[];
  /** Rows in the source array (before decimation). */
  rows: number;
  decimated: boolean;
};

/** Options of {@linkcode arraySeries}. */
export type ArraySeriesOptions = {
  /** Most points per series (default 2000). */
  points?: number;
  /** First row (default 0). */
  start?: number;
  /** Row after the last (default all rows). */
  end?: number;
  /** A 1-D array of the same run, with one value per row, used as x (e.g. `time`). */
  x?: string;
  /** Series label prefix for 2-D arrays (default "chain"). */
  label?: string;
};

/** An error the API reports as 400 (a bad request rather than a missing run). */
export class BadRequest extends Error {}

/** Rows and columns of a 0-D, 1-D or 2-D array; throws {@linkcode BadRequest} otherwise. */
export function rowsCols(arr: Pick<NdArray, "shape">, name: string): [number, number] {
  const s = arr.shape;
  if (s.length === 0) return [1, 1];
  if (s.length === 1) return [s[0], 1];
  if (s.length === 2) return [s[0], s[1]];
  throw new BadRequest(`array '${name}' has shape [${s}]: expected 1-D or 2-D for a series`);
}

/**
 * Decimated series of one array of a run: a 1-D array gives one series, a 2-D `[rows, cols]`
 * array one series per column.
 *
 * @example
 * ```ts
 * const s = await arraySeries(await store.open(id), "energy", { points: 1000 });
 * ```
 */
export async function arraySeries(
  reader: RunReader,
  name: string,
  opts: ArraySeriesOptions = {},
): Promise<SeriesData> {
  const arr = await reader.readArray(name);
  const [rows, cols] = rowsCols(arr, name);
  const start = Math.max(0, Math.min(rows, Math.floor(opts.start ?? 0)));
  const end = Math.max(start, Math.min(rows, Math.floor(opts.end ?? rows)));
  const d = decimateMinMax(arr.data, rows, cols, opts.points ?? 2000, start, end);
  let x = Array.from(d.index);
  let xLabel = "step";
  if (opts.x) {
    const xs = await reader.readArray(opts.x);
    if (xs.shape.length !== 1 || xs.shape[0] < rows) {
      throw new BadRequest(
        `x array '${opts.x}' has shape [${xs.shape}]: expected 1-D with at least ${rows} rows`,
      );
    }
    x = x.map((i) => xs.data[i]);
    xLabel = opts.x;
  }
  const prefix = opts.label ?? "chain";
  const series = d.columns.map((values, c) => ({
    label: cols === 1 ? name : `${prefix} ${c}`,
    values,
  }));
  return { xLabel, x, series, rows, decimated: d.decimated };
}

/** Column `c` of a row-major `[rows, cols]` array as a Float64Array. */
export function column(data: ArrayLike<number>, rows: number, cols: number, c: number) {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) out[r] = data[r * cols + c];
  return out;
}
