/**
 * FLOPs per token of the matrix products (2 per multiply-add), forward pass, at full context:
 * a training step costs about three forward passes (forward, and two products per weight in the
 * backward pass). Element-wise work (norms, softmax, RoPE) is left out.
 * @module
 */
import type { ModelConfig } from "./config.ts";

/**
 * Forward FLOPs per token.
 *
 * @example
 * ```ts
 * import { buildModelConfig, LLAMA_BLOCK } from "./config.ts";
 * forwardFlopsPerToken(buildModelConfig({ vocabSize: 65, dModel: 128, nHeads: 4, nLayers: 4, context: 128 }, LLAMA_BLOCK));
 * ```
 */
export function forwardFlopsPerToken(m: ModelConfig): number {
  const d = m.dModel, h = m.mlpHidden, t = m.context;
  let f = 2 * d * m.vocabSize; // output logits
  for (const b of m.blocks) {
    const pre = b.precond === "none" ? 0 : b.precond === "diag" ? d : d + 4 * d * b.precondRank;
    if (b.attention === "untied") {
      f += 8 * d * d + 4 * t * d + pre;
    } else {
      const keys = 2 * d * d;
      const perStep = 2 * d * d + 2 * d * d + 4 * t * d + (b.diag ? 4 * t * d * m.nHeads : 0) + pre;
      f += (b.recomputeKeys ? b.steps * keys : keys) + b.steps * perStep;
    }
    if (b.mlp === "swiglu") f += 6 * d * h + pre;
    else f += 2 * d * h + b.steps * (4 * d * h + pre);
  }
  return f;
}

/** Training FLOPs per token (three forward passes). */
export function trainFlopsPerToken(m: ModelConfig): number {
  return 3 * forwardFlopsPerToken(m);
}
