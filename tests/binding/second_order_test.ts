import { assert, assertClose } from "../_assert.ts";
import { loadTf, setTapeOrderFix } from "../../src/nn/mod.ts";
import type * as TfNs from "npm:@tensorflow/tfjs@4.22.0";
import { EnergyNet, inputsOf } from "../../src/binding/energy.ts";
import { Igso3Sampler } from "../../src/binding/igso3.ts";
import {
  decoyLoss,
  gaussianLoss,
  nereLoss,
  perturbLigand,
  sampleRigidNoise,
} from "../../src/binding/losses.ts";

import { toyExample } from "./_toy.ts";
import { SplitMix32 } from "../../src/random/splitmix.ts";

// The NERE and Gaussian-DSM losses differentiate through the forces: their parameter gradient
// is a mixed second derivative d/dtheta (dE/dx). Check it against central finite differences of
// the loss along a random parameter direction, through every op of the energy network (exp,
// sigmoid/SiLU, relu, sqrt, matMul, broadcasting sums); stock tfjs 4.22 gets exp and sigmoid
// wrong here without an error.
async function adVsFd(method: "nere" | "gaussian" | "decoy"): Promise<{ ad: number; fd: number }> {
  {
    const tf = await loadTf();
    const ex = toyExample(3, 5, 16);
    const net = new EnergyNet(tf, {
      ligandDim: ex.ligandDim,
      pocketDim: ex.pocketDim,
      hidden: 8,
      rbf: 8,
      seed: 4,
    });
    const inputs = inputsOf(tf, ex);
    const rng = new SplitMix32(7);
    const sampler = new Igso3Sampler([0.3]);
    const noise = sampleRigidNoise(rng, { sampler, transMin: 0.5, transMax: 0.5 });
    const x = perturbLigand(ex.ligand, noise);
    const decoys = [1, 2, 3].map(() =>
      perturbLigand(ex.ligand, sampleRigidNoise(rng, { sampler, transMin: 0.5, transMax: 0.5 }))
    );
    const gseed = rng.nextU32();
    const energy = (l: TfNs.Tensor2D) => net.energy(l, inputs);
    const loss = () =>
      method === "nere"
        ? nereLoss(tf, energy, x, noise)
        : method === "gaussian"
        ? gaussianLoss(tf, energy, ex.ligand, new SplitMix32(gseed), 0.4)
        : decoyLoss(tf, energy, ex.ligand, decoys);
    try {
      const { value, grads } = tf.variableGrads(loss, net.variables);
      value.dispose();
      const dir = net.variables.map((v) => tf.randomNormal(v.shape, 0, 1, "float32", 11));
      let ad = 0;
      for (let i = 0; i < dir.length; i++) {
        ad += (await tf.sum(tf.mul(grads[net.variables[i].name], dir[i])).data())[0];
      }
      const base = net.variables.map((v) => v.clone());
      const lossAt = async (h: number) => {
        net.variables.forEach((v, i) => v.assign(tf.add(base[i], tf.mul(dir[i], h))));
        const l = tf.tidy(loss);
        const out = (await l.data())[0];
        l.dispose();
        return out;
      };
      // Richardson-extrapolated central difference.
      const d1 = (await lossAt(2e-3) - await lossAt(-2e-3)) / 4e-3;
      const d2 = (await lossAt(1e-3) - await lossAt(-1e-3)) / 2e-3;
      const fd = (4 * d2 - d1) / 3;
      base.forEach((b) => b.dispose());
      dir.forEach((d) => d.dispose());
      Object.values(grads).forEach((g) => g.dispose());
      return { ad, fd };
    } finally {
      Object.values(inputs).forEach((t) => t.dispose());
      net.dispose();
    }
  }
}

for (const method of ["nere", "gaussian", "decoy"] as const) {
  Deno.test(`${method} loss: parameter gradient (second order for DSM) equals finite differences`, async () => {
    const { ad, fd } = await adVsFd(method);
    assertClose(ad, fd, 2e-2 * Math.max(Math.abs(fd), 1e-3), `${method}: AD vs FD`);
  });
}

Deno.test("without the tape-order fix of src/nn the NERE gradient is wrong (the check above can fail)", async () => {
  const tf = await loadTf();
  setTapeOrderFix(tf, false);
  try {
    const { ad, fd } = await adVsFd("nere");
    assert(Math.abs(ad - fd) > 2e-2 * Math.abs(fd), `stock AD ${ad} vs FD ${fd}`);
  } finally {
    setTapeOrderFix(tf, true);
  }
});
