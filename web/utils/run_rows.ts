/**
 * What the dashboard shows about a run at a glance: its kind (which page renders it) and one
 * row of the runs index (command, model/system, sampler, backend, status, key figures).
 * @module
 */

import type { RunManifest } from "../../src/io/manifest.ts";
import { runKindOf } from "../../src/runs/writer.ts";
import { SAMPLE_ARRAYS } from "../../src/runs/sample.ts";
import { SOLVE_ARRAYS } from "../../src/runs/solve.ts";
import { BASINS_ARRAYS } from "../../src/runs/basins.ts";

/** Which page renders a run. */
export type RunKind = "sample" | "basins" | "optimise" | "retro" | "generic";

/**
 * Which page shows a run: from the recorded run kind (`run.json`'s `kind`, or the command of
 * older runs): `solve` → optimise, `basins` and `simulate` → basins, `sample` → sample; else from its arrays: `energy` → sample, `frames`/`risk`/`merges` → basins,
 * `objective` → optimise.
 *
 * @example
 * ```ts
 * runKind({ command: ["sample"], arrays: {} } as unknown as RunManifest); // "sample"
 * ```
 */
export function runKind(m: Pick<RunManifest, "command" | "arrays" | "kind">): RunKind {
  const kind = runKindOf(m);
  if (kind === "solve") return "optimise";
  if (kind === "basins" || kind === "simulate") return "basins";
  if (kind === "sample") return "sample";
  const has = (name: string) => name in m.arrays;
  const cmd = m.command[0] ?? "";
  if (cmd === "retro" && m.command[1] === "predict") return "retro";
  const b = BASINS_ARRAYS;
  if (has(b.frames.name) || has(b.risk.name) || has(b.merges.name)) return "basins";
  if (has(SOLVE_ARRAYS.objective.name) || ["optimise", "optimize", "anneal"].includes(cmd)) {
    return "optimise";
  }
  if (has(SAMPLE_ARRAYS.energy.name)) return "sample";
  return "generic";
}

/** One row of the runs index. */
export type RunRow = {
  id: string;
  kind: RunKind;
  command: string;
  /** Model or system name (`summary.model`, `summary.system`, or the config's). */
  model: string;
  sampler: string;
  backend: string;
  status: string;
  createdAt: string;
  finishedAt?: string;
  error?: string;
  /** Key figures from the summary, formatted (at most six). */
  figures: [string, string][];
};

const FIGURE_KEYS = [
  "stepsPerSecond",
  "meanAcceptance",
  "essPerSecond",
  "bestObjective",
  "ari",
  "basins",
  "chains",
  "steps",
  "trajectories",
];

/** Formats a number compactly (4 significant digits, no exponent below 1e6). */
export function formatFigure(v: number | string): string {
  if (typeof v === "string") return v;
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

function nameOf(v: unknown): string {
  if (typeof v === "string") return v;
  if (v && typeof v === "object" && typeof (v as { name?: unknown }).name === "string") {
    return (v as { name: string }).name;
  }
  return "";
}

/**
 * The index row of a manifest.
 *
 * @example
 * ```ts
 * const row = runRow(manifest); // { id, kind: "sample", model: "ising", sampler: "gibbs", ... }
 * ```
 */
export function runRow(m: RunManifest): RunRow {
  const s = m.summary;
  const model = nameOf(s.model) || nameOf(s.system) || nameOf(m.config.model) ||
    nameOf(m.config.system);
  const sampler = nameOf(s.sampler) || nameOf(m.config.sampler) || nameOf(s.optimiser);
  const figures: [string, string][] = [];
  for (const key of FIGURE_KEYS) {
    if (key in s && figures.length < 6) figures.push([key, formatFigure(s[key])]);
  }
  const row: RunRow = {
    id: m.id,
    kind: runKind(m),
    command: m.command.join(" "),
    model,
    sampler,
    backend: m.backend,
    status: m.status,
    createdAt: m.timings.createdAt,
    figures,
  };
  if (m.timings.finishedAt) row.finishedAt = m.timings.finishedAt;
  if (m.error) row.error = m.error;
  return row;
}
