/**
 * Shared set-up of the language-model tests: tiny models with random (not initial) parameters, so
 * that every term of the layers (diag(d_k), P, gains) is exercised.
 * @module
 */
import type { Tensor } from "npm:@tensorflow/tfjs@4.22.0";
import { loadTf, type Tf } from "../../src/nn/mod.ts";
import {
  type BlockConfig,
  buildModelConfig,
  type ModelConfig,
  parameterShapes,
} from "../../src/lm/config.ts";
import type { Params } from "../../src/lm/layers.ts";
import { normalArray } from "../../src/random/params.ts";

/** A tiny model with every layer set to `block`. */
export function tinyModel(block: BlockConfig, nLayers = 1): ModelConfig {
  return buildModelConfig(
    { vocabSize: 11, dModel: 8, nHeads: 2, nLayers, mlpHidden: 12, context: 6 },
    block,
  );
}

/** Random normal parameters of scale `scale` (gains near 1), as tf tensors. */
export function randomParams(tf: Tf, model: ModelConfig, seed: number, scale = 0.5): Params {
  const params: Params = {};
  let stream = 100;
  for (const [name, shape] of parameterShapes(model)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const z = normalArray(seed, stream++, n);
    const isGain = name.endsWith("norm");
    const data = Float32Array.from(z, (v) => (isGain ? 1 + 0.2 * v : scale * v));
    params[name] = tf.tensor(data, shape);
  }
  return params;
}

/** A random [B, T, d] state tensor. */
export function randomStates(tf: Tf, b: number, t: number, d: number, seed: number): Tensor {
  return tf.tensor(Float32Array.from(normalArray(seed, 7, b * t * d)), [b, t, d]);
}

/** Largest |a - b| over two tensors' values. */
export async function maxAbsDiff(a: Tensor, b: Tensor): Promise<number> {
  const [x, y] = [await a.data(), await b.data()];
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

/** tfjs on the pure-JS cpu backend (float32, deterministic). */
export function cpuTf(): Promise<Tf> {
  return loadTf("cpu");
}
