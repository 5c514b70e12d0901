/**
 * A full disk at a chosen byte count (an injected ENOSPC, not a real full disk): the write that
 * crosses it fails with a one-line error, the run ends `failed` with that reason, and every `.npy`
 * file left behind decodes to what was completely written before.
 */
import { assert, assertEquals, assertMatch, assertRejects } from "../_assert.ts";
import { RunStore } from "../../src/io/run_store.ts";
import { readNpyFile } from "../../src/io/npy_file.ts";
import { setFaultPlan } from "../../src/io/faults.ts";
import { recordRun } from "../../src/runs/writer.ts";

const ROW = 32;
const row = (r: number) => Float32Array.from({ length: ROW }, (_, j) => r * 1000 + j);

/** Writes one run: a whole array, then 5 flushed units of appended rows. */
async function work(store: RunStore) {
  return await recordRun(
    store,
    "simulate",
    { command: ["enospc"], config: {}, seed: 1, backend: "cpu", id: "full-disk" },
    async (run) => {
      await run.writeArray("meta", {
        dtype: "f64",
        shape: [64],
        data: new Float64Array(64).fill(2),
      });
      const trace = await run.appender("trace", "f32", [ROW]);
      for (let r = 0; r < 5; r++) {
        await trace.append(row(r), 1);
        await trace.flush();
      }
      await trace.close();
    },
  );
}

Deno.test("ENOSPC at every 97th byte of a run: a failed run with the reason, never a corrupt .npy", async () => {
  let failures = 0;
  for (let budget = 0; budget < 4000; budget += 97) {
    const dir = await Deno.makeTempDir();
    try {
      setFaultPlan({ mode: "enospc", point: "write", n: budget });
      let error: Error | null = null;
      try {
        await work(new RunStore(dir));
      } catch (e) {
        error = e as Error;
      } finally {
        setFaultPlan(null);
      }
      const run = await new RunStore(dir).open("full-disk").catch(() => null);
      if (error === null) {
        assertEquals(run?.manifest.status, "done");
        continue;
      }
      failures++;
      assertMatch(error.message, /^No space left on device/);
      assert(!error.message.includes("\n"));
      if (run === null) continue; // the disk filled before the manifest existed
      assertEquals(run.manifest.status, "failed", `budget ${budget}`);
      assertMatch(run.manifest.error ?? "", /No space left on device/);
      for (const f of Deno.readDirSync(`${dir}/full-disk`)) {
        if (!/\.npy(\.partial)?$/.test(f.name)) continue;
        const a = await readNpyFile(`${dir}/full-disk/${f.name}`, { allowTrailing: true });
        if (f.name.startsWith("meta")) assert(a.data.every((v) => v === 2));
        else {
          for (let r = 0; r < a.shape[0]; r++) {
            assertEquals(Array.from(a.data.subarray(r * ROW, (r + 1) * ROW)), Array.from(row(r)));
          }
        }
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
  assert(failures >= 20, `the byte sweep hits the run's writes (${failures})`);
});

Deno.test("ENOSPC: the error names the cause and the store stays usable", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await work(new RunStore(dir));
    setFaultPlan({ mode: "enospc", point: "write", n: 10 });
    const store = new RunStore(dir);
    const w = await store.create({ command: ["x"], config: {}, seed: 0, backend: "cpu" }).catch(
      (e) => e as Error,
    );
    setFaultPlan(null);
    assert(w instanceof Error);
    await assertRejects(Promise.reject(w), /No space left on device/);
    const list = await store.list();
    assertEquals(list.runs.map((r) => r.id), ["full-disk"]);
  } finally {
    setFaultPlan(null);
    await Deno.remove(dir, { recursive: true });
  }
});
