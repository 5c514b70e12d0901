/**
 * The decoder-only language model: token embedding, blocks (layers.ts), final RMSNorm, and the
 * output logits through the transposed (tied) embedding. Parameters are drawn from a seed on the
 * CPU, so the same seed gives the same model on every backend.
 * @module
 */
import type { Tensor } from "npm:@tensorflow/tfjs@4.22.0";
import type { Tf } from "../nn/tf.ts";
import { normalArray } from "../random/params.ts";
import { type ModelConfig, parameterShapes } from "./config.ts";
import {
  blockForward,
  type LayerContext,
  type Params,
  positionTables,
  PRECOND_EPS,
  rmsNorm,
} from "./layers.ts";

/** Named float32 arrays with shapes (a model's parameters outside tfjs). */
export type HostTensors = Map<string, { shape: number[]; data: Float32Array }>;

/** softplus^-1(1 - eps): raw preconditioner diagonal for which P starts at the identity. */
const P_RAW_INIT = Math.log(Math.expm1(1 - PRECOND_EPS));
/** Raw head weight whose softplus is 1 (a head weight starts as the plain energy). */
const HEAD_W_RAW_INIT = Math.log(Math.expm1(1));

/**
 * Initial parameters: normal(0, 1/fan_in) matrices, residual outputs scaled by 1/sqrt(2 L),
 * unit norm gains, diag(d_k) = 0, P = I + U U^T with small U.
 *
 * @example
 * ```ts
 * import { buildModelConfig, LLAMA_BLOCK } from "./config.ts";
 * const host = initParameters(buildModelConfig({ vocabSize: 8, dModel: 8, nHeads: 2, nLayers: 1, context: 8 }, LLAMA_BLOCK), 0);
 * ```
 */
export function initParameters(model: ModelConfig, seed: number): HostTensors {
  const out: HostTensors = new Map();
  let stream = 0;
  for (const [name, shape] of parameterShapes(model)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    const leaf = name.split(".").pop()!;
    stream++;
    if (leaf.endsWith("norm")) data.fill(1);
    else if (leaf.endsWith("_p")) data.fill(P_RAW_INIT);
    else if (leaf === "diag") data.fill(0);
    else if (leaf === "head_w") data.fill(HEAD_W_RAW_INIT);
    else {
      let std = 1 / Math.sqrt(shape[0]);
      if (name === "emb") std = 1 / Math.sqrt(model.dModel);
      if (leaf === "wo" || leaf === "w_down") std /= Math.sqrt(2 * model.nLayers);
      if (leaf.endsWith("_u")) std = 0.1 / Math.sqrt(model.dModel);
      const z = normalArray(seed, stream, n);
      for (let i = 0; i < n; i++) data[i] = z[i] * std;
    }
    out.set(name, { shape, data });
  }
  return out;
}

const tables = new Map<string, ReturnType<typeof positionTables>>();

/** A block context for sequence length `t` (RoPE tables and mask cached, kept across tidy). */
export function layerContext(tf: Tf, model: ModelConfig, params: Params, t: number): LayerContext {
  const key = `${tf.getBackend()}:${model.dModel / model.nHeads}:${t}`;
  let tab = tables.get(key);
  if (!tab) {
    tab = positionTables(tf, model, t);
    tf.keep(tab.cos);
    tf.keep(tab.sin);
    tf.keep(tab.mask);
    tables.set(key, tab);
  }
  return { tf, params, model, ...tab };
}

/** Logits [B*T, V] of tokens [B, T] (int32). */
export function logits(tf: Tf, model: ModelConfig, params: Params, tokens: Tensor): Tensor {
  const [b, t] = tokens.shape as number[];
  const ctx = layerContext(tf, model, params, t);
  let x = tf.gather(params.emb, tokens); // [B,T,d]
  for (let i = 0; i < model.nLayers; i++) x = blockForward(ctx, i, x);
  const h = rmsNorm(tf, tf.reshape(x, [b * t, model.dModel]), params.final_norm);
  return tf.matMul(h, params.emb, false, true);
}

/** Mean cross-entropy in nats of logits [N, V] against int32 targets [N]. */
export function crossEntropy(tf: Tf, lg: Tensor, targets: Tensor): Tensor {
  const v = lg.shape[1]!;
  const picked = tf.sum(tf.mul(lg, tf.oneHot(tf.reshape(targets, [-1]), v)), -1);
  return tf.mean(tf.sub(tf.logSumExp(lg, -1), picked));
}

/** Mean next-token loss (nats) of windows [B, T+1]. */
export function windowLoss(tf: Tf, model: ModelConfig, params: Params, windows: Tensor): Tensor {
  const [b, t1] = windows.shape as number[];
  const input = tf.slice(windows, [0, 0], [b, t1 - 1]);
  const target = tf.slice(windows, [0, 1], [b, t1 - 1]);
  return crossEntropy(tf, logits(tf, model, params, input), target);
}
