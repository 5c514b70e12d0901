/**
 * The backward model's training checkpoint: continuing from `saveTraining` (weights and Adam
 * state) gives the uninterrupted weights bit for bit; from the weights alone (`save`) it does not.
 */
import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { BackwardConfig, trainBackward } from "../../src/retro/backward.ts";
import { SparseMlp } from "../../src/retro/sparse_mlp.ts";

const examples = Array.from({ length: 24 }, (_, i) => ({
  bits: [i % 7, 7 + (i % 5), 12 + (i % 3), 20 + (i % 11)],
  template: i % 6,
}));
const cfg = BackwardConfig.parse({
  hidden: 8,
  epochs: 4,
  batch: 5,
  neighbours: 3,
  hardNegatives: 2,
  randomNegatives: 2,
  seed: 2,
});
const train = (start?: { mlp: SparseMlp; epoch: number }) =>
  trainBackward(examples, 6, 32, cfg, { start });

Deno.test("backward training continued from saveTraining equals the uninterrupted run", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const whole = await train();
    let cut: SparseMlp | undefined;
    await trainBackward(examples, 6, 32, { ...cfg, epochs: 2 }, {
      onEpoch: (_e, _l, mlp) => {
        cut = mlp;
      },
    });
    await cut!.saveTraining(`${dir}/t.bin`, { epoch: 2 });
    await cut!.save(`${dir}/w.bin`);
    const saved = (await SparseMlp.loadTraining(`${dir}/t.bin`))!;
    assertEquals(saved.meta, { epoch: 2 });
    const resumed = await train({ mlp: saved.mlp, epoch: 2 });
    assertEquals([resumed.w1, resumed.b1, resumed.w2, resumed.b2], [
      whole.w1,
      whole.b1,
      whole.w2,
      whole.b2,
    ]);
    // Weights alone restart Adam's moments and step count: other bits.
    const weightsOnly = await train({ mlp: await SparseMlp.load(`${dir}/w.bin`), epoch: 2 });
    assert(!weightsOnly.w2.every((w, k) => w === whole.w2[k]));
    assertEquals(await SparseMlp.loadTraining(`${dir}/none.bin`), null);
    await Deno.writeFile(`${dir}/cut.bin`, (await Deno.readFile(`${dir}/t.bin`)).slice(0, 500));
    await assertRejects(() => SparseMlp.loadTraining(`${dir}/cut.bin`), /bytes: expected/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
