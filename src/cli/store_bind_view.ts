/**
 * Stores one scored complex for the dashboard's 3-D view (`/bind`, format in
 * `BIND_VIEW_ARRAYS`): the pose, pocket, atom classes, the network's forces, translation,
 * torque and omega at the pose, and the pose after the predicted rigid correction.
 * `bind score --save` stores the pose it scored; `bind train` stores its first complex moved by
 * a seeded rigid perturbation ({@link previewPose}), so the page shows whether the trained
 * network's correction moves it back towards the crystal pose.
 * @module
 */
import type { RunWriter } from "../io/run_store.ts";
import type { Tf } from "../nn/tf.ts";
import type { BindingExample } from "../binding/complex.ts";
import { type EnergyNet, rigidCorrection, scorePose } from "../binding/energy.ts";
import { centroid, expSO3, rigidMotion, rmsd } from "../binding/rigid.ts";
import { SplitMix32 } from "../random/splitmix.ts";
import { BIND_VIEW_ARRAYS } from "../runs/bind.ts";

/** Reference noise of the predicted rigid correction (the `bind score` defaults). */
export const VIEW_NOISE = { transNoise: 0.5, rotNoise: 0.2 } as const;

/** What {@link writeComplexView} scores and stores. */
export interface ComplexViewInput {
  readonly tf: Tf;
  readonly net: EnergyNet;
  readonly example: BindingExample;
  /** Names of the atom classes: the first `classes.length` feature columns are one-hot in them. */
  readonly classes: readonly string[];
  /** The pose to score (default: the example's own ligand pose). */
  readonly pose?: ArrayLike<number>;
  /** The crystal pose, stored when `pose` is a perturbed one. */
  readonly native?: ArrayLike<number>;
  /** Reference noise of the correction (default {@link VIEW_NOISE}). */
  readonly noise?: { readonly transNoise: number; readonly rotNoise: number };
}

/** The scored pose: energy, forces, rigid readout and correction. */
export type ComplexViewResult = Awaited<ReturnType<typeof scorePose>> & {
  correction: ReturnType<typeof rigidCorrection>;
  maxForce: number;
};

/** Per-atom class: the first one-hot column set among the first `k` feature columns. */
export function atomClasses(features: Float32Array, rows: number, k: number): Int32Array {
  const dim = features.length / rows;
  return Int32Array.from({ length: rows }, (_, i) => {
    let best = 0;
    for (let c = 1; c < k; c++) if (features[i * dim + c] > features[i * dim + best]) best = c;
    return best;
  });
}

/**
 * The pose `bind train` previews: the ligand moved rigidly about its centroid by a rotation
 * vector with N(0, 2 rotNoise^2) components and a shift with N(0, transNoise^2) components (the
 * small-noise shape of the IGSO(3) and Gaussian perturbations training undoes), drawn from
 * `seed`.
 */
export function previewPose(
  ligand: ArrayLike<number>,
  seed: number,
  noise: { readonly transNoise: number; readonly rotNoise: number } = VIEW_NOISE,
): Float64Array {
  const rng = new SplitMix32(seed);
  const s = Math.SQRT2 * noise.rotNoise;
  const w = [rng.normal() * s, rng.normal() * s, rng.normal() * s];
  const t = [0, 1, 2].map(() => rng.normal() * noise.transNoise);
  return rigidMotion(ligand, expSO3(w), centroid(ligand), t);
}

/** Energy, forces, rigid readout and predicted correction of `pose` (default: the example's). */
export async function scoreView(
  tf: Tf,
  net: EnergyNet,
  ex: BindingExample,
  pose: ArrayLike<number> = ex.ligand,
  noise: { readonly transNoise: number; readonly rotNoise: number } = VIEW_NOISE,
): Promise<ComplexViewResult> {
  const out = await scorePose(tf, net, ex, pose);
  const correction = rigidCorrection(pose, out.translation, out.omega, noise);
  let maxForce = 0;
  const f = out.forces;
  for (let i = 0; i < f.length / 3; i++) {
    maxForce = Math.max(maxForce, Math.hypot(f[3 * i], f[3 * i + 1], f[3 * i + 2]));
  }
  return { ...out, correction, maxForce };
}

/**
 * Stores a scored pose (`scoreView`'s result) into `run`: the view arrays and the summary
 * keys `atom_classes`, `view_complex`, `view_energy`, and with a native pose
 * `view_rmsd_before` / `view_rmsd_after` (RMSD to it of the pose and of the corrected pose).
 */
export async function storeView(
  run: RunWriter,
  ex: BindingExample,
  classes: readonly string[],
  pose: ArrayLike<number>,
  scored: ComplexViewResult,
  native?: ArrayLike<number>,
): Promise<void> {
  const nL = ex.ligand.length / 3, nP = ex.pocket.length / 3;
  const V = BIND_VIEW_ARRAYS;
  const xyz = (a: ArrayLike<number>, n: number) => ({
    dtype: "f32" as const,
    shape: [n, 3],
    data: Float32Array.from(a),
  });
  const vec = (a: ArrayLike<number>) => ({
    dtype: "f64" as const,
    shape: [3],
    data: Float64Array.from(a),
  });
  await run.writeArray(V.ligand.name, xyz(pose, nL));
  await run.writeArray(V.pocket.name, xyz(ex.pocket, nP));
  await run.writeArray(V.forces.name, xyz(scored.forces, nL));
  await run.writeArray(V.corrected.name, xyz(scored.correction.pose, nL));
  if (native) await run.writeArray(V.native.name, xyz(native, nL));
  const k = classes.length;
  await run.writeArray(V.ligandClass.name, {
    dtype: "i32",
    shape: [nL],
    data: atomClasses(ex.ligandFeatures, nL, k),
  });
  await run.writeArray(V.pocketClass.name, {
    dtype: "i32",
    shape: [nP],
    data: atomClasses(ex.pocketFeatures, nP, k),
  });
  await run.writeArray(V.translation.name, vec(scored.translation));
  await run.writeArray(V.torque.name, vec(scored.torque));
  await run.writeArray(V.omega.name, vec(scored.omega));
  const summary: Record<string, number | string> = {
    atom_classes: classes.join(","),
    view_complex: ex.name,
    view_energy: scored.energy,
  };
  if (native) {
    summary.view_rmsd_before = rmsd(pose, native);
    summary.view_rmsd_after = rmsd(scored.correction.pose, native);
  }
  await run.setSummary(summary);
}

/** Scores `input.pose` and stores it into `run` ({@link scoreView} then {@link storeView}). */
export async function writeComplexView(
  run: RunWriter,
  input: ComplexViewInput,
): Promise<ComplexViewResult> {
  const pose = input.pose ?? input.example.ligand;
  const scored = await scoreView(input.tf, input.net, input.example, pose, input.noise);
  await storeView(run, input.example, input.classes, pose, scored, input.native);
  return scored;
}
