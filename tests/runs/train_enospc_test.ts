/**
 * A full disk during the training commands (`rbm`, `bind` and `lm train`): an injected ENOSPC
 * (src/io/faults.ts) at chosen byte
 * counts of the write path ends the command with a one-line error and a `failed` run naming the
 * cause, every stored array still decodes, and `runs resume` then completes the run with the bits
 * of the uninterrupted one.
 */
import { assert, assertEquals } from "../_assert.ts";
import { cli } from "../_cli.ts";
import { setFaultPlan } from "../../src/io/faults.ts";
import { RunStore } from "../../src/io/run_store.ts";
import { assertSameArrays, onlyRun } from "./_resume.ts";

const RBM = ["rbm", "train", "--samples", "120", "--hidden", "4", "--batch", "40", "--epochs", "3"];
const BIND = ["bind", "train", "--data", "synthetic", "--complexes", "6", "--epochs", "3"];
const TEXT = await Deno.makeTempFile({ prefix: "enospc_lm_", suffix: ".txt" });
await Deno.writeTextFile(TEXT, "To be, or not to be, that is the question. ".repeat(8));
const LM = ["lm", "train", "--arch", "llama", "--text", TEXT];
const LM_SETS = ["dModel=8", "nHeads=2", "nLayers=1", "context=8", "batch=2", "steps=8"]
  .concat(["checkpointEvery=2", "sampleLength=5", "evalWindows=2"]).flatMap((s) => ["--set", s]);
const COMMANDS = [
  { args: [...RBM, "--monitor", "10", "--optimizer", "adam", "--json"], budgets: [8000, 60000] },
  { args: [...BIND, "--seed", "1", "--json"], budgets: [8000, 90000] },
  { args: [...LM, ...LM_SETS, "--json"], budgets: [8000, 30000] },
];
/** `lm` runs keep `checkpoint.bin` (read by `lm sample`): arrays and checkpoint bytes equal. */
async function assertSameLm(dirA: string, a: string, dirB: string, b: string, what: string) {
  const ra = await new RunStore(dirA).open(a), rb = await new RunStore(dirB).open(b);
  assertEquals(rb.manifest.status, "done", what);
  for (const name of ra.arrayNames) {
    assertEquals(
      Array.from((await rb.readArray(name)).data),
      Array.from((await ra.readArray(name)).data),
      `${what}: ${name}`,
    );
  }
  assertEquals(
    await Deno.readFile(`${rb.dir}/checkpoint.bin`),
    await Deno.readFile(`${ra.dir}/checkpoint.bin`),
    what,
  );
}

/** The run id in a command's JSON output (`lm train` calls it runId). */
const idOf = (out: string) => JSON.parse(out).run ?? JSON.parse(out).runId;

Deno.test("a full disk fails training runs with one line; runs resume completes them bit for bit", async () => {
  for (const { args, budgets } of COMMANDS) {
    const refDir = await Deno.makeTempDir({ prefix: "enospc_ref_" });
    try {
      const ref = await cli([...args, "--runs-dir", refDir]);
      assertEquals(ref.code, 0, ref.err);
      const refId = idOf(ref.out);
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
          const id = await onlyRun(dir);
          assert(id !== null, `${what}: the budget falls inside the run, after its creation`);
          const run = await new RunStore(dir).open(id);
          assertEquals([run.manifest.status, run.manifest.error], [
            "failed",
            "No space left on device (os error 28)",
          ], what);
          for (const name of run.arrayNames) await run.readArray(name); // every array decodes
          const resumed = await cli(["runs", "resume", id, "--runs-dir", dir, "--json"]);
          assertEquals(resumed.code, 0, `${what}: ${resumed.err}`);
          if (args[0] !== "lm") await assertSameArrays(refDir, refId, dir, id, what);
          else await assertSameLm(refDir, refId, dir, id, what);
        } finally {
          await Deno.remove(dir, { recursive: true });
        }
      }
    } finally {
      await Deno.remove(refDir, { recursive: true });
    }
  }
});
