/**
 * The template backward energy E_b(T, P) = -log p(T|P): a sparse fingerprint MLP (product Morgan
 * bits -> hidden -> one logit per library template), NeuralSym-like. Training uses a softmax over
 * the true template, hard negatives (templates of the product's nearest training products,
 * leave-one-out) and uniformly drawn templates; prediction scores the whole library. Candidates
 * are the distinct reactant sets from applying the top templates, scored by
 * log p_b(R|P) = logsumexp over templates T giving R of [log p(T|P) - log(#outcomes of T)].
 * @module
 */
import { SplitMix32 } from "../random/splitmix.ts";
import { z } from "npm:zod@4.6.7";
import { BitIndex } from "./knn.ts";
import { bitsVec, logSoftmax, softmaxXent, SparseMlp } from "./sparse_mlp.ts";
import { applyTemplate, type TemplateCache } from "./template_apply.ts";

/** Backward-model settings. */
export const BackwardConfig = z.object({
  hidden: z.number().int().positive().default(256),
  epochs: z.number().int().positive().default(4),
  batch: z.number().int().positive().default(32),
  lr: z.number().positive().default(1e-3),
  decay: z.number().nonnegative().default(0),
  /** Neighbour products whose templates serve as hard negatives. */
  neighbours: z.number().int().nonnegative().default(50),
  hardNegatives: z.number().int().nonnegative().default(48),
  randomNegatives: z.number().int().nonnegative().default(48),
  /**
   * Train the softmax over the whole library (as prediction scores it) instead of the true
   * template and the sampled negatives above.
   */
  fullSoftmax: z.boolean().default(false),
  /** Dropout probability on the hidden layer during training (NeuralSym uses dropout too). */
  dropout: z.number().min(0).lt(1).default(0),
  seed: z.number().int().nonnegative().default(0),
});
/** Parsed backward-model settings. */
export type BackwardConfig = z.infer<typeof BackwardConfig>;

/** One training example: product fingerprint bits and its template's library index. */
export interface BackwardExample {
  bits: number[];
  template: number;
}

/** Hard negatives per example: templates of its nearest other training products. */
export function hardNegatives(
  examples: BackwardExample[],
  nBits: number,
  neighbours: number,
  max: number,
): number[][] {
  const index = new BitIndex(examples.map((e) => e.bits), nBits);
  return examples.map((e, i) => {
    const out: number[] = [];
    const seen = new Set<number>([e.template]);
    for (const n of index.nearest(e.bits, neighbours, i)) {
      const t = examples[n.item].template;
      if (!seen.has(t)) {
        seen.add(t);
        out.push(t);
        if (out.length >= max) break;
      }
    }
    return out;
  });
}

/** Progress and checkpoint hooks of {@link trainBackward}. */
export interface TrainHooks {
  /** Called after each epoch with the mean loss; may save a checkpoint. */
  onEpoch?: (epoch: number, loss: number, mlp: SparseMlp) => Promise<void> | void;
  onProgress?: (done: number, total: number) => void;
  /** Resume: a model already trained for `startEpoch` epochs. */
  start?: { mlp: SparseMlp; epoch: number };
}

/**
 * Trains the template classifier (seeded: same examples and config, same weights).
 *
 * @example
 * ```ts
 * import { BackwardConfig, trainBackward } from "./backward.ts";
 * const ex = [{ bits: [1, 2], template: 0 }, { bits: [3], template: 1 }];
 * const mlp = await trainBackward(ex, 2, 8, BackwardConfig.parse({ epochs: 20, hidden: 8 }));
 * ```
 */
