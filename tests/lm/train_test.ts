import { assert, assertClose, assertEquals } from "../_assert.ts";
import type { Variable } from "npm:@tensorflow/tfjs@4.22.0";
import { loadTf } from "../../src/nn/mod.ts";
import { RunStore } from "../../src/io/run_store.ts";
import { makeCorpus, trainBatch } from "../../src/lm/data.ts";
import { AdamW, cosineLr } from "../../src/lm/optim.ts";
import {
  disposeTrainer,
  makeTrainer,
  resumeLm,
  TrainConfigSchema,
  trainLm,
  trainStep,
  validationBits,
} from "../../src/lm/train.ts";
import { readCheckpoint } from "../../src/lm/checkpoint.ts";
import { sampleToken } from "../../src/lm/generate.ts";

const PANGRAM = "The quick brown fox jumps over the lazy dog. ".repeat(8);

Deno.test("cosine schedule: warm-up, peak, floor", () => {
  const s = { lr: 1e-2, warmup: 10, total: 110, minFraction: 0.1 };
  assertClose(cosineLr(0, s), 1e-3, 1e-15);
  assertClose(cosineLr(9, s), 1e-2, 1e-15);
  assertClose(cosineLr(10, s), 1e-2, 1e-15);
  assertClose(cosineLr(60, s), 1e-2 * (0.1 + 0.9 * 0.5), 1e-15);
  assertClose(cosineLr(110, s), 1e-3, 1e-15);
});

Deno.test("AdamW: first step moves by lr sign(g) + lr wd p on matrices; clipping scales", async () => {
  const tf = await loadTf("cpu");
  const w = tf.variable(tf.tensor2d([[1, -2]]), true, "adamw-test-w");
  const b = tf.variable(tf.tensor1d([3]), true, "adamw-test-b");
  const vars = new Map<string, Variable>([["w", w], ["b", b]]);
  const opt = new AdamW(tf, vars, {
    lr: 0.1,
    beta1: 0.9,
    beta2: 0.99,
    eps: 0,
    weightDecay: 0.5,
    clip: 1,
  });
  // Global norm 5 > clip 1: scaled by 1/5; Adam's first step is invariant to that scale.
  const norm = await opt.apply({ w: tf.tensor2d([[3, 0.000001]]), b: tf.tensor1d([-4]) }, 0.1);
  assertClose(norm, 5, 1e-5);
  const wv = await w.data(), bv = await b.data();
  assertClose(wv[0], 1 - 0.1 * (1 + 0.5 * 1), 1e-6);
  assertClose(wv[1], -2 - 0.1 * (1 + 0.5 * -2), 1e-5);
  assertClose(bv[0], 3 + 0.1, 1e-6); // vectors do not decay
});

Deno.test("data: seeded batches depend only on (seed, step); split is 90/10", () => {
  const corpus = makeCorpus(PANGRAM, "char", 8, "pangram");
  assertEquals(corpus.train.length + corpus.validation.length, PANGRAM.length);
  assertEquals(corpus.train.length, Math.floor(0.9 * PANGRAM.length));
  const a = trainBatch(corpus.train, 8, 4, 7, 3), b = trainBatch(corpus.train, 8, 4, 7, 3);
  assertEquals(a, b);
  assert(trainBatch(corpus.train, 8, 4, 7, 4).some((v, i) => v !== a[i]));
  assertEquals(sampleToken([0, 5, 1], 1, 1, 0.99), 1);
  assertEquals(sampleToken([0, 5, 4], 1, 2, 0.99), 2);
});

for (const arch of ["llama", "cem"] as const) {
  Deno.test(`a tiny ${arch} model overfits a short text to near-zero loss`, async () => {
    const tf = await loadTf("wasm");
    const cfg = TrainConfigSchema.parse({
      arch,
      dModel: 32,
      nHeads: 2,
      nLayers: 1,
      context: 24,
      batch: 8,
      steps: 150,
      lr: 1e-2,
      warmup: 10,
      weightDecay: 0,
      evalWindows: 0,
    });
    const corpus = makeCorpus(PANGRAM, "char", cfg.context, "pangram");
    const t = makeTrainer(tf, cfg, corpus);
    try {
      const first = await trainStep(t);
      while (t.opt.step < cfg.steps) await trainStep(t);
      const last = t.losses.slice(-10).reduce((a, b) => a + b, 0) / 10;
      const val = await validationBits(t);
      assert(first > 2.5, `starts near log(vocab): ${first}`);
      assert(last < 0.15, `training loss ${last} nats/char after ${cfg.steps} steps`);
      assert(val < 0.3, `validation ${val} bits/char on the repeated text`);
    } finally {
      disposeTrainer(t);
    }
  });
}

Deno.test("interrupted + resumed run = uninterrupted run, bit for bit", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/text.txt`, PANGRAM);
    const cfg = TrainConfigSchema.parse({
      arch: "cem",
      text: `${dir}/text.txt`,
      dModel: 16,
      nHeads: 2,
      nLayers: 1,
      context: 12,
      batch: 4,
      steps: 9,
      warmup: 2,
      evalEvery: 3,
      checkpointEvery: 3,
      evalWindows: 4,
      sampleLength: 20,
    });
    const store = new RunStore(`${dir}/runs`);
    const whole = await trainLm(store, cfg, { command: ["test"] });
    const cut = await trainLm(store, cfg, { command: ["test"], stopAfter: 5 });
    assertEquals((await store.open(cut.runId)).manifest.status, "running");
    const resumed = await resumeLm(store, cut.runId, { command: ["test"], arch: "cem" });
    assertEquals(resumed.sample, whole.sample);
    assertEquals(resumed.valBits, whole.valBits);
    const [a, b] = await Promise.all(
      [whole.runId, cut.runId].map((id) => readCheckpoint(`${dir}/runs/${id}/checkpoint.bin`)),
    );
    assertEquals(b.step, 9);
    for (const [name, t] of a.tensors) assertEquals(b.tensors.get(name)!.data, t.data, name);
    for (const arr of ["loss", "lr", "val_bpc"]) {
      const [x, y] = await Promise.all(
        [whole.runId, cut.runId].map(async (id) =>
          (await (await store.open(id)).readArray(arr)).data
        ),
      );
      assertEquals(y, x, arr);
    }
    assertEquals((await store.open(cut.runId)).manifest.status, "done");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
