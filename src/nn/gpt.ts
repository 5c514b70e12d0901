/**
 * A small causal Transformer (pre-RMSNorm GPT with SwiGLU MLPs) on tfjs, used to measure and to
 * test the tfjs layer: the benchmark model of docs/PERFORMANCE.md (d = 128, 4 layers, 4 heads,
 * context 128, vocabulary 65, 1.08 M parameters) and the data-parallel trainer's replica.
 *
 * Every product with a weight runs on 2-D activations [B*T, d] (the fast path); attention uses
 * 4-D [B, H, T, d/H] products and 4-D transposes only (the wasm 5-D transpose is slow).
 * Parameters are drawn from our own seeded RNG, so a seed gives the same model everywhere.
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { SplitMix32 } from "../models/continuous/prng.ts";
import type { Tf } from "./tf.ts";

type T = ReturnType<Tf["tensor"]>;
type Variable = ReturnType<Tf["variable"]>;

/** Model shape and initialisation seed. */
export const GptConfigSchema = z.object({
  vocab: z.number().int().min(2),
  dModel: z.number().int().min(1),
  layers: z.number().int().min(1),
  heads: z.number().int().min(1),
  context: z.number().int().min(1),
  /** SwiGLU hidden width (default 4 dModel). */
  hidden: z.number().int().min(1).optional(),
  seed: z.number().int(),
}).refine((c) => c.dModel % c.heads === 0, { message: "dModel must be a multiple of heads" });
/** Model shape and initialisation seed. */
export type GptConfig = z.infer<typeof GptConfigSchema>;

/** The benchmark model of issue 13: 1,082,752 parameters. */
export const BENCH_GPT: GptConfig = {
  vocab: 65,
  dModel: 128,
  layers: 4,
  heads: 4,
  context: 128,
  hidden: 512,
  seed: 1,
};

/** Parameter names and shapes, in a fixed order (the order gradients are exchanged in). */
export function gptShapes(cfg: GptConfig): [string, number[]][] {
  const d = cfg.dModel, h = cfg.hidden ?? 4 * d;
  const shapes: [string, number[]][] = [["tok", [cfg.vocab, d]], ["pos", [cfg.context, d]]];
  for (let l = 0; l < cfg.layers; l++) {
    shapes.push(
      [`l${l}.norm1`, [d]],
      [`l${l}.qkv`, [d, 3 * d]],
      [`l${l}.out`, [d, d]],
      [`l${l}.norm2`, [d]],
      [`l${l}.gate`, [d, h]],
      [`l${l}.up`, [d, h]],
      [`l${l}.down`, [h, d]],
    );
  }
  shapes.push(["normf", [d]], ["head", [d, cfg.vocab]]);
  return shapes;
}

/** Initial parameter values: norms 1, embeddings N(0, 0.02^2), matrices N(0, 1/fan_in). */
export function gptInitialValues(cfg: GptConfig): Float32Array[] {
  const rng = new SplitMix32(cfg.seed);
  return gptShapes(cfg).map(([name, shape]) => {
    const size = shape.reduce((p, d) => p * d, 1);
    if (shape.length === 1) return new Float32Array(size).fill(1);
    const out = rng.fillNormal(new Float32Array(size));
    const scale = name === "tok" || name === "pos" ? 0.02 : 1 / Math.sqrt(shape[0]);
    for (let i = 0; i < size; i++) out[i] *= scale;
    return out;
  });
}

/** A model replica: tfjs variables plus the constant causal mask. */
export interface Gpt {
  readonly cfg: GptConfig;
  readonly params: Variable[];
  readonly mask: T;
  dispose(): void;
}

/**
 * Creates the model's variables from {@link gptInitialValues} (or given values).
 *
 * @example
 * ```ts
 * const tf = await loadTf();
 * const gpt = createGpt(tf, { ...BENCH_GPT, layers: 1 });
 * gpt.params.length; // 11
 * gpt.dispose();
 * ```
 */
export function createGpt(tf: Tf, cfg: GptConfig, values = gptInitialValues(cfg)): Gpt {
  GptConfigSchema.parse(cfg);
  const params = gptShapes(cfg).map(([name, shape], i) =>
    tf.variable(tf.tensor(values[i], shape), true, `gpt.${cfg.seed}.${name}.${nextId++}`)
  );
  const t = cfg.context;
  const mask = tf.tidy(() =>
    tf.mul(tf.sub(tf.linalg.bandPart(tf.ones([t, t]), -1, 0), 1), 1e9).reshape([1, 1, t, t])
  );
  return { cfg, params, mask, dispose: () => tf.dispose([...params, mask]) };
}
let nextId = 0;

function rmsNorm(tf: Tf, x: T, g: T): T {
  return tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), 1e-6))), g);
}

/**
 * Mean next-token cross-entropy of `batch` sequences: `tokens` and `targets` hold
 * batch x context ids, row-major.
 */