export async function trainBackward(
  examples: BackwardExample[],
  numTemplates: number,
  nBits: number,
  cfg: BackwardConfig,
  hooks: TrainHooks = {},
): Promise<SparseMlp> {
  const mlp = hooks.start?.mlp ??
    new SparseMlp({ inputs: nBits, hidden: cfg.hidden, outputs: numTemplates }, cfg.seed);
  const hard = cfg.fullSoftmax
    ? []
    : hardNegatives(examples, nBits, cfg.neighbours, cfg.hardNegatives);
  const xs = examples.map((e) => bitsVec(e.bits));
  const total = cfg.epochs * examples.length;
  for (let epoch = hooks.start?.epoch ?? 0; epoch < cfg.epochs; epoch++) {
    const rng = new SplitMix32(cfg.seed * 1000 + epoch + 1);
    const rand = () => rng.uniform();
    const order = shuffled(examples.length, rand);
    let lossSum = 0;
    for (let b0 = 0; b0 < order.length; b0 += cfg.batch) {
      const grads = mlp.newGrads();
      const batch = order.slice(b0, b0 + cfg.batch);
      for (const i of batch) {
        const outs = cfg.fullSoftmax
          ? allOutputs(numTemplates, examples[i].template)
          : sampledOutputs(examples[i].template, hard[i], cfg.randomNegatives, numTemplates, rand);
        const h = mlp.hidden(xs[i], { p: cfg.dropout, rand });
        const zs = mlp.logits(h, outs);
        const dz = new Float32Array(zs.length);
        lossSum += softmaxXent(zs, 0, dz);
        mlp.backward(xs[i], h, outs, dz, grads, cfg.dropout);
      }
      mlp.step(grads, cfg.lr, batch.length, cfg.decay);
      hooks.onProgress?.(epoch * examples.length + b0 + batch.length, total);
    }
    await hooks.onEpoch?.(epoch + 1, lossSum / examples.length, mlp);
  }
  return mlp;
}

/** Every template index, the true one first (the full softmax's output order). */
function allOutputs(n: number, target: number): Int32Array {
  const outs = new Int32Array(n);
  outs[0] = target;
  for (let t = 0, k = 1; t < n; t++) if (t !== target) outs[k++] = t;
  return outs;
}

/** The true template, its hard negatives, then up to `random` uniformly drawn templates. */
function sampledOutputs(
  target: number,
  hard: number[],
  random: number,
  n: number,
  rand: () => number,
): number[] {
  const outs = [target, ...hard];
  const seen = new Set(outs);
  for (let r = 0; r < random; r++) {
    const t = Math.floor(rand() * n);
    if (!seen.has(t)) {
      seen.add(t);
      outs.push(t);
    }
  }
  return outs;
}

function shuffled(n: number, rand: () => number): number[] {
  const a = [...Array(n).keys()];
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** log p(T|P) over the whole library. */
export function templateLogProbs(mlp: SparseMlp, bits: number[]): Float64Array {
  return logSoftmax(mlp.logits(mlp.hidden(bitsVec(bits))));
}

/** A proposed reactant set with its backward score. */
export interface Candidate {
  /** Canonical reactant set. */
  reactants: string;
  /** log p_b(R|P). */
  logPb: number;
  /** Library indices of the templates that give it. */
  templates: number[];
}

/** Options of {@link propose}. */
export interface ProposeOptions {
  /** Templates tried, best first (default 50). */
  topTemplates?: number;
  /** Candidates kept (default 50). */
  maxCandidates?: number;
}

/**
 * Applies the `topTemplates` most probable templates to `product` and returns the distinct
 * reactant sets, best first by log p_b(R|P).
 */
export function propose(
  cache: TemplateCache,
  templates: string[],
  logp: Float64Array,
  product: string,
  opts: ProposeOptions = {},
): Candidate[] {
  const k = Math.min(opts.topTemplates ?? 50, logp.length);
  const order = topK(logp, k);
  const byR = new Map<string, { terms: number[]; templates: number[] }>();
  for (const t of order) {
    const outs = applyTemplate(cache, templates[t], product);
    for (const r of outs) {
      let e = byR.get(r);
      if (!e) {
        e = { terms: [], templates: [] };
        byR.set(r, e);
      }
      e.terms.push(logp[t] - Math.log(outs.length));
      e.templates.push(t);
    }
  }
  const cands: Candidate[] = [...byR].map(([reactants, e]) => ({
    reactants,
    logPb: logSumExp(e.terms),
    templates: e.templates,
  }));
  cands.sort((a, b) => b.logPb - a.logPb || (a.reactants < b.reactants ? -1 : 1));
  return cands.slice(0, opts.maxCandidates ?? 50);
}

/** Indices of the k largest values, largest first (ties by index). */
export function topK(v: ArrayLike<number>, k: number): number[] {
  const idx = Array.from({ length: v.length }, (_, i) => i);
  idx.sort((a, b) => v[b] - v[a] || a - b);
  return idx.slice(0, k);
}

function logSumExp(xs: number[]): number {
  const m = Math.max(...xs);
  return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0));
}
