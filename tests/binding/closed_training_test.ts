/**
 * Training through the closed-form forces (energy_forces.ts as differentiable engine ops, first-
 * order autodiff for the parameter gradient) against the reference path (tf.grad of the energy,
 * second-order autodiff): the same NERE and Gaussian-DSM losses and the same gradient of every
 * parameter, on padded random complexes with pairs inside and beyond the cutoff.
 */
import { assert, assertClose, assertEquals } from "../_assert.ts";
import { loadTf } from "../../src/nn/tf.ts";
import { firstOrderOnly } from "../../src/nn/patches.ts";
import type * as TfNs from "npm:@tensorflow/tfjs@4.22.0";
import { batchOf, EnergyNet, type EnergyNetConfig } from "../../src/binding/energy.ts";
import { energyForcesBatch } from "../../src/binding/energy_forces.ts";
import { Igso3Sampler } from "../../src/binding/igso3.ts";
import {
  gaussianLossBatch,
  gaussianLossOfForces,
  nereLossBatch,
  nereLossOfForces,
  perturbLigand,
  sampleRigidNoise,
} from "../../src/binding/losses.ts";
import { generateSynthetic, SyntheticConfig } from "../../src/binding/synthetic.ts";
import { TrainConfig, trainEnergy } from "../../src/binding/train.ts";
import { SplitMix32 } from "../../src/random/splitmix.ts";
import type { BindingExample } from "../../src/binding/complex.ts";
import { toyExample } from "./_toy.ts";

const tf = await loadTf();

/** Loss and parameter gradients (by variable name) of one batch by either path. */
async function lossAndGrads(
  net: EnergyNet,
  examples: BindingExample[],
  method: "nere" | "gaussian",
  closed: boolean,
): Promise<{ loss: number; grads: Record<string, Float32Array> }> {
  const { inputs, poses } = batchOf(tf, examples);
  const rng = new SplitMix32(17);
  const sampler = new Igso3Sampler([0.2, 0.5]);
  const noises = examples.map(() =>
    sampleRigidNoise(rng, { sampler, transMin: 0.2, transMax: 0.8 })
  );
  const perturbed = examples.map((ex, b) => perturbLigand(ex.ligand, noises[b]));
  const seeds = examples.map(() => rng.nextU32()), eps = examples.map((_, b) => 0.3 + 0.2 * b);
  const energy = (l: TfNs.Tensor3D) => net.energyBatch(l, inputs);
  const forcesOf = (l: TfNs.Tensor3D) => energyForcesBatch(tf, net, l, inputs).forces;
  const natives = examples.map((ex) => ex.ligand);
  const rngs = () => seeds.map((s) => new SplitMix32(s));
  const loss = (): TfNs.Scalar =>
    method === "nere"
      ? closed
        ? nereLossOfForces(tf, forcesOf, poses, perturbed, noises)
        : nereLossBatch(tf, energy, poses, perturbed, noises)
      : closed
      ? gaussianLossOfForces(tf, forcesOf, poses, natives, rngs(), eps)
      : gaussianLossBatch(tf, energy, poses, natives, rngs(), eps);
  const grad = () => tf.variableGrads(loss, net.variables);
  const { value, grads } = closed ? firstOrderOnly(tf, grad) : grad();
  const out: Record<string, Float32Array> = {};
  for (const [k, g] of Object.entries(grads)) out[k] = await g.data() as Float32Array;
  const l = (await value.data())[0];
  tf.dispose([value, ...Object.values(grads)]);
  Object.values(inputs).forEach((t) => t?.dispose());
  return { loss: l, grads: out };
}

// Padded batch (3 sizes); the third ligand spread out so that some pairs lie beyond the cutoff.
const SMALL = [toyExample(41, 5, 14), toyExample(42, 7, 20), toyExample(43, 3, 11)].map(
  (ex, b) => ({ ...ex, ligand: ex.ligand.map((v) => v * (1 + 0.6 * b)) }),
);
const CASES: { name: string; examples: BindingExample[]; net: Partial<EnergyNetConfig> }[] = [
  { name: "default widths", examples: SMALL, net: { seed: 1 } },
  { name: "cutoff 5, narrow", examples: SMALL, net: { seed: 2, cutoff: 5, hidden: 8, rbf: 6 } },
  // 40 x 60 = 2400 pairs per complex: the reference sums its messages by batched products there
  // (the closed form always uses the pair form; the same function).
  {
    name: "products-form reference",
    examples: [toyExample(44, 40, 60), toyExample(45, 33, 52)],
    net: { seed: 3, hidden: 8, rbf: 6 },
  },
];

for (const method of ["nere", "gaussian"] as const) {
  Deno.test(`${method} loss: closed-form forces (first-order autodiff) give the loss and every parameter gradient of second-order autodiff`, async () => {
    for (const c of CASES) {
      const net = new EnergyNet(tf, { ligandDim: 4, pocketDim: 5, ...c.net });
      try {
        const ref = await lossAndGrads(net, c.examples, method, false);
        const got = await lossAndGrads(net, c.examples, method, true);
        assertClose(got.loss, ref.loss, 1e-5 * Math.max(1, Math.abs(ref.loss)), `${c.name}: loss`);
        assertEquals(Object.keys(got.grads).sort(), Object.keys(ref.grads).sort());
        assertEquals(Object.keys(ref.grads).length, net.variables.length);
        for (const [k, gr] of Object.entries(ref.grads)) {
          // Every parameter takes part: a term of the closed form that dropped out or went
          // wrong shows as a gradient off by far more than float rounding.
          const gmax = gr.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
          assert(gmax > 1e-6, `${c.name}: gradient of ${k} is not trivially zero`);
          gr.forEach((v, i) =>
            assertClose(got.grads[k][i], v, 1e-5 * gmax, `${c.name}: d loss / d ${k}[${i}]`)
          );
        }
      } finally {
        net.dispose();
      }
    }
  });
}

Deno.test("training through the closed form is reproducible and follows the second-order path", async () => {
  const examples = generateSynthetic(SyntheticConfig.parse({ complexes: 4, mcSamples: 1, seed: 5 }))
    .map((s) => s.example);
  const run = async (forces: "closed" | "autodiff") => {
    const cfg = TrainConfig.parse({ epochs: 2, batch: 2, hidden: 8, rbf: 6, seed: 2, forces });
    const r = await trainEnergy(tf, examples, cfg);
    const w = await r.net.getWeights();
    r.net.dispose();
    return { losses: r.stepLosses, w };
  };
  const a = await run("closed"), b = await run("closed"), ref = await run("autodiff");
  // Same seed, same bits.
  assertEquals(a.losses, b.losses);
  assertEquals(a.w, b.w);
  // The same training to float rounding (4 Adam steps; rounding grows a little per step).
  a.losses.forEach((l, i) => assertClose(l, ref.losses[i], 1e-4 * Math.max(1, l), `step ${i}`));
  for (const [k, { data }] of Object.entries(ref.w)) {
    data.forEach((v, i) => assertClose(a.w[k].data[i], v, 1e-5, `${k}[${i}] after training`));
  }
});
