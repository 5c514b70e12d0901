/**
 * Resumable training of the energy network: this module's Adam is tfjs's `tf.train.adam`
 * operation for operation (same bits), and training continued from a copied mid-run state gives
 * the uninterrupted run's losses and parameters bit for bit.
 */
import { assert, assertEquals, assertRejects, assertThrows } from "../_assert.ts";
import { loadTf } from "../../src/nn/tf.ts";
import type * as TfNs from "npm:@tensorflow/tfjs@4.22.0";
import { Adam } from "../../src/binding/adam.ts";
import { EnergyNet } from "../../src/binding/energy.ts";
import { generateSynthetic, SyntheticConfig } from "../../src/binding/synthetic.ts";
import {
  type BindTrainState,
  rigidNoiseOf,
  TrainConfig,
  trainEnergy,
  trainStep,
} from "../../src/binding/train.ts";
import { SplitMix32 } from "../../src/random/splitmix.ts";

const tf = await loadTf();
const examples = generateSynthetic(SyntheticConfig.parse({ complexes: 5, mcSamples: 1, seed: 3 }))
  .map((s) => s.example);
const cfgOf = (method: "nere" | "gaussian" | "decoy") =>
  TrainConfig.parse({ method, epochs: 3, batch: 2, hidden: 8, rbf: 4, seed: 3 });

Deno.test("bind Adam takes the steps of tf.train.adam, bit for bit", async () => {
  const cfg = cfgOf("nere");
  const mk = () =>
    new EnergyNet(tf, {
      ligandDim: examples[0].ligandDim,
      pocketDim: examples[0].pocketDim,
      hidden: 8,
      rbf: 4,
    });
  const a = mk(), b = mk();
  const optA = tf.train.adam(2e-3), optB = new Adam(tf, b.variables, 2e-3);
  const noise = rigidNoiseOf(cfg);
  const rngA = new SplitMix32(1), rngB = new SplitMix32(1);
  try {
    for (let s = 0; s < 4; s++) {
      const la = trainStep(tf, a, optA as never, examples.slice(0, 2), cfg, noise, rngA);
      const lb = trainStep(tf, b, optB, examples.slice(0, 2), cfg, noise, rngB);
      assertEquals(Array.from(await la.data()), Array.from(await lb.data()), `step ${s}`);
      tf.dispose([la, lb]);
    }
    assertEquals(await b.getWeights(), await a.getWeights());
  } finally {
    optA.dispose();
    optB.dispose();
    a.dispose();
    b.dispose();
  }
});

Deno.test("bind Adam: a variable without a gradient keeps its value and moments, as tf.train.adam", async () => {
  const mk = (name: string) => [
    tf.variable(tf.tensor1d([0.5, -1, 2]), true, `adam_skip_x_${name}`),
    tf.variable(tf.tensor2d([[1, 2], [3, 4]]), true, `adam_skip_y_${name}`),
  ];
  const [xa, ya] = mk("a"), [xb, yb] = mk("b");
  const optA = tf.train.adam(0.1), optB = new Adam(tf, [xb, yb], 0.1);
  try {
    for (let s = 0; s < 3; s++) {
      // Step 1 leaves y out: its value and moments must not move (zero gradient would decay them).
      const gy = (y: TfNs.Variable) => s === 1 ? {} : { [y.name]: tf.mul(y, 0.3 * (s + 1)) };
      tf.tidy(() => {
        const ga: TfNs.NamedTensorMap = { [xa.name]: tf.sin(xa), ...gy(ya) };
        optA.applyGradients(ga as never);
        optB.applyGradients({ [xb.name]: tf.sin(xb), ...gy(yb) });
      });
      assertEquals(Array.from(await xb.data()), Array.from(await xa.data()), `x after step ${s}`);
      assertEquals(Array.from(await yb.data()), Array.from(await ya.data()), `y after step ${s}`);
    }
  } finally {
    optA.dispose();
    optB.dispose();
    [xa, ya, xb, yb].forEach((v) => v.dispose());
  }
});

Deno.test("trainEnergy continued from a copied mid-run state gives the uninterrupted bits", async () => {
  for (const method of ["nere", "gaussian", "decoy"] as const) {
    const cfg = cfgOf(method);
    const whole = await trainEnergy(tf, examples, cfg);
    const wholeWeights = await whole.net.getWeights();
    whole.net.dispose();
    for (const cut of [1, 2]) {
      let saved: BindTrainState | undefined;
      const first = await trainEnergy(tf, examples, cfg, undefined, {
        onEpochState: async (epoch, _loss, read) => {
          if (epoch === cut) saved = structuredClone(await read());
        },
      });
      first.net.dispose();
      const rest = await trainEnergy(tf, examples, cfg, undefined, { from: saved });
      assertEquals(rest.stepLosses, whole.stepLosses, `${method} cut ${cut}`);
      assertEquals(rest.epochLosses, whole.epochLosses);
      assertEquals(await rest.net.getWeights(), wholeWeights);
      rest.net.dispose();
    }
  }
  // The generator's state matters: a fresh generator with the saved network does not continue.
  const cfg = cfgOf("nere");
  let saved: BindTrainState | undefined;
  const first = await trainEnergy(tf, examples, cfg, undefined, {
    onEpochState: async (epoch, _l, read) => {
      if (epoch === 1) saved = structuredClone(await read());
    },
  });
  first.net.dispose();
  const wrong = await trainEnergy(tf, examples, cfg, undefined, {
    from: { ...saved!, rng: new SplitMix32(0).saveState() },
  });
  const right = await trainEnergy(tf, examples, cfg, undefined, { from: saved });
  assert(wrong.epochLosses[1] !== right.epochLosses[1]);
  wrong.net.dispose();
  right.net.dispose();
  await assertRejects(
    () => trainEnergy(tf, examples, cfg, undefined, { from: { ...saved!, epoch: 4 } }),
    /epoch 4/,
  );
  assertThrows(
    () => new Adam(tf, [], 1e-3, { ...saved!.adam }),
    /Adam state has \d+ moments: expected one per variable \(0\)/,
  );
});
