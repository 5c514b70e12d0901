/**
 * A short showcase of the CEM language-model layers for `cli.ts demo`: the closed-form updates
 * against autodiff of their explicit energies, the parameter savings, and a tiny full-CEM model
 * learning a sentence.
 * @module
 */
import type { Tensor } from "npm:@tensorflow/tfjs@4.22.0";
import { loadTf } from "../nn/tf.ts";
import { normalArray } from "../random/params.ts";
import {
  buildModelConfig,
  CEM_BLOCK,
  LLAMA_BLOCK,
  parameterCount,
  parameterShapes,
} from "./config.ts";
import { makeCorpus } from "./data.ts";
import { attentionEnergy, mlpEnergy } from "./energy.ts";
import { applyPrecond, attentionUpdate, mlpUpdate, type Params, rmsNorm } from "./layers.ts";
import { layerContext } from "./model.ts";
import { disposeTrainer, makeTrainer, TrainConfigSchema, trainStep } from "./train.ts";
import { decode } from "./tokenizer.ts";
import { generateTokens } from "./generate.ts";

/**
 * Prints the showcase (about 10 s on one core).
 *
 * @example
 * ```ts ignore
 * await demoSection(console.log); // about 10 s: trains a tiny model
 * ```
 */
export async function demoSection(print: (line: string) => void): Promise<void> {
  print("CEM language models (arXiv 2605.07588): each layer is a descent step on an energy");
  const tf = await loadTf("cpu");
  // 1. Closed form = -eta P grad E (autodiff of the explicit energy; phi by quadrature).
  const block = { ...CEM_BLOCK, steps: 1 };
  const model = buildModelConfig({
    vocabSize: 8,
    dModel: 8,
    nHeads: 2,
    nLayers: 1,
    mlpHidden: 12,
    context: 6,
  }, block);
  const gaps = tf.tidy(() => {
    const params: Params = {};
    let stream = 1;
    for (const [name, shape] of parameterShapes(model)) {
      const z = normalArray(5, stream++, shape.reduce((a, b) => a * b, 1));
      params[name] = tf.tensor(
        Float32Array.from(z, (v) => (name.endsWith("norm") ? 1 : 0.5 * v)),
        shape,
      );
    }
    const ctx = layerContext(tf, model, params, 6);
    const n = rmsNorm(
      tf,
      tf.tensor(Float32Array.from(normalArray(6, 0, 48)), [1, 6, 8]),
      params["b0.attn_norm"],
    );
    const step = (sub: string, energy: (u: Tensor, c: Tensor) => Tensor) => {
      const g = tf.grad((v: Tensor) => tf.sum(energy(v, n)))(tf.clone(n));
      return tf.neg(
        tf.reshape(applyPrecond(ctx, `b0.${sub}`, block, tf.reshape(g, [6, 8])), [1, 6, 8]),
      );
    };
    const a = tf.max(
      tf.abs(tf.sub(
        attentionUpdate(ctx, 0, n),
        step("attn", (u, c) => attentionEnergy(ctx, 0, u, c)),
      )),
    );
    const m = tf.max(
      tf.abs(tf.sub(mlpUpdate(ctx, 0, n), step("mlp", (u, c) => mlpEnergy(ctx, 0, u, c)))),
    );
    return tf.stack([a, m]);
  });
  const [ga, gm] = await gaps.data();
  gaps.dispose();
  print(
    `  closed form vs -P grad E by autodiff: attention ${ga.toExponential(1)}, MLP ${
      gm.toExponential(1)
    } (max abs)`,
  );
  // 2. Parameters at d = 128, 4 layers.
  const shape = { vocabSize: 65, dModel: 128, nHeads: 4, nLayers: 4, context: 128 };
  const base = parameterCount(buildModelConfig(shape, LLAMA_BLOCK)).nonEmbedding;
  const cem = parameterCount(buildModelConfig(shape, CEM_BLOCK)).nonEmbedding;
  print(
    `  non-embedding parameters at d = 128, 4 layers: Llama ${base.toLocaleString("en-US")}, ` +
      `full CEM ${cem.toLocaleString("en-US")} (${(100 * cem / base).toFixed(1)} %)`,
  );
  // 3. A tiny full-CEM model learns a sentence.
  const wasm = await loadTf("wasm");
  const text = "The quick brown fox jumps over the lazy dog. ".repeat(8);
  const cfg = TrainConfigSchema.parse({
    arch: "cem",
    dModel: 32,
    nHeads: 2,
    nLayers: 1,
    context: 24,
    batch: 8,
    steps: 80,
    lr: 1e-2,
    warmup: 10,
    weightDecay: 0,
  });
  const corpus = makeCorpus(text, "char", cfg.context, "demo");
  const t = makeTrainer(wasm, cfg, corpus);
  try {
    const t0 = performance.now();
    while (t.opt.step < cfg.steps) await trainStep(t);
    const s = (performance.now() - t0) / 1000;
    const first = t.losses[0], last = t.losses.slice(-5).reduce((a, b) => a + b, 0) / 5;
    print(
      `  tiny full CEM (T = 2, diag, P) on a sentence: loss ${first.toFixed(2)} -> ${
        last.toFixed(3)
      } nats/char in ${cfg.steps} steps (${s.toFixed(1)} s)`,
    );
    const prompt = corpus.train.subarray(0, 4);
    const ids = await generateTokens(wasm, t.model, Object.fromEntries(t.params), prompt, {
      length: 40,
      temperature: 0.5,
      topK: 5,
      seed: 1,
    });
    print(`  sample: ${JSON.stringify(decode(corpus.tokenizer, [...prompt, ...ids]))}`);
  } finally {
    disposeTrainer(t);
  }
}
