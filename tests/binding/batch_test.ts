import { assertClose } from "../_assert.ts";
import { loadTf } from "../../src/nn/tf.ts";
import type * as TfNs from "npm:@tensorflow/tfjs@4.22.0";
import { batchOf, EnergyNet, inputsOf, scorePose, scorePoses } from "../../src/binding/energy.ts";
import { energies } from "../../src/binding/train.ts";
import { Igso3Sampler } from "../../src/binding/igso3.ts";
import {
  decoyLoss,
  decoyLossBatch,
  gaussianLoss,
  gaussianLossBatch,
  nereLoss,
  nereLossBatch,
  perturbLigand,
  sampleRigidNoise,
} from "../../src/binding/losses.ts";

import { toyExample } from "./_toy.ts";
import { SplitMix32 } from "../../src/random/splitmix.ts";

// Complexes of different sizes, so the batch is padded.
const EXAMPLES = [toyExample(1, 4, 12), toyExample(2, 7, 20), toyExample(3, 5, 16)];

Deno.test("padded batches give the same energies, losses and parameter gradients as single complexes", async () => {
  const tf = await loadTf();
  const net = new EnergyNet(tf, { ligandDim: 4, pocketDim: 5, hidden: 8, rbf: 8, seed: 2 });
  const singles = EXAMPLES.map((ex) => inputsOf(tf, ex));
  const rng = new SplitMix32(3), sampler = new Igso3Sampler([0.2, 0.4]);
  const nc = { sampler, transMin: 0.2, transMax: 0.8 };
  const noises = EXAMPLES.map(() => sampleRigidNoise(rng, nc));
  const perturbed = EXAMPLES.map((ex, b) => perturbLigand(ex.ligand, noises[b]));
  const decoys = EXAMPLES.map((ex) =>
    [0, 1].map(() => perturbLigand(ex.ligand, sampleRigidNoise(rng, nc)))
  );
  const eps = [0.3, 0.5, 0.7], seeds = [11, 12, 13];
  const { inputs, poses } = batchOf(tf, EXAMPLES);
  const dec = batchOf(tf, EXAMPLES.flatMap((ex) => [ex, ex, ex]));
  const single = (b: number) => (l: TfNs.Tensor2D) => net.energy(l, singles[b]);
  const batched = (l: TfNs.Tensor3D) => net.energyBatch(l, inputs);
  const cases: [string, () => TfNs.Scalar, () => TfNs.Scalar][] = [
    [
      "nere",
      () =>
        tf.div(
          tf.addN(EXAMPLES.map((_, b) => nereLoss(tf, single(b), perturbed[b], noises[b]))),
          3,
        ) as TfNs.Scalar,
      () => nereLossBatch(tf, batched, poses, perturbed, noises),
    ],
    [
      "gaussian",
      () =>
        tf.div(
          tf.addN(EXAMPLES.map((ex, b) =>
            gaussianLoss(tf, single(b), ex.ligand, new SplitMix32(seeds[b]), eps[b])
          )),
          3,
        ) as TfNs.Scalar,
      () =>
        gaussianLossBatch(
          tf,
          batched,
          poses,
          EXAMPLES.map((e) => e.ligand),
          seeds.map((s) => new SplitMix32(s)),
          eps,
        ),
    ],
    [
      "decoy",
      () =>
        tf.div(
          tf.addN(EXAMPLES.map((ex, b) => decoyLoss(tf, single(b), ex.ligand, decoys[b]))),
          3,
        ) as TfNs.Scalar,
      () =>
        decoyLossBatch(
          tf,
          (l) => net.energyBatch(l, dec.inputs),
          dec.poses,
          EXAMPLES.map((e) => e.ligand),
          decoys,
        ),
    ],
  ];
  try {
    const e1 = await Promise.all(EXAMPLES.map(async (ex, b) => {
      const t = tf.tidy(() =>
        net.energy(tf.tensor2d(Float32Array.from(ex.ligand), [ex.ligand.length / 3, 3]), singles[b])
      );
      return (await t.data())[0];
    }));
    const eb = await tf.tidy(() => net.energyBatch(poses(EXAMPLES.map((e) => e.ligand)), inputs))
      .data();
    e1.forEach((e, b) => assertClose(eb[b], e, 1e-5 * Math.max(1, Math.abs(e)), `energy ${b}`));
    for (const [name, a, b] of cases) {
      const ga = tf.variableGrads(a, net.variables), gb = tf.variableGrads(b, net.variables);
      const la = (await ga.value.data())[0], lb = (await gb.value.data())[0];
      assertClose(lb, la, 1e-4 * Math.max(1, Math.abs(la)), `${name} loss`);
      for (const v of net.variables) {
        const x = await ga.grads[v.name].data(), y = await gb.grads[v.name].data();
        let m = 0;
        for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
        for (let i = 0; i < x.length; i++) {
          assertClose(y[i], x[i], 1e-3 * Math.max(m, 1e-3), `${name} grad ${v.name}`);
        }
      }
      [ga, gb].forEach((
        g,
      ) => (g.value.dispose(), Object.values(g.grads).forEach((t) => t.dispose())));
    }
  } finally {
    singles.forEach((s) => Object.values(s).forEach((t) => t.dispose()));
    Object.values(inputs).forEach((t) => t?.dispose());
    Object.values(dec.inputs).forEach((t) => t?.dispose());
    net.dispose();
  }
});

