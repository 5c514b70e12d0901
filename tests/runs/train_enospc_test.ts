/**
 * A full disk during the training commands: an injected ENOSPC (src/io/faults.ts) at chosen byte
 * counts of the write path ends the command with a one-line error and a `failed` run naming the
 * cause, every stored array still decodes, and `runs resume` then completes the run with the bits
 * of the uninterrupted one.
 */
import { assertEquals } from "../_assert.ts";
import { cli } from "../_cli.ts";
import { setFaultPlan } from "../../src/io/faults.ts";
import { RunStore } from "../../src/io/run_store.ts";
import { assertSameArrays, onlyRun } from "./_resume.ts";

const RBM = ["rbm", "train", "--samples", "120", "--hidden", "4", "--batch", "40", "--epochs", "3"];
const BIND = ["bind", "train", "--data", "synthetic", "--complexes", "6", "--epochs", "3"];
const COMMANDS = [
  { args: [...RBM, "--monitor", "10", "--optimizer", "adam", "--json"], budgets: [3000, 60000] },
  { args: [...BIND, "--seed", "1", "--json"], budgets: [5000, 90000] },
];

Deno.test("a full disk fails training runs with one line; runs resume completes them bit for bit", async () => {
  for (const { args, budgets } of COMMANDS) {
    const refDir = await Deno.makeTempDir({ prefix: "enospc_ref_" });
    try {
      const ref = await cli([...args, "--runs-dir", refDir]);
      assertEquals(ref.code, 0, ref.err);
      const refId = JSON.parse(ref.out).run;
      for (const bytes of budgets) {
        const dir = await Deno.makeTempDir({ prefix: "enospc_" });
        const what = `${args[0]} at byte ${bytes}`;
        try {
          setFaultPlan({ mode: "enospc", point: "write", n: bytes });
          let r;
          try {
            r = await cli([...args, "--runs-dir", dir]);
          } finally {
            setFaultPlan(null);
          }
          assertEquals(r.code, 1, `${what}: ${r.err}`);
          assertEquals(r.err, "error: No space left on device (os error 28)", what);
          const id = (await onlyRun(dir))!;
          const run = await new RunStore(dir).open(id);
          assertEquals([run.manifest.status, run.manifest.error], [
            "failed",
            "No space left on device (os error 28)",
          ], what);
          for (const name of run.arrayNames) await run.readArray(name); // every array decodes
          const resumed = await cli(["runs", "resume", id, "--runs-dir", dir, "--json"]);
          assertEquals(resumed.code, 0, `${what}: ${resumed.err}`);
          await assertSameArrays(refDir, refId, dir, id, what);
        } finally {
          await Deno.remove(dir, { recursive: true });
        }
      }
    } finally {
      await Deno.remove(refDir, { recursive: true });
    }
  }
});
