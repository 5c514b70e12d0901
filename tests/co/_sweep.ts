/**
 * The small CO instance set the `co` and `shard` tests run, and its table without timings.
 * @module
 */
import { parseCoCsv } from "../../src/cli/co_table.ts";

/** 2 samplers x 2 densities x 2 graph seeds of MIS on ER-[20-24]. */
export const CO_SWEEP = [
  "--generate",
  "er",
  "--nodes",
  "20-24",
  "--densities",
  "0.1,0.2",
  "--graph-seeds",
  "0-1",
  "--samplers",
  "pas,rwm",
  "--chains",
  "4",
  "--steps",
  "300",
  "--backend",
  "cpu",
];

/** Rows of a co.csv without the timing column. */
export async function rowsOf(path: string) {
  const rows = parseCoCsv(await Deno.readTextFile(path), path);
  return rows.map(({ seconds: _s, ...r }) => r);
}
