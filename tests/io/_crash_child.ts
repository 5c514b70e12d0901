/**
 * Child process of the crash tests: writes one run through the run-kind writer (a small array,
 * then `ROWS` rows appended and flushed one unit at a time, then the summary), under the fault
 * plan in LANDSCAPE_FAULT. Usage: `_crash_child.ts <runs dir>`.
 */
import { RunStore } from "../../src/io/run_store.ts";
import { recordRun } from "../../src/runs/writer.ts";

/** Rows appended, one durable unit each (more for the slow kill -9 run). */
export const ROWS = Number(Deno.env.get("CRASH_CHILD_ROWS") ?? 6);
/** Milliseconds between units, so a test can kill the child while it writes. */
const DELAY = Number(Deno.env.get("CRASH_CHILD_DELAY_MS") ?? 0);
/** Values per row. */
export const WIDTH = 16;

/** Row `r` of the trace, as the uninterrupted run writes it. */
export function traceRow(r: number): Float32Array {
  return Float32Array.from({ length: WIDTH }, (_, j) => r * WIDTH + j + 0.5);
}

if (import.meta.main) {
  const store = new RunStore(Deno.args[0]);
  await recordRun(
    store,
    "simulate",
    { command: ["crash-child"], config: { rows: ROWS }, seed: 7, backend: "cpu", id: "crash-run" },
    async (run) => {
      await run.writeArray("meta", { dtype: "i32", shape: [3], data: new Int32Array([1, 2, 3]) });
      const trace = await run.appender("trace", "f32", [WIDTH]);
      for (let r = 0; r < ROWS; r++) {
        await trace.append(traceRow(r), 1);
        await trace.flush();
        if (DELAY) await new Promise((ok) => setTimeout(ok, DELAY));
      }
      await trace.close();
      await run.setSummary({ rows: ROWS });
    },
  );
}
