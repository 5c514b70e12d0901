/**
 * `sample` streams blocks into the run store: an aborted run keeps every finished block, and a
 * finished run stores the same arrays as the in-memory result of the library.
 */
import { assertEquals, assertRejects } from "../_assert.ts";
import { RunStore } from "../../src/io/run_store.ts";
import { isingModel } from "../../src/models/discrete/mod.ts";
import { rwmSampler } from "../../src/samplers/rwm.ts";
import { runSampler } from "../../src/samplers/engine.ts";
import { sampleToStore } from "../../src/cli/store_sample.ts";

const model = isingModel({ size: 4, seed: 2 });
const cpu = { kind: "cpu" as const, gpu: null };
const opts = { chains: 3, steps: 50, seed: 4, blockSteps: 8 };

Deno.test("sample store: a run aborted after k blocks keeps exactly those blocks", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const store = new RunStore(dir);
    let blocks = 0;
    await assertRejects(
      () =>
        sampleToStore(store, ["sample"], { ...opts }, model, rwmSampler(), cpu, {
          ...opts,
          onBlock: () => {
            if (++blocks === 3) throw new Error("killed after 3 blocks");
          },
        }),
      Error,
      "killed after 3 blocks",
    );
    const [id] = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name);
    const run = await store.open(id);
    assertEquals(run.manifest.status, "failed");
    assertEquals(run.manifest.error, "killed after 3 blocks");
    const full = await runSampler(model, rwmSampler(), opts, null);
    const energy = await run.readArray("energy");
    const hamming = await run.readArray("hamming");
    const param = await run.readArray("param");
    assertEquals(energy.shape, [24, 3]);
    assertEquals(param.shape, [24]);
    assertEquals(Array.from(energy.data), Array.from(full.energies.subarray(0, 72)));
    assertEquals(Array.from(hamming.data), Array.from(full.hamming.subarray(0, 72)));
    assertEquals(Array.from(param.data), Array.from(full.params.subarray(0, 24)));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sample store: a finished run holds the library's arrays, bit for bit", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const store = new RunStore(dir);
    const { id, result } = await sampleToStore(
      store,
      ["sample"],
      { ...opts },
      model,
      rwmSampler(),
      cpu,
      opts,
    );
    const full = await runSampler(model, rwmSampler(), opts, null);
    const run = await store.open(id);
    assertEquals(run.manifest.status, "done");
    assertEquals(run.manifest.kind, "sample");
    assertEquals(result.energies.length, 0, "traces streamed, not kept");
    for (
      const [name, want] of [
        ["energy", full.energies],
        ["hamming", full.hamming],
        ["param", full.params],
        ["acceptance", full.acceptance],
        ["final_states", full.finalStates],
      ] as const
    ) {
      assertEquals(Array.from((await run.readArray(name)).data), Array.from(want), name);
    }
    assertEquals((await run.readArray("energy")).shape, [50, 3]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