Deno.test("scorePoses and energies (padded chunks) equal scorePose complex by complex", async () => {
  const tf = await loadTf();
  const net = new EnergyNet(tf, { ligandDim: 4, pocketDim: 5, hidden: 8, rbf: 8, seed: 4 });
  try {
    // Chunks of 2 over 3 complexes: one padded chunk and a chunk of one.
    const moved = EXAMPLES.map((ex) => ex.ligand.map((v, i) => v + 0.1 * ((i % 3) - 1)));
    const batched = await scorePoses(tf, net, EXAMPLES, moved, 2);
    const es = await energies(tf, net, EXAMPLES, moved, 2);
    for (let b = 0; b < EXAMPLES.length; b++) {
      const one = await scorePose(tf, net, EXAMPLES[b], moved[b]);
      const got = batched[b], tol = (v: number) => 1e-5 * Math.max(1, Math.abs(v));
      assertClose(got.energy, one.energy, tol(one.energy), `energy ${b}`);
      assertClose(es[b], one.energy, tol(one.energy), `energies() ${b}`);
      assertClose(got.forces.length, one.forces.length, 0, `forces ${b} cover the real atoms`);
      one.forces.forEach((f, i) => assertClose(got.forces[i], f, 1e-4, `force ${b}.${i}`));
      for (const k of ["translation", "torque", "omega"] as const) {
        one[k].forEach((v, i) => assertClose(got[k][i], v, 1e-4 * Math.max(1, Math.abs(v)), k));
      }
    }
  } finally {
    net.dispose();
  }
});

Deno.test("message forms 'pairs' and 'products' give the same energies and NERE parameter gradients", async () => {
  const tf = await loadTf();
  const mk = (messages: "pairs" | "products") =>
    new EnergyNet(tf, { ligandDim: 4, pocketDim: 5, hidden: 8, rbf: 6, seed: 7, messages });
  const a = mk("pairs"), b = mk("products");
  const { inputs, poses } = batchOf(tf, EXAMPLES);
  const rng = new SplitMix32(5), sampler = new Igso3Sampler([0.2, 0.4]);
  const noises = EXAMPLES.map(() =>
    sampleRigidNoise(rng, { sampler, transMin: 0.2, transMax: 0.8 })
  );
  const perturbed = EXAMPLES.map((ex, b) => perturbLigand(ex.ligand, noises[b]));
  try {
    const ea = await a.energyBatch(poses(perturbed), inputs).data();
    const eb = await b.energyBatch(poses(perturbed), inputs).data();
    ea.forEach((e, k) => assertClose(eb[k], e, 1e-5 * Math.max(1, Math.abs(e)), `energy ${k}`));
    const loss = (net: EnergyNet) => () =>
      nereLossBatch(tf, (l) => net.energyBatch(l, inputs), poses, perturbed, noises);
    const ga = tf.variableGrads(loss(a), a.variables), gb = tf.variableGrads(loss(b), b.variables);
    const la = (await ga.value.data())[0];
    assertClose((await gb.value.data())[0], la, 1e-4 * Math.max(1, Math.abs(la)), "loss");
    for (let k = 0; k < a.variables.length; k++) {
      const x = await ga.grads[a.variables[k].name].data();
      const y = await gb.grads[b.variables[k].name].data();
      const m = Math.max(1e-3, ...Array.from(x, Math.abs));
      x.forEach((v, i) => assertClose(y[i], v, 1e-3 * m, `grad ${a.names[k]}[${i}]`));
    }
  } finally {
    Object.values(inputs).forEach((t) => t?.dispose());
    a.dispose();
    b.dispose();
  }
});
