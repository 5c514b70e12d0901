/**
 * `workers` in `lm train`: this process and a Web Worker each compute half of every batch; the
 * averaged gradients give the one-process full-batch training up to float rounding, the same
 * setting gives the same bits, and a batch that does not split evenly is refused before any run
 * is stored.
 */
import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { loadTf } from "../../src/nn/mod.ts";
import { RunStore } from "../../src/io/run_store.ts";
import { ConfigError } from "../../src/io/config.ts";
import { makeCorpus } from "../../src/lm/data.ts";
import {
  makeTrainer,
  releaseTrainer,
  startWorkers,
  TrainConfigSchema,
  trainLm,
  trainStep,
} from "../../src/lm/train.ts";

const PANGRAM = "The quick brown fox jumps over the lazy dog. ".repeat(8);
const STEPS = 3;

const config = (arch: "llama" | "cem", workers?: number) =>
  TrainConfigSchema.parse({
    arch,
    dModel: 16,
    nHeads: 2,
    nLayers: 1,
    context: 8,
    batch: 4,
    steps: 10,
    lr: 1e-2,
    warmup: 2,
    ...(workers ? { workers } : {}),
  });

async function train(arch: "llama" | "cem", workers?: number) {
  const tf = await loadTf("wasm");
  const cfg = config(arch, workers);
  const t = makeTrainer(tf, cfg, makeCorpus(PANGRAM, "char", cfg.context, "pangram"));
  try {
    await startWorkers(t);
    const start = await Promise.all([...t.params.values()].map((p) => p.data()));
    const losses: number[] = [];
    for (let s = 0; s < STEPS; s++) losses.push(await trainStep(t));
    const end = await Promise.all([...t.params.values()].map((p) => p.data()));
    return { losses, start, end };
  } finally {
    await releaseTrainer(t);
  }
}

for (const arch of ["llama", "cem"] as const) {
  Deno.test(`lm ${arch}: two workers train like one process on the full batch, reproducibly`, async () => {
    const one = await train(arch), two = await train(arch, 2), again = await train(arch, 2);
    for (let s = 0; s < STEPS; s++) {
      // The full-batch mean loss against the mean of the halves' means: float32 rounding.
      const [a, b] = [one.losses[s], two.losses[s]];
      assert(Math.abs(a - b) <= 1e-5 * Math.abs(a), `step ${s}: loss ${a} vs ${b}`);
    }
    assertEquals(again.losses, two.losses, "same workers, same bits");
    assertEquals(again.end.map((x) => Array.from(x)), two.end.map((x) => Array.from(x)));
    let worst = 0, moved = 0;
    for (let i = 0; i < one.end.length; i++) {
      for (let j = 0; j < one.end[i].length; j++) {
        worst = Math.max(worst, Math.abs(one.end[i][j] - two.end[i][j]));
        moved = Math.max(moved, Math.abs(one.end[i][j] - one.start[i][j]));
      }
    }
    assert(moved > 0.5 * 1e-2, `training moved the parameters (${moved})`);
    assert(worst <= 2e-6, `largest parameter difference ${worst}`);
  });
}

Deno.test("lm: workers that do not split the batch evenly are refused before a run is stored", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/t.txt`, PANGRAM);
    const cfg = { ...config("llama", 3), text: `${dir}/t.txt` };
    await assertRejects(
      () => trainLm(new RunStore(`${dir}/runs`), cfg, { command: ["lm", "train"] }),
      ConfigError,
      "workers: batch 4 does not split into 3 equal shares: expected a multiple of 3",
    );
    assertEquals(await Array.fromAsync(Deno.readDir(dir)).then((e) => e.length), 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
