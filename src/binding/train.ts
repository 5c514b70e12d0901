/**
 * Training of the energy network on unlabelled poses (NERE and its baselines in one loop) and
 * scoring of native poses. Adam with exponential learning-rate decay per epoch and global-norm
 * gradient clipping, as the authors' defaults (lr 1e-3, decay 0.95, clip 1, batch 4).
 * @module
 */
import { z } from "npm:zod@4.6.7";
import type { Tf } from "../nn/tf.ts";
import type * as TfNs from "npm:@tensorflow/tfjs@4.22.0";
import type { BindingExample } from "./complex.ts";
import { batchOf, EnergyNet } from "./energy.ts";
import { Igso3Sampler, sigmaGrid } from "./igso3.ts";
import {
  autodiffForces,
  type BatchForcesFn,
  decoyLossBatch,
  gaussianLossOfForces,
  nereLossOfForces,
  perturbLigand,
  type RigidNoiseConfig,
  sampleRigidNoise,
} from "./losses.ts";
import { SplitMix32, type SplitMixState } from "../random/splitmix.ts";
import { Adam, type AdamState } from "./adam.ts";
import { uniformIn, uniformIndex } from "../random/seeded_draws.ts";
import { energyForcesBatch } from "./energy_forces.ts";
import { firstOrderOnly } from "../nn/patches.ts";

/** Training configuration (zod schema; defaults in brackets in the field docs). */
export const TrainConfig = z.object({
  /** Objective: nere (rigid SE(3) DSM), gaussian (per-atom DSM) or decoy (contrastive). */
  method: z.enum(["nere", "gaussian", "decoy"]).default("nere"),
  epochs: z.number().int().positive().default(10),
  batch: z.number().int().positive().default(4),
  lr: z.number().positive().default(1e-3),
  lrDecay: z.number().positive().max(1).default(0.95),
  clip: z.number().positive().default(1),
  /** IGSO(3) noise levels: `sigmaLevels` evenly over [sigmaMin, sigmaMax]. */
  sigmaMin: z.number().positive().default(0.1),
  sigmaMax: z.number().positive().default(0.6),
  sigmaLevels: z.number().int().positive().default(16),
  /** Translation noise scale range (angstrom). */
  transMin: z.number().positive().default(0.1),
  transMax: z.number().positive().default(1),
  /** Per-atom noise range of the Gaussian baseline (angstrom). */
  gaussMin: z.number().positive().default(0.1),
  gaussMax: z.number().positive().default(1),
  /** Decoys per native pose (decoy baseline). */
  decoys: z.number().int().positive().default(4),
  /** Rotation target with the Haar term, as the authors' code. */
  haar: z.boolean().default(false),
  hidden: z.number().int().positive().default(32),
  rbf: z.number().int().min(2).default(16),
  cutoff: z.number().positive().default(8),
  seed: z.number().int().nonnegative().default(0),
  /**
   * How the NERE and Gaussian losses get the forces: "closed" [default], the energy network's
   * first derivative written out as differentiable ops (energy_forces.ts), so the parameter
   * gradient is first-order autodiff; "autodiff", tf.grad of the energy, so the parameter
   * gradient is second-order autodiff (the reference: the same loss and gradients to float
   * rounding, tests/binding/closed_training_test.ts).
   */
  forces: z.enum(["closed", "autodiff"]).default("closed"),
}).strict();
/** The parsed training configuration. */
export type TrainConfig = z.infer<typeof TrainConfig>;

/** What training returns: the network, the loss per step and per epoch, and the time taken. */
export interface TrainResult {
  net: EnergyNet;
  stepLosses: number[];
  epochLosses: number[];
  seconds: number;
}

/**
 * Where training stands after a whole number of epochs: with the same examples and
 * configuration, training continued from it gives the bits of the uninterrupted run.
 */
export interface BindTrainState {
  /** Epochs done. */
  readonly epoch: number;
  /** Network parameters by name ({@link EnergyNet.getWeights}). */
  readonly weights: Record<string, { shape: number[]; data: number[] }>;
  /** The optimiser's step count, bias-correction products and moments. */
  readonly adam: AdamState;
  /** The draw generator (data order and noise). */
  readonly rng: SplitMixState;
  /** Losses of the steps and epochs done. */
  readonly stepLosses: readonly number[];
  readonly epochLosses: readonly number[];
}

/** Options of {@link trainEnergy} beyond the configuration. */
export interface TrainEnergyOptions {
  /** Continue from a stored state instead of a fresh network. */
  readonly from?: BindTrainState;
  /**
   * Called after each epoch with its number (1-based) and mean loss, and a function that reads
   * the state to store (the moments are read back only when asked).
   */
  readonly onEpochState?: (
    epoch: number,
    loss: number,
    state: () => Promise<BindTrainState>,
  ) => void | Promise<void>;
}

