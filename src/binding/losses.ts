/**
 * Training objectives on tfjs, all written against an energy function of the ligand
 * coordinates so that the network and closed-form toy energies share them:
 * - NERE: rigid SE(3) denoising score matching (spec section 4): the ligand is perturbed by an
 *   IGSO(3) rotation about its centroid and a Gaussian shift; forces come from autodiff (or, in
 *   the batch versions, from any differentiable force function such as the closed form of
 *   energy_forces.ts), the rigid readout (mean force, omega = I^-1 tau) is matched to the
 *   perturbation's scores. The loss differentiates through the forces (second-order autodiff,
 *   or first-order autodiff of the closed form).
 * - Gaussian DSM: per-atom Gaussian noise, force matching (the "DSM without NERE" baseline).
 * - Decoy contrastive: cross-entropy of the native pose against rigidly perturbed decoys.
 * @module
 */
import type { Tf } from "../nn/tf.ts";
import type * as TfNs from "npm:@tensorflow/tfjs@4.22.0";
import { rigidReadout, rigidReadoutBatch } from "./energy.ts";
import { type Igso3Sampler, igso3Score } from "./igso3.ts";
import { centroid, expSO3, rigidMotion, type Vec3 } from "./rigid.ts";
import type { SplitMix32 } from "../random/splitmix.ts";
import { uniformIn, uniformIndex } from "../random/seeded_draws.ts";

type Tensor2D = TfNs.Tensor2D;
type Scalar = TfNs.Scalar;

/** An energy of ligand coordinates [n, 3] (the rest of the complex is fixed). */
export type EnergyFn = (ligand: Tensor2D) => Scalar;

/** Noise ranges of the rigid perturbation. */
export interface RigidNoiseConfig {
  /** IGSO(3) noise levels (indices into the sampler). */
  sampler: Igso3Sampler;
  /** Translation noise eps ~ U(transMin, transMax) angstrom (the repo: 0.1 to 1). */
  transMin: number;
  transMax: number;
  /** Rotation target with the Haar term (the authors' code) instead of the Haar-measure score. */
  haar?: boolean;
}

/** One rigid perturbation: rotation vector, its angle/axis/noise level, shift and its scale. */
export interface RigidNoise {
  omega: Vec3;
  theta: number;
  axis: Vec3;
  sigma: number;
  shift: Vec3;
  eps: number;
}

/** Draws a rigid perturbation. */
export function sampleRigidNoise(rng: SplitMix32, cfg: RigidNoiseConfig): RigidNoise {
  const level = uniformIndex(rng, cfg.sampler.sigmas.length);
  const { omega, theta, axis } = cfg.sampler.sampleRotation(level, rng);
  const eps = uniformIn(rng, cfg.transMin, cfg.transMax);
  const shift: Vec3 = [rng.normal() * eps, rng.normal() * eps, rng.normal() * eps];
  return { omega, theta, axis, sigma: cfg.sampler.sigmas[level], shift, eps };
}

/** x~ = R(omega)(x - mu) + mu + t, mu the ligand centroid. */
export function perturbLigand(x: ArrayLike<number>, noise: RigidNoise): Float64Array {
  return rigidMotion(x, expSO3(noise.omega), centroid(x), noise.shift);
}

/**
 * NERE targets: rotation axis * s_sigma(theta) and the scaled translation score -t / eps
 * (compared with eps * t_pred).
 */
export function nereTargets(
  noise: RigidNoise,
  haar = false,
): { rotation: Vec3; translation: Vec3 } {
  const s = igso3Score(noise.theta, noise.sigma, { haar });
  return {
    rotation: [noise.axis[0] * s, noise.axis[1] * s, noise.axis[2] * s],
    translation: [
      -noise.shift[0] / noise.eps,
      -noise.shift[1] / noise.eps,
      -noise.shift[2] / noise.eps,
    ],
  };
}

/**
 * NERE loss of one perturbed pose: |omega_pred - axis s(theta)|^2 + |eps t_pred + t/eps|^2, with
 * forces f = -dE/dx at `perturbed` by autodiff (kept on the tape, so the loss's gradient
 * with respect to the parameters goes through the forces).
 */
