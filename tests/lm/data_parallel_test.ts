import { assert, assertEquals } from "../_assert.ts";
import { loadTf } from "../../src/nn/mod.ts";
import { makeCorpus } from "../../src/lm/data.ts";
import { disposeTrainer, makeTrainer, TrainConfigSchema, trainStep } from "../../src/lm/train.ts";
import { LmDataParallel } from "../../src/lm/data_parallel.ts";

const PANGRAM = "The quick brown fox jumps over the lazy dog. ".repeat(8);
const STEPS = 3;

for (const [arch, batch] of [["llama", 4], ["cem", 5]] as const) {
  Deno.test(`two data-parallel ${arch} workers train like one process on the full batch (batch ${batch})`, async () => {
    const tf = await loadTf("wasm");
    const cfg = TrainConfigSchema.parse({
      arch,
      dModel: 16,
      nHeads: 2,
      nLayers: 1,
      context: 8,
      batch,
      steps: 10,
      lr: 1e-2,
      warmup: 2,
    });
    const corpus = makeCorpus(PANGRAM, "char", cfg.context, "pangram");
    const single = makeTrainer(tf, cfg, corpus);
    const start = await Promise.all([...single.params.values()].map((p) => p.data()));
    const dp = await LmDataParallel.create(cfg, corpus, { workers: 2 });
    try {
      for (let s = 0; s < STEPS; s++) {
        const a = await trainStep(single);
        const b = await dp.trainStep();
        // Full-batch loss vs the row-weighted mean of the shares' losses: float32 rounding.
        assert(Math.abs(a - b) <= 1e-5 * Math.abs(a), `step ${s}: loss ${a} vs ${b}`);
      }
      const want = await Promise.all([...single.params.values()].map((p) => p.data()));
      const [got0, got1] = [await dp.values(0), await dp.values(1)];
      assertEquals(got0, got1, "replicas stay identical bit for bit");
      // Parameters move by about lr per step (AdamW); the averaged share gradients differ from
      // the full-batch ones by float32 rounding only.
      let worst = 0, moved = 0;
      for (let i = 0; i < want.length; i++) {
        for (let j = 0; j < want[i].length; j++) {
          worst = Math.max(worst, Math.abs(want[i][j] - got0[i][j]));
          moved = Math.max(moved, Math.abs(want[i][j] - start[i][j]));
        }
      }
      assert(moved > 0.5 * cfg.lr, `training moved the parameters (${moved})`);
      // Observed: 1.2e-7 (llama) and 3.6e-7 (cem), one to three ulps.
      assert(worst <= 2e-6, `largest parameter difference ${worst}`);
    } finally {
      await dp.close();
      disposeTrainer(single);
    }
  });
}