/** What a training step needs of an optimiser (a tfjs optimiser or this module's Adam). */
export interface GradientApplier {
  applyGradients(grads: TfNs.NamedTensorMap): void;
}

/** The rigid-noise settings of a configuration. */
export function rigidNoiseOf(cfg: TrainConfig): RigidNoiseConfig {
  const sampler = new Igso3Sampler(sigmaGrid(cfg.sigmaMin, cfg.sigmaMax, cfg.sigmaLevels), 2048);
  return { sampler, transMin: cfg.transMin, transMax: cfg.transMax, haar: cfg.haar };
}

/**
 * Trains a fresh energy network on the native poses of `examples` (no affinity labels).
 *
 * @example
 * ```ts
 * import { loadTf } from "../nn/mod.ts";
 * import { generateSynthetic, SyntheticConfig, TrainConfig, trainEnergy } from "./mod.ts";
 * const examples = generateSynthetic(SyntheticConfig.parse({ complexes: 2, mcSamples: 10, langevinSteps: 10 })).map((s) => s.example);
 * const tf = await loadTf();
 * const { net, epochLosses } = await trainEnergy(tf, examples, TrainConfig.parse({ epochs: 1 }));
 * net.dispose();
 * ```
 */
export async function trainEnergy(
  tf: Tf,
  examples: BindingExample[],
  cfg: TrainConfig,
  onEpoch?: (epoch: number, loss: number) => void | Promise<void>,
  options: TrainEnergyOptions = {},
): Promise<TrainResult> {
  if (examples.length === 0) throw new Error("training needs at least one complex");
  const t0 = performance.now();
  const ex0 = examples[0];
  const net = new EnergyNet(tf, {
    ligandDim: ex0.ligandDim,
    pocketDim: ex0.pocketDim,
    hidden: cfg.hidden,
    rbf: cfg.rbf,
    cutoff: cfg.cutoff,
    seed: cfg.seed,
  });
  const { from } = options;
  if (from) {
    if (!Number.isInteger(from.epoch) || from.epoch < 0 || from.epoch > cfg.epochs) {
      throw new Error(
        `training state: epoch ${from.epoch}: expected an integer in [0, ${cfg.epochs}]`,
      );
    }
    net.setWeights(from.weights);
  }
  const rng = from ? SplitMix32.fromState(from.rng) : new SplitMix32(cfg.seed * 7919 + 1);
  const noise = rigidNoiseOf(cfg);
  let opt: Adam;
  try {
    opt = new Adam(tf, net.variables, cfg.lr, from?.adam);
  } catch (e) {
    net.dispose();
    throw e;
  }
  const stepLosses = [...from?.stepLosses ?? []], epochLosses = [...from?.epochLosses ?? []];
  try {
    for (let epoch = from?.epoch ?? 0; epoch < cfg.epochs; epoch++) {
      opt.learningRate = cfg.lr * cfg.lrDecay ** epoch;
      const order = examples.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = uniformIndex(rng, i + 1);
        [order[i], order[j]] = [order[j], order[i]];
      }
      let sum = 0, count = 0;
      for (let s = 0; s < order.length; s += cfg.batch) {
        const batch = order.slice(s, s + cfg.batch);
        const loss = trainStep(
          tf,
          net,
          opt,
          batch.map((b) => examples[b]),
          cfg,
          noise,
          rng,
        );
        const v = (await loss.data())[0];
        loss.dispose();
        stepLosses.push(v);
        sum += v * batch.length;
        count += batch.length;
      }
      epochLosses.push(sum / count);
      await onEpoch?.(epoch, sum / count);
      await options.onEpochState?.(epoch + 1, sum / count, async () => ({
        epoch: epoch + 1,
        weights: await net.getWeights(),
        adam: await opt.state(),
        rng: rng.saveState(),
        stepLosses: [...stepLosses],
        epochLosses: [...epochLosses],
      }));
    }
  } catch (e) {
    net.dispose();
    throw e;
  } finally {
    opt.dispose();
  }
  return { net, stepLosses, epochLosses, seconds: (performance.now() - t0) / 1000 };
}

