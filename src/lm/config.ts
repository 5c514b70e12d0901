/**
 * Language-model configuration: model shape, per-block layer choices (Llama-style baseline or the
 * CEM layers of arXiv 2605.07588), presets and parameter matching.
 * @module
 */
import { z } from "npm:zod@4.6.7";

/** Layer choices of one block (see `../shared/reference/cem.md`). */
export const BlockSchema = z.strictObject({
  /** "untied": Q, K, V, O; "tied": V = K and O = Q^T (a gradient step on the attention energy). */
  attention: z.enum(["untied", "tied"]),
  /** Add diag(d_k) to each head's interaction matrix (tied attention only). */
  diag: z.boolean(),
  /** "swiglu": gate, up, down; "tied": down = gate^T (a gradient step on the MLP energy). */
  mlp: z.enum(["swiglu", "tied"]),
  /** Preconditioner P on both residual updates: none, diag(p), or diag(p) + U U^T. */
  precond: z.enum(["none", "diag", "diag_lowrank"]),
  /** Rank r of U in diag(p) + U U^T. */
  precondRank: z.number().int().min(1).max(64),
  /** Descent steps T inside each sub-layer, sharing weights (tied layers only when T > 1). */
  steps: z.number().int().min(1).max(4),
  /** Recursion option (b): all states move and keys are recomputed at each step. */
  recomputeKeys: z.boolean(),
  /** Step size eta (fixed; P, when present, learns the scale). */
  eta: z.number().positive(),
  /**
   * Learned positive weight per head in the tied-attention energy, E = sum_k w_k E_k (a step
   * size per head). Tying W_O = W_Q^T couples a head's output scale to its attention
   * sharpness; w_k decouples them at nHeads parameters per layer. Absent: false.
   */
  headWeights: z.boolean().optional(),
});

/** Layer choices of one block. */
export type BlockConfig = z.infer<typeof BlockSchema>;

/** Model shape and one block config per layer. */
export const ModelSchema = z.strictObject({
  vocabSize: z.number().int().min(2).max(1 << 16),
  dModel: z.number().int().min(2).max(4096),
  nHeads: z.number().int().min(1).max(64),
  nLayers: z.number().int().min(1).max(64),
  mlpHidden: z.number().int().min(1).max(65536),
  context: z.number().int().min(2).max(8192),
  blocks: z.array(BlockSchema).min(1),
}).superRefine((m, ctx) => {
  const fail = (message: string) => ctx.addIssue({ code: "custom", message });
  if (m.dModel % m.nHeads !== 0) fail(`dModel ${m.dModel} is not a multiple of nHeads`);
  if ((m.dModel / m.nHeads) % 2 !== 0) fail("head width dModel/nHeads must be even (RoPE)");
  if (m.blocks.length !== m.nLayers) {
    fail(`blocks has ${m.blocks.length} entries: expected nLayers`);
  }
  m.blocks.forEach((b, i) => {
    if (b.diag && b.attention !== "tied") fail(`block ${i}: diag needs tied attention`);
    if (b.headWeights && b.attention !== "tied") {
      fail(`block ${i}: headWeights needs tied attention`);
    }
    if (b.steps > 1 && (b.attention !== "tied" || b.mlp !== "tied")) {
      fail(`block ${i}: steps > 1 needs tied attention and tied MLP (an energy to descend)`);
    }
  });
});

/** A language model's configuration. */
export type ModelConfig = z.infer<typeof ModelSchema>;

/** The Llama-style block: untied attention, SwiGLU, no preconditioner, one step. */
export const LLAMA_BLOCK: BlockConfig = {
  attention: "untied",
  diag: false,
  mlp: "swiglu",
  precond: "none",
  precondRank: 4,
  steps: 1,
  recomputeKeys: false,
  eta: 1,
};

/** Full CEM: tied attention with diag(d_k), tied MLP, diag + low-rank P, T = 2. */
export const CEM_BLOCK: BlockConfig = {
  attention: "tied",
  diag: true,
  mlp: "tied",
  precond: "diag_lowrank",
  precondRank: 4,
  steps: 2,
  recomputeKeys: false,
  eta: 1,
};