export function nereLoss(
  tf: Tf,
  energy: EnergyFn,
  perturbed: Float64Array,
  noise: RigidNoise,
  haar = false,
): Scalar {
  const n = perturbed.length / 3;
  const x = tf.tensor2d(Float32Array.from(perturbed), [n, 3]);
  const forces = tf.neg(tf.grad((l: TfNs.Tensor) => energy(l as Tensor2D))(x)) as Tensor2D;
  const { translation, omega } = rigidReadout(tf, forces, perturbed);
  const tg = nereTargets(noise, haar);
  const rot = tf.sum(tf.square(tf.sub(omega, tf.tensor1d(tg.rotation))));
  const tr = tf.sum(tf.square(tf.sub(tf.mul(translation, noise.eps), tf.tensor1d(tg.translation))));
  return tf.add(rot, tr) as Scalar;
}

/**
 * Per-atom Gaussian DSM: x~ = x + eps z; loss mean_i |eps f_i + z_i|^2 (force matching, the
 * authors' `gaussian_forward`).
 */
export function gaussianLoss(
  tf: Tf,
  energy: EnergyFn,
  x: ArrayLike<number>,
  rng: SplitMix32,
  eps: number,
): Scalar {
  const n = x.length / 3;
  const z = Float32Array.from({ length: 3 * n }, () => rng.normal());
  const xt = Float32Array.from({ length: 3 * n }, (_, i) => x[i] + eps * z[i]);
  const forces = tf.neg(
    tf.grad((l: TfNs.Tensor) => energy(l as Tensor2D))(tf.tensor2d(xt, [n, 3])),
  );
  return tf.mean(
    tf.sum(tf.square(tf.add(tf.mul(forces, eps), tf.tensor2d(z, [n, 3]))), 1),
  ) as Scalar;
}

/**
 * Decoy contrastive loss: -log softmax(-E) of the native pose among the native and `decoys`
 * (rigidly perturbed copies), i.e. E_native + log sum_k exp(-E_k).
 */
export function decoyLoss(
  tf: Tf,
  energy: EnergyFn,
  x: ArrayLike<number>,
  decoys: Float64Array[],
): Scalar {
  const n = x.length / 3;
  const es = [x, ...decoys].map((p) => energy(tf.tensor2d(Float32Array.from(p), [n, 3])));
  const neg = tf.neg(tf.stack(es));
  return tf.sub(tf.logSumExp(neg), neg.slice([0], [1]).reshape([])) as Scalar;
}

/** Energies of a padded batch of poses [B, L, 3] (see EnergyNet.energyBatch). */
export type BatchEnergyFn = (ligands: TfNs.Tensor3D) => TfNs.Tensor1D;
/** Turns one flat pose per batch entry into the padded [B, L, 3] tensor (see batchOf). */
export type PoseBatcher = (xs: ArrayLike<number>[]) => TfNs.Tensor3D;

/** Forces f = -dE/dx [B, L, 3] of a padded batch of poses [B, L, 3]. */
export type BatchForcesFn = (ligands: TfNs.Tensor3D) => TfNs.Tensor3D;

/**
 * Forces by autodiff of a batch energy (`tf.grad` of the summed energies, kept on the tape): a
 * loss built on them has a second-order parameter gradient.
 */
export function autodiffForces(tf: Tf, energy: BatchEnergyFn): BatchForcesFn {
  return (x) =>
    tf.neg(tf.grad((l: TfNs.Tensor) => tf.sum(energy(l as TfNs.Tensor3D)))(x)) as TfNs.Tensor3D;
}

/** {@link nereLoss} over a padded batch in one set of kernels; the batch mean. */
export function nereLossBatch(
  tf: Tf,
  energy: BatchEnergyFn,
  poses: PoseBatcher,
  perturbed: Float64Array[],
  noises: RigidNoise[],
  haar = false,
): Scalar {
  return nereLossOfForces(tf, autodiffForces(tf, energy), poses, perturbed, noises, haar);
}

