/**
 * DISCS result tables: one row per cell as CSV, and markdown with a pivot per suite (the
 * headline figure per model/sweep point and sampler, best in bold) plus the full rows.
 * @module
 */
import type { SuiteName } from "./suites.ts";
import type { DiscsMetrics } from "./protocol.ts";

/** One result row: the cell's coordinates, its figures, where it ran and its stored run. */
export interface DiscsRow extends DiscsMetrics {
  suite: SuiteName;
  model: string;
  sampler: string;
  x: number | null;
  numSites: number;
  chains: number;
  steps: number;
  backend: string;
  /** Run id in the run store, or "" when not stored. */
  run: string;
}

/** CSV columns, in order. */
export const CSV_COLUMNS: readonly (keyof DiscsRow)[] = [
  "suite",
  "model",
  "sampler",
  "x",
  "numSites",
  "chains",
  "steps",
  "keptDraws",
  "essMean",
  "essStd",
  "essPerStep",
  "essPerEval",
  "essPerSecond",
  "energyEvals",
  "seconds",
  "meanAcceptance",
  "finalParam",
  "backend",
  "run",
];

function csvField(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * Rows as CSV (header line, full-precision numbers, empty field for null).
 *
 * @example
 * ```ts
 * import { discsRow, PRESETS, runDiscsCell, suiteCells } from "./mod.ts";
 * const cells = suiteCells("classical", PRESETS.quick, { steps: 40, models: ["bernoulli"] });
 * const rows = [];
 * for (const c of cells) {
 *   rows.push(discsRow(await runDiscsCell(c, { chains: 8, seed: 0, burnInFraction: 0.5, gpu: null })));
 * }
 * import { rowsToCsv } from "./tables.ts";
 * const text = rowsToCsv(rows); // "suite,model,sampler,x,...\nclassical,bernoulli,rwm,,..."
 * ```
 */
export function rowsToCsv(rows: readonly DiscsRow[]): string {
  const lines = [CSV_COLUMNS.join(",")];
  for (const r of rows) lines.push(CSV_COLUMNS.map((c) => csvField(r[c])).join(","));
  return `${lines.join("\n")}\n`;
}

/**
 * A number with `digits` significant digits, exponent notation outside [1e-3, 1e5).
 *
 * @example
 * ```ts
 * formatSig(0.000123456, 3); // "1.23e-4"
 * ```
 */
export function formatSig(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return "–";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) {
    const [m, e] = v.toExponential(digits - 1).split("e");
    return `${m}e${Number(e)}`;
  }
  return String(Number(v.toPrecision(digits)));
}

/** What each suite's pivot shows. */
const PIVOTS: Record<SuiteName, { metric: keyof DiscsMetrics; title: string; rowName: string }> = {
  classical: { metric: "essPerEval", title: "ESS per energy evaluation", rowName: "model" },
  temperature: { metric: "essMean", title: "ESS (mean over chains)", rowName: "beta" },
  size: { metric: "essPerEval", title: "ESS per energy evaluation", rowName: "lattice side" },
};

/**
 * A markdown table from a header and rows of cells.
 *
 * @example
 * ```ts
 * mdTable(["a", "b"], [["1", "2"]]); // "| a | b |\n| --- | --- |\n| 1 | 2 |"
 * ```
 */
export function mdTable(header: string[], body: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...body.map(line)].join("\n");
}

/**
 * Pivot of one suite: rows = model (classical) or sweep coordinate, columns = samplers, cells =
 * the suite's headline figure, the best of each row in bold.
 *
 * @example
 * ```ts
 * import { discsRow, PRESETS, runDiscsCell, suiteCells } from "./mod.ts";
 * const cells = suiteCells("classical", PRESETS.quick, { steps: 40, models: ["bernoulli"] });
 * const rows = [];
 * for (const c of cells) {
 *   rows.push(discsRow(await runDiscsCell(c, { chains: 8, seed: 0, burnInFraction: 0.5, gpu: null })));
 * }
 * import { pivotMarkdown } from "./tables.ts";
 * console.log(pivotMarkdown(rows, "classical", "essPerEval"));
 * ```
 */
export function pivotMarkdown(
  rows: readonly DiscsRow[],
  suite: SuiteName,
  metric: keyof DiscsMetrics = PIVOTS[suite].metric,
): string {
  const mine = rows.filter((r) => r.suite === suite);
  const samplers = [...new Set(mine.map((r) => r.sampler))];
  const keyOf = (r: DiscsRow) => (suite === "classical" ? r.model : String(r.x));
  const keys = [...new Set(mine.map(keyOf))];
  const body = keys.map((k) => {
    const values = samplers.map((s) => {
      const r = mine.find((x) => keyOf(x) === k && x.sampler === s);
      return r ? Number(r[metric]) : NaN;
    });
    const best = Math.max(...values.filter(Number.isFinite));
    return [
      k,
      ...values.map((v) => (v === best ? `**${formatSig(v)}**` : formatSig(v))),
    ];
  });
  return mdTable([PIVOTS[suite].rowName, ...samplers], body);
}

/**
 * The markdown report of a set of rows: per suite, a pivot of its headline figure and the
 * full table (ESS mean ± std, per step, per evaluation, per second, acceptance, backend).
 *
 * @example
 * ```ts
 * import { discsRow, PRESETS, runDiscsCell, suiteCells } from "./mod.ts";
 * const cells = suiteCells("classical", PRESETS.quick, { steps: 40, models: ["bernoulli"] });
 * const rows = [];
 * for (const c of cells) {
 *   rows.push(discsRow(await runDiscsCell(c, { chains: 8, seed: 0, burnInFraction: 0.5, gpu: null })));
 * }
 * import { rowsToMarkdown } from "./tables.ts";
 * console.log(rowsToMarkdown(rows));
 * ```
 */
export function rowsToMarkdown(rows: readonly DiscsRow[]): string {
  const parts: string[] = [];
  for (const suite of ["classical", "temperature", "size"] as const) {
    const mine = rows.filter((r) => r.suite === suite);
    if (!mine.length) continue;
    const p = PIVOTS[suite];
    parts.push(`### Suite: ${suite}\n\n${p.title}, by ${p.rowName} and sampler (best in bold):\n`);
    parts.push(pivotMarkdown(rows, suite));
    const body = mine.map((r) => [
      r.model,
      r.sampler,
      r.x === null ? "" : String(r.x),
      String(r.numSites),
      String(r.steps),
      `${formatSig(r.essMean)} ± ${formatSig(r.essStd)}`,
      formatSig(r.essPerStep),
      formatSig(r.essPerEval),
      formatSig(r.essPerSecond),
      formatSig(r.meanAcceptance),
      r.backend,
    ]);
    parts.push(
      `\nAll cells:\n\n${
        mdTable([
          "model",
          "sampler",
          suite === "temperature" ? "beta" : suite === "size" ? "side" : "x",
          "D",
          "steps",
          "ESS mean ± std",
          "ESS/step",
          "ESS/eval",
          "ESS/s",
          "acceptance",
          "backend",
        ], body)
      }\n`,
    );
  }
  return `${parts.join("\n")}`;
}
