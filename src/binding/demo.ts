/**
 * A short showcase of the binding module for `cli.ts demo` (about 10-20 s on one core):
 * synthetic complexes with a known affinity, NERE trained on their poses only, the correlation
 * of -E with the true affinity, and equivariance of the forces on a real complex when present.
 * @module
 */
import { loadTf } from "../nn/tf.ts";
import { scorePose } from "./energy.ts";
import { expSO3, matVec3, rigidMotion } from "./rigid.ts";
import { generateSynthetic, pearson, spearman, SyntheticConfig } from "./synthetic.ts";
import { contactScore, energies, TrainConfig, trainEnergy } from "./train.ts";

/**
 * Prints the binding demo.
 */
export async function demoSection(print: (line: string) => void): Promise<void> {
  const t0 = performance.now();
  print("NERE binding energies (src/binding): unsupervised, SE(3) denoising score matching");
  const set = generateSynthetic(
    SyntheticConfig.parse({
      complexes: 48,
      mcSamples: 4000,
      langevinSteps: 600,
      poses: 5,
      seed: 7,
    }),
  );
  const train = set.slice(0, 32), test = set.slice(32);
  const truth = test.map((s) => -s.dG);
  print(
    `  ${set.length} synthetic complexes, true dG from ${
      Math.min(...set.map((s) => s.dG)).toFixed(1)
    } to ${Math.max(...set.map((s) => s.dG)).toFixed(1)}; ceiling (-U at pose) Pearson ${
      pearson(test.map((s) => -s.nativeU), truth).toFixed(2)
    }`,
  );
  const tf = await loadTf();
  // Every sampled pose of a training complex is an unlabelled example (as `bind bench`).
  const poses = train.flatMap((
    s,
  ) => [s.example, ...s.extraPoses.map((x) => ({ ...s.example, ligand: x }))]);
  const r = await trainEnergy(
    tf,
    poses,
    TrainConfig.parse({ method: "nere", epochs: 6, lr: 3e-3 }),
  );
  const e = await energies(tf, r.net, test.map((s) => s.example));
  print(
    `  NERE trained on ${poses.length} poses of ${train.length} complexes (no labels) in ${
      r.seconds.toFixed(1)
    } s: held-out Pearson ${pearson(e.map((v) => -v), truth).toFixed(2)}, Spearman ${
      spearman(e.map((v) => -v), truth).toFixed(2)
    }; contact count Pearson ${
      pearson(test.map((s) => contactScore(s.example)), truth).toFixed(2)
    }`,
  );
  // Equivariance: rotate the whole complex, forces rotate with it.
  const ex = test[0].example, R = expSO3([0.4, -1.1, 0.7]);
  const a = await scorePose(tf, r.net, ex, ex.ligand);
  const moved = {
    ...ex,
    ligand: rigidMotion(ex.ligand, R, [0, 0, 0], [3, -2, 5]),
    pocket: rigidMotion(ex.pocket, R, [0, 0, 0], [3, -2, 5]),
  };
  const b = await scorePose(tf, r.net, moved, moved.ligand);
  const want = matVec3(R, a.omega);
  const err = Math.max(...[0, 1, 2].map((k) => Math.abs(b.omega[k] - want[k])));
  print(
    `  rotate + shift the complex: |dE| = ${
      Math.abs(a.energy - b.energy).toExponential(1)
    }, |R omega - omega'| = ${err.toExponential(1)}`,
  );
  r.net.dispose();
  print(
    `  (${((performance.now() - t0) / 1000).toFixed(1)} s; full benchmark: cli.ts bind bench)`,
  );
}
