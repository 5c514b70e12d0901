/**
 * Data for the basin and optimisation pages and the compare view, read from a run's arrays
 * (array names documented in `web/README.md`).
 * @module
 */

import type { RunReader } from "../../src/io/run_store.ts";
import {
  adjustedRandIndex,
  type Contingency,
  contingency,
  type DendrogramLayout,
  dendrogramLayout,
} from "./basin_stats.ts";
import { type DashState, diagnosticsOf } from "./state.ts";
import { BASINS_ARRAYS } from "../../src/runs/basins.ts";
import { SAMPLE_ARRAYS } from "../../src/runs/sample.ts";
import { SOLVE_ARRAYS } from "../../src/runs/solve.ts";

const B = BASINS_ARRAYS, O = SOLVE_ARRAYS, ENERGY = SAMPLE_ARRAYS.energy.name;

/** What the basin page shows besides the projection and heatmap islands. */
export type BasinView = {
  frames: number | null;
  trajectories: number | null;
  dim: number | null;
  candidates: number | null;
  basinsFound: number | null;
  basinsTrue: number | null;
  ari: number | null;
  contingency: Contingency | null;
  /** Detected basins with how many candidates each holds. */
  basinSizes: [number, number][];
  dendrogram: DendrogramLayout | null;
  hasRisk: boolean;
};

const labelsOf = async (r: RunReader, name: string) =>
  name in r.manifest.arrays ? Array.from((await r.readArray(name)).data) : null;

/**
 * Reads the basin view of a run holding some of `frames`, `start_index`, `labels_true`,
 * `labels_pred`, `risk`, `merges`.
 *
 * @example
 * ```ts
 * const v = await basinView(await store.open(id)); // v.ari, v.dendrogram, ...
 * ```
 */
export async function basinView(r: RunReader): Promise<BasinView> {
  const arrays = r.manifest.arrays;
  const fr = arrays.frames?.shape;
  const pred = await labelsOf(r, B.labelsPred.name);
  const truth = await labelsOf(r, B.labelsTrue.name);
  let merges: number[][] | null = null;
  if (B.merges.name in arrays) {
    const m = await r.readArray(B.merges.name);
    const cols = m.shape[1] ?? 0;
    merges = Array.from(
      { length: m.shape[0] },
      (_, k) => Array.from(m.data.subarray(k * cols, (k + 1) * cols)),
    );
  }
  const sizes = new Map<number, number>();
  for (const l of pred ?? []) sizes.set(l, (sizes.get(l) ?? 0) + 1);
  const both = pred && truth && pred.length === truth.length;
  return {
    frames: fr?.[0] ?? null,
    trajectories: fr?.[1] ?? null,
    dim: fr?.[2] ?? null,
    candidates: pred?.length ?? truth?.length ?? arrays.risk?.shape[0] ?? null,
    basinsFound: pred ? sizes.size : null,
    basinsTrue: truth ? new Set(truth).size : null,
    ari: both ? adjustedRandIndex(truth, pred) : null,
    contingency: both ? contingency(truth, pred) : null,
    basinSizes: [...sizes.entries()].sort((a, b) => a[0] - b[0]),
    dendrogram: merges && merges.length ? dendrogramLayout(merges) : null,
    hasRisk: B.risk.name in arrays,
  };
}

/** Summary of an optimisation run. */
export type OptimiseView = {
  steps: number | null;
  chains: number | null;
  bestObjective: number | null;
  /** Step at which the best objective was first reached. */
  bestStep: number | null;
  seconds: number | null;
  /** The best solution's first values (at most 256) and its length. */
  bestSolution: { values: number[]; length: number } | null;
};

/**
 * Reads the optimisation view of a run holding `objective` and/or `best_objective`, `time`,
 * `best_solution`. "Best" is whatever the producer recorded in `best_objective`.
 */
export async function optimiseView(r: RunReader): Promise<OptimiseView> {
  const a = r.manifest.arrays;
  const s = r.manifest.summary;
  let bestObjective = typeof s.bestObjective === "number" ? s.bestObjective : null;
  let bestStep: number | null = null;
  if (O.bestObjective.name in a) {
    const b = (await r.readArray(O.bestObjective.name)).data;
    if (b.length) {
      const last = b[b.length - 1];
      bestObjective ??= last;
      bestStep = b.findIndex((v) => v === last);
    }
  }
  let seconds: number | null = null;
  if (O.time.name in a) {
    const t = (await r.readArray(O.time.name)).data;
    seconds = t.length ? t[t.length - 1] : null;
  }
  let bestSolution: OptimiseView["bestSolution"] = null;
  if (O.bestSolution.name in a) {
    const v = (await r.readArray(O.bestSolution.name)).data;
    bestSolution = { values: Array.from(v.subarray(0, 256)), length: v.length };
  }
  const obj = a.objective?.shape;
  return {
    steps: obj?.[0] ?? a.best_objective?.shape[0] ?? null,
    chains: obj ? (obj[1] ?? 1) : null,
    bestObjective,
    bestStep,
    seconds,
    bestSolution,
  };
}

/** One run in the compare view. */
export type CompareRow = {
  id: string;
  label: string;
  model: string;
  sampler: string;
  chains: number;
  steps: number;
  essMean: number;
  essPerSecond: number | null;
  essPerEval: number | null;
  rhat: number | null;
};

/**
 * Compare rows for the given sampling runs (or all finished sampling runs when `ids` is
 * empty); runs that are not sampling runs or fail to load are reported in `skipped`.
 */
export async function compareRows(
  state: DashState,
  ids: string[],
): Promise<{ rows: CompareRow[]; skipped: { id: string; reason: string }[] }> {
  if (ids.length === 0) {
    const { runs } = await state.store.list();
    ids = runs.filter((m) => m.status === "done" && ENERGY in m.arrays).map((m) => m.id);
  }
  const rows: CompareRow[] = [];
  const skipped: { id: string; reason: string }[] = [];
  for (const id of ids) {
    try {
      const r = await state.store.open(id);
      if (!(ENERGY in r.manifest.arrays)) throw new Error("not a sampling run (no energy)");
      const d = await diagnosticsOf(state, r);
      rows.push({
        id,
        label: d.sampler,
        model: d.model,
        sampler: d.sampler,
        chains: d.chains,
        steps: d.steps,
        essMean: d.essMean,
        essPerSecond: d.essPerSecond,
        essPerEval: d.essPerEval,
        rhat: d.rhat,
      });
    } catch (e) {
      skipped.push({ id, reason: (e as Error).message });
    }
  }
  rows.sort((a, b) => (a.sampler < b.sampler ? -1 : a.sampler > b.sampler ? 1 : 0));
  // Label bars by sampler; add the id's tail only where a sampler appears more than once.
  const count = new Map<string, number>();
  for (const r of rows) count.set(r.sampler, (count.get(r.sampler) ?? 0) + 1);
  for (const r of rows) {
    r.label = (r.sampler || "?") + (count.get(r.sampler)! > 1 ? ` · ${r.id.slice(-6)}` : "");
  }
  return { rows, skipped };
}