/** One optimiser step on a batch; returns the batch-mean loss (a tensor to read and dispose). */
export function trainStep(
  tf: Tf,
  net: EnergyNet,
  opt: GradientApplier,
  batch: BindingExample[],
  cfg: TrainConfig,
  noise: RigidNoiseConfig,
  rng: SplitMix32,
): TfNs.Scalar {
  // Noise is drawn in JS before the tape so the same seed gives the same draws.
  const natives = batch.map((ex) => ex.ligand);
  const group = cfg.method === "decoy"
    ? batch.flatMap((ex) => Array(cfg.decoys + 1).fill(ex))
    : batch;
  const { inputs, poses } = batchOf(tf, group);
  const energy = (l: TfNs.Tensor3D) => net.energyBatch(l, inputs);
  const closed = cfg.forces === "closed" && cfg.method !== "decoy";
  const forcesOf: BatchForcesFn = closed
    ? (l) => energyForcesBatch(tf, net, l, inputs).forces
    : autodiffForces(tf, energy);
  let loss: () => TfNs.Scalar;
  if (cfg.method === "nere") {
    const noises = batch.map(() => sampleRigidNoise(rng, noise));
    const perturbed = batch.map((ex, b) => perturbLigand(ex.ligand, noises[b]));
    loss = () => nereLossOfForces(tf, forcesOf, poses, perturbed, noises, cfg.haar);
  } else if (cfg.method === "decoy") {
    const decoys = batch.map((ex) =>
      Array.from(
        { length: cfg.decoys },
        () => perturbLigand(ex.ligand, sampleRigidNoise(rng, noise)),
      )
    );
    loss = () => decoyLossBatch(tf, energy, poses, natives, decoys);
  } else {
    const eps = batch.map(() => uniformIn(rng, cfg.gaussMin, cfg.gaussMax));
    const seeds = batch.map(() => rng.nextU32());
    loss = () =>
      gaussianLossOfForces(tf, forcesOf, poses, natives, seeds.map((s) => new SplitMix32(s)), eps);
  }
  // Through the closed form (and for the decoy loss, a function of energies only) the parameter
  // gradient is first order: saved tensors need no recorded clones (the same values).
  const grad = () => tf.variableGrads(loss, net.variables);
  const firstOrder = closed || cfg.method === "decoy";
  const { value, grads } = firstOrder ? firstOrderOnly(tf, grad) : grad();
  tf.tidy(() => {
    const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))));
    const scale = tf.minimum(1, tf.div(cfg.clip, tf.add(norm, 1e-12)));
    const clipped: Record<string, TfNs.Tensor> = {};
    for (const [k, g] of Object.entries(grads)) clipped[k] = tf.mul(g, scale);
    opt.applyGradients(clipped as TfNs.NamedTensorMap);
  });
  Object.values(grads).forEach((g) => g.dispose());
  Object.values(inputs).forEach((t) => t?.dispose());
  return value;
}

/**
 * Energies of the given poses (default: the native poses) under a trained network.
 *
 * @example
 * ```ts
 * import { loadTf } from "../nn/mod.ts";
 * import { EnergyNet, energies, generateSynthetic, SyntheticConfig } from "./mod.ts";
 * const examples = generateSynthetic(SyntheticConfig.parse({ complexes: 2, mcSamples: 10, langevinSteps: 10 })).map((s) => s.example);
 * const tf = await loadTf();
 * const net = new EnergyNet(tf, { ligandDim: 3, pocketDim: 3 });
 * const e = await energies(tf, net, examples); // -e ranks affinity
 * net.dispose();
 * ```
 */
export async function energies(
  tf: Tf,
  net: EnergyNet,
  examples: BindingExample[],
  poses?: ArrayLike<number>[],
  chunk = 32,
): Promise<number[]> {
  // Padded batches: one set of kernels and one read-back per chunk of complexes.
  const out: number[] = [];
  for (let s = 0; s < examples.length; s += chunk) {
    const group = examples.slice(s, s + chunk);
    const e = tf.tidy(() => {
      const { inputs, poses: batcher } = batchOf(tf, group);
      return net.energyBatch(batcher(group.map((ex, b) => poses?.[s + b] ?? ex.ligand)), inputs);
    });
    out.push(...await e.data());
    e.dispose();
  }
  return out;
}

/**
 * The distance-count contact score (no training): the number of ligand-pocket atom pairs
 * closer than `cutoff` angstrom. Higher means more contacts; it plays the part of -E.
 */
export function contactScore(ex: BindingExample, cutoff = 4.5, pose?: ArrayLike<number>): number {
  const x = pose ?? ex.ligand, c2 = cutoff * cutoff;
  let n = 0;
  for (let i = 0; i < x.length / 3; i++) {
    for (let j = 0; j < ex.pocket.length / 3; j++) {
      const dx = x[3 * i] - ex.pocket[3 * j], dy = x[3 * i + 1] - ex.pocket[3 * j + 1];
      const dz = x[3 * i + 2] - ex.pocket[3 * j + 2];
      if (dx * dx + dy * dy + dz * dz < c2) n++;
    }
  }
  return n;
}