export function gptLoss(tf: Tf, gpt: Gpt, tokens: T, targets: T, batch: number): T {
  const { cfg, params, mask } = gpt;
  const d = cfg.dModel, t = cfg.context, nh = cfg.heads, dh = d / nh, rows = batch * t;
  let i = 0;
  const next = () => params[i++];
  const tok = next(), pos = next();
  let x = tf.add(
    tf.reshape(tf.gather(tok, tf.reshape(tokens, [rows])), [batch, t, d]),
    pos,
  ).reshape([rows, d]);
  const heads = (m: T) => tf.transpose(tf.reshape(m, [batch, t, nh, dh]), [0, 2, 1, 3]);
  for (let l = 0; l < cfg.layers; l++) {
    const [norm1, qkv, out, norm2, gate, up, down] = Array.from({ length: 7 }, next);
    const [q, k, v] = tf.split(tf.matMul(rmsNorm(tf, x, norm1), qkv), 3, 1).map(heads);
    const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dh)), mask);
    const att = tf.matMul(tf.softmax(scores), v); // [B, H, T, dh]
    const merged = tf.reshape(tf.transpose(att, [0, 2, 1, 3]), [rows, d]);
    x = tf.add(x, tf.matMul(merged, out));
    const h = rmsNorm(tf, x, norm2);
    const g = tf.matMul(h, gate);
    x = tf.add(x, tf.matMul(tf.mul(tf.mul(g, tf.sigmoid(g)), tf.matMul(h, up)), down));
  }
  const normf = next(), head = next();
  const logits = tf.matMul(rmsNorm(tf, x, normf), head); // [B*T, V]
  const picked = tf.sum(tf.mul(logits, tf.oneHot(tf.reshape(targets, [rows]), cfg.vocab)), 1);
  return tf.mean(tf.sub(tf.logSumExp(logits, 1), picked));
}

/** Loss and gradients (in {@link gptShapes} order) of one batch. */
export function gptGradients(
  tf: Tf,
  gpt: Gpt,
  tokens: Int32Array,
  targets: Int32Array,
  batch: number,
): { loss: number; grads: T[] } {
  const shape = [batch, gpt.cfg.context];
  const tk = tf.tensor2d(tokens, shape as [number, number], "int32");
  const tg = tf.tensor2d(targets, shape as [number, number], "int32");
  const { value, grads } = tf.variableGrads(
    () => gptLoss(tf, gpt, tk, tg, batch) as ReturnType<Tf["scalar"]>,
    gpt.params,
  );
  const loss = value.dataSync()[0];
  tf.dispose([tk, tg, value]);
  return { loss, grads: gpt.params.map((p) => grads[p.name]) };
}

/**
 * Single-process trainer: Adam on the full batch each step.
 *
 * @example
 * ```ts
 * const tf = await loadTf();
 * const trainer = new GptTrainer(tf, { ...BENCH_GPT, layers: 1, context: 8 }, 1e-3);
 * const loss = trainer.step(new Int32Array(16), new Int32Array(16), 2);
 * trainer.dispose();
 * ```
 */
export class GptTrainer {
  readonly gpt: Gpt;
  readonly #tf: Tf;
  readonly #optimizer: ReturnType<Tf["train"]["adam"]>;

  constructor(tf: Tf, cfg: GptConfig, learningRate: number, values?: Float32Array[]) {
    this.#tf = tf;
    this.gpt = createGpt(tf, cfg, values);
    this.#optimizer = tf.train.adam(learningRate, 0.9, 0.999, 1e-8);
  }

  /** One step on `batch` sequences; returns the loss before the update. */
  step(tokens: Int32Array, targets: Int32Array, batch: number): number {
    const { loss, grads } = gptGradients(this.#tf, this.gpt, tokens, targets, batch);
    this.apply(grads);
    return loss;
  }

  /** Applies gradients (in parameter order) with Adam and disposes them. */
  apply(grads: T[]): void {
    const named = this.gpt.params.map((p, i) => ({ name: p.name, tensor: grads[i] }));
    this.#optimizer.applyGradients(named);
    this.#tf.dispose(grads);
  }

  /** Current parameter values. */
  values(): Float32Array[] {
    return this.gpt.params.map((p) => p.dataSync() as Float32Array);
  }

  dispose(): void {
    this.#optimizer.dispose();
    this.gpt.dispose();
  }
}

/** Random token data for throughput runs: `batch` rows of context + 1 ids, split. */
export function randomTokens(
  cfg: GptConfig,
  batch: number,
  seed: number,
): { tokens: Int32Array; targets: Int32Array } {
  const rng = new SplitMix32(seed);
  const t = cfg.context, tokens = new Int32Array(batch * t), targets = new Int32Array(batch * t);
  for (let b = 0; b < batch; b++) {
    let prev = rng.nextU32() % cfg.vocab;
    for (let i = 0; i < t; i++) {
      const nxt = rng.nextU32() % cfg.vocab;
      tokens[b * t + i] = prev;
      targets[b * t + i] = nxt;
      prev = nxt;
    }
  }
  return { tokens, targets };
}