/**
 * {@link nereLossBatch} with the forces from `forcesOf`: by autodiff ({@link autodiffForces}) or in
 * closed form as differentiable ops, whose parameter gradient is then first order.
 */
export function nereLossOfForces(
  tf: Tf,
  forcesOf: BatchForcesFn,
  poses: PoseBatcher,
  perturbed: Float64Array[],
  noises: RigidNoise[],
  haar = false,
): Scalar {
  const B = perturbed.length;
  const forces = forcesOf(poses(perturbed));
  const { translation, omega } = rigidReadoutBatch(tf, forces, perturbed);
  const rot = new Float32Array(3 * B), tr = new Float32Array(3 * B), eps = new Float32Array(B);
  noises.forEach((n, b) => {
    const tg = nereTargets(n, haar);
    rot.set(tg.rotation, 3 * b);
    tr.set(tg.translation, 3 * b);
    eps[b] = n.eps;
  });
  const lr = tf.sum(tf.square(tf.sub(omega, tf.tensor2d(rot, [B, 3]))));
  const lt = tf.sum(
    tf.square(tf.sub(tf.mul(translation, tf.tensor2d(eps, [B, 1])), tf.tensor2d(tr, [B, 3]))),
  );
  return tf.div(tf.add(lr, lt), B) as Scalar;
}

/** {@link gaussianLoss} over a padded batch (one noise scale per entry); the batch mean. */
export function gaussianLossBatch(
  tf: Tf,
  energy: BatchEnergyFn,
  poses: PoseBatcher,
  natives: ArrayLike<number>[],
  rngs: SplitMix32[],
  eps: number[],
): Scalar {
  return gaussianLossOfForces(tf, autodiffForces(tf, energy), poses, natives, rngs, eps);
}

/** {@link gaussianLossBatch} with the forces from `forcesOf` (see {@link nereLossOfForces}). */
export function gaussianLossOfForces(
  tf: Tf,
  forcesOf: BatchForcesFn,
  poses: PoseBatcher,
  natives: ArrayLike<number>[],
  rngs: SplitMix32[],
  eps: number[],
): Scalar {
  const B = natives.length;
  const zs = natives.map((x, b) => Float64Array.from({ length: x.length }, () => rngs[b].normal()));
  const xt = natives.map((x, b) =>
    Float64Array.from({ length: x.length }, (_, i) => x[i] + eps[b] * zs[b][i])
  );
  const forces = forcesOf(poses(xt));
  const L = forces.shape[1]!;
  // Per entry: mean over its atoms of |eps f_i + z_i|^2 (padded rows have f = z = 0).
  const scale = new Float32Array(B * L), epsRows = new Float32Array(B);
  natives.forEach((x, b) => {
    scale.fill(1 / (x.length / 3), b * L, b * L + x.length / 3);
    epsRows[b] = eps[b];
  });
  const r = tf.add(tf.mul(forces, tf.tensor3d(epsRows, [B, 1, 1])), poses(zs));
  return tf.div(tf.sum(tf.mul(tf.sum(tf.square(r), 2), tf.tensor2d(scale, [B, L]))), B) as Scalar;
}

/**
 * {@link decoyLoss} over a batch laid out as [native, decoys...] per complex (K + 1 entries
 * each, in one padded batch); the mean over complexes.
 */
export function decoyLossBatch(
  tf: Tf,
  energy: BatchEnergyFn,
  poses: PoseBatcher,
  natives: ArrayLike<number>[],
  decoys: Float64Array[][],
): Scalar {
  const B = natives.length, K1 = decoys[0].length + 1;
  const all = natives.flatMap((x, b) => [x, ...decoys[b]]);
  const neg = tf.reshape(tf.neg(energy(poses(all))), [B, K1]);
  const native = tf.reshape(tf.slice(neg, [0, 0], [B, 1]), [B]);
  return tf.div(tf.sum(tf.sub(tf.logSumExp(neg, 1), native)), B) as Scalar;
}
