/**
 * Language models on tfjs: a Llama-style decoder baseline and the layers of causal energy
 * minimisation (CEM, arXiv 2605.07588), each CEM sub-layer a preconditioned descent step on an
 * explicit conditional energy; training, checkpoints, generation and the CEM study.
 *
 * @example
 * ```ts
 * import { buildModelConfig, CEM_BLOCK, parameterCount } from "./mod.ts";
 * const m = buildModelConfig({ vocabSize: 65, dModel: 128, nHeads: 4, nLayers: 4, context: 128 }, CEM_BLOCK);
 * console.log(parameterCount(m).nonEmbedding); // 663680
 * ```
 * @module
 */
export * from "./config.ts";
export * from "./tokenizer.ts";
export * from "./layers.ts";
export * from "./energy.ts";
export * from "./model.ts";
export * from "./optim.ts";
export * from "./data.ts";
export * from "./checkpoint.ts";
export * from "./generate.ts";
export * from "./flops.ts";
export * from "./train.ts";
export * from "./study.ts";
export * from "./demo.ts";
