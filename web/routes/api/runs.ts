/**
 * JSON API handlers over the run store (read only). Each returns plain data; `web/app.ts`
 * maps {@linkcode NotFound} to 404 and {@linkcode BadRequest} to 400.
 * @module
 */

import { checkSafeName } from "../../../src/io/manifest.ts";
import { runKind, type RunRow, runRow } from "../../utils/run_rows.ts";
import { arraySeries, type SeriesData } from "../../utils/series.ts";
import {
  BadRequest,
  type DashState,
  diagnosticsOf,
  NotFound,
  openRun,
  requireArray,
} from "../../utils/state.ts";
import { projectFrames, type Projection } from "../../utils/basin_stats.ts";
import { basinView, compareRows } from "../../utils/run_views.ts";
import { BASINS_ARRAYS } from "../../../src/runs/basins.ts";
import { SAMPLE_ARRAYS } from "../../../src/runs/sample.ts";

/** Arrays larger than this are only served decimated. */
export const MAX_RAW_ELEMENTS = 1_000_000;

/** `GET /api/runs`: index rows of every run, newest first, and skipped folders. */
export async function listRuns(state: DashState): Promise<{
  runs: RunRow[];
  skipped: { id: string; reason: string }[];
}> {
  const { runs, skipped } = await state.store.list();
  return { runs: runs.map(runRow), skipped };
}

/** `GET /api/runs/:id`: the manifest, its index row and its kind. */
export async function runDetail(state: DashState, id: string) {
  const r = await openRun(state, id);
  return { kind: runKind(r.manifest), row: runRow(r.manifest), manifest: r.manifest };
}

function intParam(q: URLSearchParams, key: string): number | undefined {
  const v = q.get(key);
  if (v === null || v === "") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    throw new BadRequest(`query '${key}=${v}' is invalid: expected an integer >= 0`);
  }
  return n;
}

/**
 * `GET /api/runs/:id/arrays/:names`: one array, or several comma-separated arrays with the
 * same number of rows, as min/max-decimated series (`points`, `start`, `end`, `x`); with
 * `raw=1`, one array's `{dtype, shape, data}` (small arrays only).
 */
export async function arrayData(
  state: DashState,
  id: string,
  names: string,
  q: URLSearchParams,
): Promise<SeriesData | { dtype: string; shape: number[]; data: (number | null)[] }> {
  const r = await openRun(state, id);
  const list = names.split(",");
  for (const name of list) {
    try {
      checkSafeName("array name", name);
    } catch {
      throw new NotFound(`no array '${name}' in run '${id}'`);
    }
    requireArray(r, name);
  }
  const x = q.get("x") ?? undefined;
  if (x !== undefined) requireArray(r, x);
  if (q.get("raw") === "1") {
    if (list.length !== 1) throw new BadRequest("raw=1 takes one array name: got several");
    const entry = r.manifest.arrays[list[0]];
    const size = entry.shape.reduce((a, b) => a * b, 1);
    if (size > MAX_RAW_ELEMENTS) {
      throw new BadRequest(
        `array '${list[0]}' has ${size} elements: raw=1 serves at most ${MAX_RAW_ELEMENTS}; ` +
          `use the decimated series`,
      );
    }
    const a = await r.readArray(list[0]);
    return {
      dtype: a.dtype,
      shape: a.shape,
      data: Array.from(a.data, (v) => (Number.isFinite(v) ? v : null)),
    };
  }
  const points = intParam(q, "points") ?? 2000;
  if (points < 2 || points > 200_000) {
    throw new BadRequest(`query 'points=${points}' is invalid: expected 2..200000`);
  }
  const opts = { points, start: intParam(q, "start"), end: intParam(q, "end"), x };
  let out: SeriesData | undefined;
  for (const name of list) {
    const s = await arraySeries(r, name, { ...opts, label: list.length > 1 ? name : "chain" });
    if (!out) out = s;
    else {
      if (s.rows !== out.rows) {
        throw new BadRequest(
          `arrays '${list.join(",")}' have different row counts: expected equal rows to combine`,
        );
      }
      out.series.push(...s.series);
    }
  }
  return out!;
}

/** `GET /api/runs/:id/diagnostics`: ESS, ESS/s, R-hat, acceptance and autocorrelation. */
export async function diagnostics(state: DashState, id: string) {
  const r = await openRun(state, id);
  requireArray(r, SAMPLE_ARRAYS.energy.name);
  return await diagnosticsOf(state, r);
}

/**
 * `GET /api/runs/:id/projection?mode=pca|coords&i=&j=&maxFrames=`: frames projected to 2-D,
 * with `startIndex` (start candidate per trajectory) and `labelsPred` (basin per candidate).
 */
export async function projection(
  state: DashState,
  id: string,
  q: URLSearchParams,
): Promise<Projection & { startIndex: number[] | null; labelsPred: number[] | null }> {
  const r = await openRun(state, id);
  requireArray(r, BASINS_ARRAYS.frames.name);
  const mode = q.get("mode") ?? "pca";
  if (mode !== "pca" && mode !== "coords") {
    throw new BadRequest(`query 'mode=${mode}' is invalid: expected pca or coords`);
  }
  const p = projectFrames(await r.readArray(BASINS_ARRAYS.frames.name), {
    mode,
    i: intParam(q, "i"),
    j: intParam(q, "j"),
    maxFrames: intParam(q, "maxFrames"),
  });
  const read = async (name: string) =>
    name in r.manifest.arrays ? Array.from((await r.readArray(name)).data) : null;
  return {
    ...p,
    startIndex: await read(BASINS_ARRAYS.startIndex.name),
    labelsPred: await read(BASINS_ARRAYS.labelsPred.name),
  };
}

/** `GET /api/runs/:id/basins`: ARI, contingency counts, basin sizes and dendrogram layout. */
export async function basins(state: DashState, id: string) {
  return await basinView(await openRun(state, id));
}

/** `GET /api/compare?ids=a,b`: ESS figures of sampling runs (all finished ones by default). */
export async function compare(state: DashState, q: URLSearchParams) {
  const ids = (q.get("ids") ?? "").split(",").filter((s) => s !== "");
  return await compareRows(state, ids);
}
