/**
 * Text generation from a trained model: autoregressive sampling with temperature and top-k,
 * seeded (Philox), over a sliding window of the model's context.
 * @module
 */
import type { Tf } from "../nn/tf.ts";
import { uniformArray } from "../random/params.ts";
import type { ModelConfig } from "./config.ts";
import type { Params } from "./layers.ts";
import { logits } from "./model.ts";

/** Sampling settings. */
export interface GenerateOptions {
  /** Tokens to generate. */
  length: number;
  /** Softmax temperature (> 0). */
  temperature: number;
  /** Keep only the k most likely tokens (0: all). */
  topK: number;
  seed: number;
}

/**
 * Draws one token from `row` (logits) with temperature and top-k, using uniform `u` in [0, 1).
 *
 * @example
 * ```ts
 * sampleToken(new Float32Array([0, 5, 1]), 1, 1, 0.3); // 1 (top-1 is greedy)
 * ```
 */
export function sampleToken(
  row: ArrayLike<number>,
  temperature: number,
  topK: number,
  u: number,
): number {
  const idx = Array.from({ length: row.length }, (_, i) => i).sort((a, b) =>
    row[b] - row[a] || a - b
  );
  const keep = topK > 0 ? idx.slice(0, Math.min(topK, idx.length)) : idx;
  const top = row[keep[0]];
  const w = keep.map((i) => Math.exp((row[i] - top) / temperature));
  const total = w.reduce((a, b) => a + b, 0);
  let acc = 0;
  for (let k = 0; k < keep.length; k++) {
    acc += w[k] / total;
    if (u < acc) return keep[k];
  }
  return keep[keep.length - 1];
}

/** Continues `prompt` (token ids, at least one) by `opts.length` tokens. */
export async function generateTokens(
  tf: Tf,
  model: ModelConfig,
  params: Params,
  prompt: ArrayLike<number>,
  opts: GenerateOptions,
): Promise<number[]> {
  const out = Array.from(prompt);
  const draws = uniformArray(opts.seed, 77, opts.length);
  for (let s = 0; s < opts.length; s++) {
    const window = out.slice(-model.context);
    const lg = tf.tidy(() => {
      const all = logits(tf, model, params, tf.tensor2d([window], [1, window.length], "int32"));
      return tf.slice(all, [window.length - 1, 0], [1, model.vocabSize]);
    });
    const row = await lg.data();
    lg.dispose();
    out.push(sampleToken(row, opts.temperature, opts.topK, draws[s]));
  }
  return out.slice(prompt.length);
}
