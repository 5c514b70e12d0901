import { assert } from "../_assert.ts";
import { loadTf } from "../../src/nn/tf.ts";
import { rigidCorrection, scorePose } from "../../src/binding/energy.ts";
import { energies, TrainConfig, trainEnergy } from "../../src/binding/train.ts";
import { centroid, expSO3, rigidMotion, rmsd } from "../../src/binding/rigid.ts";

import { exampleOf, loadReal } from "./_real.ts";
import { SplitMix32 } from "../../src/random/splitmix.ts";
import { uniformIn, unitVector3 } from "../../src/random/seeded_draws.ts";

// Short NERE training on one crystal complex (its 12 nearest pocket residues), then: the native
// pose scores below (better than) rigidly perturbed decoys, and a step along the predicted
// scores moves a perturbed ligand back towards the crystal pose.
for (const name of ["1hpv", "1pgp"]) {
  Deno.test(`real complex ${name}: after short training, native beats decoys and the score step lowers RMSD`, async () => {
    const c = await loadReal(name);
    if (!c) return;
    const tf = await loadTf();
    const ex = exampleOf(c, 12);
    const cfg = TrainConfig.parse({
      method: "nere",
      epochs: 60,
      batch: 4,
      lr: 5e-3,
      lrDecay: 0.97,
      sigmaMin: 0.05,
      sigmaMax: 0.25,
      transMin: 0.2,
      transMax: 0.6,
      hidden: 16,
      seed: 1,
    });
    const { net } = await trainEnergy(tf, [ex, ex, ex, ex], cfg);
    try {
      const rng = new SplitMix32(5), mu = centroid(ex.ligand);
      const decoys = Array.from({ length: 12 }, () => {
        const w = unitVector3(rng).map((a) => a * uniformIn(rng, 0.15, 0.35));
        const t = unitVector3(rng).map((a) => a * uniformIn(rng, 0.4, 1));
        return rigidMotion(ex.ligand, expSO3(w), mu, t);
      });
      const [eNative, ...eDecoys] = await energies(tf, net, Array(13).fill(ex), [
        ex.ligand,
        ...decoys,
      ]);
      const beaten = eDecoys.filter((e) => e > eNative).length;
      assert(
        beaten >= 9,
        `native E ${eNative} beats ${beaten}/12 decoys: ${eDecoys.map((e) => e.toFixed(3))}`,
      );
      const median = [...eDecoys].sort((a, b) => a - b)[6];
      assert(median > eNative, `median decoy E ${median} above native ${eNative}`);
      let improved = 0, before = 0, after = 0;
      for (const d of decoys.slice(0, 6)) {
        const out = await scorePose(tf, net, ex, d);
        const back =
          rigidCorrection(d, out.translation, out.omega, { transNoise: 0.4, rotNoise: 0.15 }).pose;
        const r0 = rmsd(d, ex.ligand), r1 = rmsd(back, ex.ligand);
        before += r0 / 6;
        after += r1 / 6;
        if (r1 < r0) improved++;
      }
      assert(improved >= 4, `the score step lowered the RMSD for ${improved}/6 perturbed poses`);
      assert(after < before, `mean RMSD ${before} -> ${after}`);
    } finally {
      net.dispose();
    }
  });
}
