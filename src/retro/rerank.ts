/**
 * The re-ranking energies over a product's candidate reactant sets C(P), and the dual energy.
 *
 * - Forward energy E_f(P, R) = -s_f(P, R): an MLP on the reaction difference fingerprint
 *   bits(P) - bits(R) (+1 for bits only in P, -1 for bits only in R), trained so that
 *   softmax over C(P) of s_f picks the recorded reactants: p_f(P|R) normalised against the other
 *   candidates of the same product.
 * - Prior E_p(R) = -s_p(R): an MLP on bits(R) and the number of reactant molecules, trained the
 *   same way but blind to P: p(R) restricted to C(P).
 * - Dual: E(R, P) = -(w_b log p_b(R|P) + w_f s_f + w_p s_p), weights learned (see dual.ts).
 * @module
 */
import { SplitMix32 } from "../random/splitmix.ts";
import { z } from "npm:zod@4.6.7";
import { morganBits, type RDKitModule } from "./rdkit.ts";
import { softmaxXent, SparseMlp, type SparseVec } from "./sparse_mlp.ts";

/** Fingerprint settings shared by every energy. */
export const FP = { radius: 2, nBits: 4096 } as const;

/** Product fingerprint bits. */
export function productBits(RDKit: RDKitModule, smiles: string): number[] {
  return morganBits(RDKit, smiles, FP.radius, FP.nBits);
}

/** Forward-model input: the difference fingerprint of P and R. */
export function forwardFeatures(productBitsP: number[], reactantBits: number[]): SparseVec {
  const p = new Set(productBitsP), r = new Set(reactantBits);
  const idx: number[] = [], val: number[] = [];
  for (const b of productBitsP) {
    if (!r.has(b)) {
      idx.push(b);
      val.push(1);
    }
  }
  for (const b of reactantBits) {
    if (!p.has(b)) {
      idx.push(b);
      val.push(-1);
    }
  }
  return { idx: Int32Array.from(idx), val: Float32Array.from(val) };
}

/** Prior input: reactant-set bits and a one-hot of the molecule count (1..5+). */
export function priorFeatures(reactantBits: number[], numMolecules: number): SparseVec {
  const idx = [...reactantBits, FP.nBits + Math.min(Math.max(numMolecules, 1), 5) - 1];
  return { idx: Int32Array.from(idx), val: new Float32Array(idx.length).fill(1) };
}

/** Input width of the prior. */
export const PRIOR_INPUTS = FP.nBits + 5;

/** A product's candidates as model inputs, with the index of the recorded set (-1: absent). */
export interface CandidateGroup {
  xs: SparseVec[];
  target: number;
}

/** Scorer settings. */
export const ScorerConfig = z.object({
  hidden: z.number().int().positive().default(128),
  epochs: z.number().int().positive().default(4),
  batch: z.number().int().positive().default(16),
  lr: z.number().positive().default(1e-3),
  decay: z.number().nonnegative().default(0),
  seed: z.number().int().nonnegative().default(0),
});
/** Parsed scorer settings. */
export type ScorerConfig = z.infer<typeof ScorerConfig>;

/** The scalar score s(x) of a one-output MLP. */
export function score(mlp: SparseMlp, x: SparseVec): number {
  return mlp.logits(mlp.hidden(x), [0])[0];
}

/**
 * Trains a scalar scorer with a softmax over each group's candidates (groups whose recorded set is
 * absent carry no signal and are skipped). Seeded.
 *
 * @example
 * ```ts
 * import { score, ScorerConfig, trainScorer } from "./rerank.ts";
 * import { bitsVec } from "./sparse_mlp.ts";
 * const g = { xs: [bitsVec([1]), bitsVec([2])], target: 0 };
 * const mlp = trainScorer([g], 4, ScorerConfig.parse({ epochs: 30, hidden: 4 }));
 * score(mlp, bitsVec([1])) > score(mlp, bitsVec([2])); // true
 * ```
 */
export function trainScorer(
  groups: CandidateGroup[],
  inputs: number,
  cfg: ScorerConfig,
  onProgress?: (done: number, total: number) => void,
): SparseMlp {
  const mlp = new SparseMlp({ inputs, hidden: cfg.hidden, outputs: 1 }, cfg.seed);
  const usable = groups.filter((g) => g.target >= 0 && g.xs.length > 1);
  const total = cfg.epochs * usable.length;
  for (let epoch = 0; epoch < cfg.epochs; epoch++) {
    const rng = new SplitMix32(cfg.seed * 1000 + epoch + 7);
    const rand = () => rng.uniform();
    const order = [...usable.keys()];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (let b0 = 0; b0 < order.length; b0 += cfg.batch) {
      const grads = mlp.newGrads();
      const batch = order.slice(b0, b0 + cfg.batch);
      for (const gi of batch) {
        const g = usable[gi];
        const hs = g.xs.map((x) => mlp.hidden(x));
        const zs = Float32Array.from(hs.map((h) => mlp.logits(h, [0])[0]));
        const dz = new Float32Array(zs.length);
        softmaxXent(zs, g.target, dz);
        g.xs.forEach((x, k) => mlp.backward(x, hs[k], [0], dz.subarray(k, k + 1), grads));
      }
      mlp.step(grads, cfg.lr, batch.length, cfg.decay);
      onProgress?.(epoch * usable.length + b0 + batch.length, total);
    }
  }
  return mlp;
}