/** The study's variants, each a block config. */
export const VARIANTS: Record<string, BlockConfig> = {
  baseline: LLAMA_BLOCK,
  tied_attn: { ...LLAMA_BLOCK, attention: "tied" },
  tied_mlp: { ...LLAMA_BLOCK, mlp: "tied" },
  cem_base: { ...LLAMA_BLOCK, attention: "tied", mlp: "tied" },
  cem_diag: { ...LLAMA_BLOCK, attention: "tied", mlp: "tied", diag: true },
  cem_precond: { ...LLAMA_BLOCK, attention: "tied", mlp: "tied", precond: "diag_lowrank" },
  cem_t2: { ...LLAMA_BLOCK, attention: "tied", mlp: "tied", steps: 2 },
  full_cem: CEM_BLOCK,
};

/** Architecture names accepted by `lm train --arch`. */
export type Arch = "llama" | "cem";

/** Shape options of {@link buildModelConfig}. */
export interface ShapeOptions {
  vocabSize: number;
  dModel: number;
  nHeads: number;
  nLayers: number;
  /** MLP hidden width (default 4 dModel). */
  mlpHidden?: number;
  context: number;
}

/**
 * A model config with the same block in every layer, checked.
 *
 * @example
 * ```ts
 * const m = buildModelConfig({ vocabSize: 65, dModel: 64, nHeads: 4, nLayers: 2, context: 64 }, CEM_BLOCK);
 * ```
 */
export function buildModelConfig(shape: ShapeOptions, block: BlockConfig): ModelConfig {
  return ModelSchema.parse({
    ...shape,
    mlpHidden: shape.mlpHidden ?? 4 * shape.dModel,
    blocks: Array.from({ length: shape.nLayers }, () => ({ ...block })),
  });
}

/** Parameters of each named tensor (embedding included), from the config alone. */
export function parameterShapes(m: ModelConfig): Map<string, number[]> {
  const d = m.dModel, h = m.mlpHidden;
  const s = new Map<string, number[]>([["emb", [m.vocabSize, d]]]);
  m.blocks.forEach((b, i) => {
    const p = `b${i}.`;
    s.set(p + "attn_norm", [d]);
    s.set(p + "wq", [d, d]);
    s.set(p + "wk", [d, d]);
    if (b.attention === "untied") {
      s.set(p + "wv", [d, d]);
      s.set(p + "wo", [d, d]);
    }
    if (b.diag) s.set(p + "diag", [m.nHeads, d]);
    if (b.headWeights && b.attention === "tied") s.set(p + "head_w", [m.nHeads]);
    s.set(p + "mlp_norm", [d]);
    s.set(p + "w_gate", [d, h]);
    s.set(p + "w_up", [d, h]);
    if (b.mlp === "swiglu") s.set(p + "w_down", [h, d]);
    for (const sub of ["attn", "mlp"]) {
      if (b.precond !== "none") s.set(`${p}${sub}_p`, [d]);
      if (b.precond === "diag_lowrank") s.set(`${p}${sub}_u`, [d, b.precondRank]);
    }
  });
  s.set("final_norm", [d]);
  return s;
}

/** Parameter counts: total, embedding, and non-embedding. */
export function parameterCount(
  m: ModelConfig,
): { total: number; embedding: number; nonEmbedding: number } {
  let total = 0;
  for (const shape of parameterShapes(m).values()) total += shape.reduce((a, b) => a * b, 1);
  const embedding = m.vocabSize * m.dModel;
  return { total, embedding, nonEmbedding: total - embedding };
}

/**
 * The MLP width that brings `m`'s non-embedding parameter count closest to `target` (the
 * "matched parameters" setting widens the CEM MLP).
 */
export function matchMlpHidden(m: ModelConfig, target: number): number {
  const base = parameterCount({ ...m, mlpHidden: 1 }).nonEmbedding;
  const perUnit = parameterCount({ ...m, mlpHidden: 2 }).nonEmbedding - base;
  return Math.max(1, Math.round((target - base) / perUnit) + 1);
}
