/**
 * The tables of a `co` sweep: `co.csv` (one row per cell, in cell order) and `co.md` (mean and
 * standard deviation per sampler and graph family), written and read back by the sweep, its
 * resume and the shard merge.
 * @module
 */
import { writeFileAtomic } from "../io/atomic.ts";
import { UsageError } from "./args.ts";

/** One row of `co.csv`. */
export interface CoRow {
  readonly cell: string;
  readonly sampler: string;
  readonly graph: string;
  readonly nodes: number;
  readonly edges: number;
  readonly bestObjective: number;
  readonly repairedObjective: number;
  readonly feasibleChains: number;
  readonly chains: number;
  readonly steps: number;
  readonly backend: string;
  readonly seconds: number;
  readonly run: string;
}

const COLUMNS: readonly (keyof CoRow)[] = [
  "cell",
  "sampler",
  "graph",
  "nodes",
  "edges",
  "bestObjective",
  "repairedObjective",
  "feasibleChains",
  "chains",
  "steps",
  "backend",
  "seconds",
  "run",
];
const TEXT_COLUMNS = new Set<keyof CoRow>(["cell", "sampler", "graph", "backend", "run"]);

/** `co.csv` text of rows. */
export function coCsv(rows: readonly CoRow[]): string {
  return [COLUMNS.join(","), ...rows.map((r) => COLUMNS.map((c) => String(r[c])).join(","))]
    .join("\n") + "\n";
}

/** Rows of a `co.csv` text; a malformed file is a one-line error. */
export function parseCoCsv(text: string, path: string): CoRow[] {
  const [header, ...lines] = text.trimEnd().split("\n");
  if (header !== COLUMNS.join(",")) {
    throw new UsageError(`${path}: not a co.csv table: expected the header ${COLUMNS.join(",")}`);
  }
  return lines.map((line, i) => {
    const f = line.split(",");
    if (f.length !== COLUMNS.length) {
      throw new UsageError(`${path}:${i + 2}: expected ${COLUMNS.length} fields, got ${f.length}`);
    }
    return Object.fromEntries(
      COLUMNS.map((c, j) => [c, TEXT_COLUMNS.has(c) ? f[j] : Number(f[j])]),
    ) as unknown as CoRow;
  });
}

const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
const sd = (x: number[]) =>
  x.length < 2 ? 0 : Math.sqrt(x.reduce((a, b) => a + (b - mean(x)) ** 2, 0) / (x.length - 1));

/** `co.md`: per sampler and graph family (the label without its seed), mean +- sd over instances. */
export function coReport(problem: string, rows: readonly CoRow[]): string {
  const groups = new Map<string, CoRow[]>();
  for (const r of rows) {
    const family = `${r.sampler}|${r.graph.replace(/ seed=\d+$/, "")}`;
    groups.set(family, [...(groups.get(family) ?? []), r]);
  }
  const lines = [
    `# ${problem}: annealed solves over an instance set`,
    "",
    "| sampler | graphs | instances | nodes (mean) | best objective (mean ± sd) | best repaired (mean) | seconds (total) |",
    "| ------- | ------ | --------- | ------------ | -------------------------- | -------------------- | --------------- |",
  ];
  for (const [family, g] of groups) {
    const [sampler, graphs] = family.split("|");
    const best = g.map((r) => r.bestObjective);
    lines.push(
      `| ${sampler} | ${graphs} | ${g.length} | ${mean(g.map((r) => r.nodes)).toFixed(1)} | ` +
        `${mean(best).toFixed(3)} ± ${sd(best).toFixed(3)} | ` +
        `${mean(g.map((r) => r.repairedObjective)).toFixed(3)} | ` +
        `${g.reduce((a, r) => a + r.seconds, 0).toFixed(1)} |`,
    );
  }
  return lines.join("\n") + "\n";
}

/** Writes `co.csv` and `co.md` of `rows` into `dir` (each atomically). */
export async function writeCoOutputs(dir: string, problem: string, rows: readonly CoRow[]) {
  await Deno.mkdir(dir, { recursive: true });
  await writeFileAtomic(`${dir}/co.csv`, coCsv(rows));
  await writeFileAtomic(`${dir}/co.md`, coReport(problem, rows));
}
