/**
 * The blocks in closed form: RMSNorm, RoPE, untied (Llama) or tied (CEM) attention with optional
 * diag(d_k) interactions, SwiGLU or tied MLP, preconditioner P = diag(p) + U U^T, and T descent
 * steps inside a sub-layer. Each CEM sub-layer is one or T steps u <- u - eta P grad_u E(u | C)
 * on the energies of `energy.ts`; the tests check the two against each other.
 *
 * Choices left open by the paper (cem.md), as settled here:
 * - normalisation: the context and the query are RMS-normalised (u = norm(x)); the residual stream
 *   receives the total displacement u_T - u_0 of the query;
 * - self-term: x_i is part of its own context as a fixed key (the update is exactly attention);
 * - RoPE: faithful; keys and values are rotated and the output is un-rotated before W_Q^T;
 * - recursion: option (a) keys fixed at the layer input (default), (b) `recomputeKeys`: every
 *   state moves and keys and values are recomputed from the moved states at each step.
 * @module
 */
import type { Tensor } from "npm:@tensorflow/tfjs@4.22.0";
import type { Tf } from "../nn/tf.ts";
import type { BlockConfig, ModelConfig } from "./config.ts";

/** Parameters by name (variables in training, plain tensors in tests). */
export type Params = Record<string, Tensor>;

/** Floor of the preconditioner's diagonal: P >= PRECOND_EPS I, so P is positive-definite. */
export const PRECOND_EPS = 1e-3;
/** RMSNorm's epsilon. */
export const NORM_EPS = 1e-6;
/** Additive mask for j > i (finite so that logSumExp stays finite). */
export const MASK_VALUE = -1e9;

/** Everything a block needs besides its input. */
export interface LayerContext {
  tf: Tf;
  params: Params;
  model: ModelConfig;
  /** RoPE tables for positions 0..T-1, each [T, dh/2]. */
  cos: Tensor;
  sin: Tensor;
  /** [T, T]: 0 where j <= i, MASK_VALUE where j > i. */
  mask: Tensor;
}

/** RoPE tables and the causal mask for sequence length `t` (caller disposes). */
export function positionTables(tf: Tf, model: ModelConfig, t: number) {
  const dh = model.dModel / model.nHeads, half = dh / 2;
  const cos = new Float32Array(t * half), sin = new Float32Array(t * half);
  for (let p = 0; p < t; p++) {
    for (let f = 0; f < half; f++) {
      const angle = p * Math.pow(10000, -f / half);
      cos[p * half + f] = Math.cos(angle);
      sin[p * half + f] = Math.sin(angle);
    }
  }
  const mask = new Float32Array(t * t);
  for (let i = 0; i < t; i++) for (let j = i + 1; j < t; j++) mask[i * t + j] = MASK_VALUE;
  return {
    cos: tf.tensor2d(cos, [t, half]),
    sin: tf.tensor2d(sin, [t, half]),
    mask: tf.tensor2d(mask, [t, t]),
  };
}

/** RMSNorm over the last axis with gain `g`. */
export function rmsNorm(tf: Tf, x: Tensor, g: Tensor): Tensor {
  const ms = tf.mean(tf.square(x), -1, true);
  return tf.mul(tf.mul(x, tf.rsqrt(tf.add(ms, NORM_EPS))), g);
}

/** Rotates pairs (x_f, x_{f+dh/2}) of `x` [..., T, dh] by position angles; `inverse` un-rotates. */
export function rope(tf: Tf, x: Tensor, cos: Tensor, sin: Tensor, inverse = false): Tensor {
  const dh = x.shape[x.shape.length - 1];
  const [x1, x2] = tf.split(x, [dh / 2, dh / 2], -1);
  const s = inverse ? tf.neg(sin) : sin;
  return tf.concat([
    tf.sub(tf.mul(x1, cos), tf.mul(x2, s)),
    tf.add(tf.mul(x1, s), tf.mul(x2, cos)),
  ], -1);
}

/** [B*T, d] -> [B, H, T, dh] (4-D transpose only). */
function splitHeads(tf: Tf, x2: Tensor, b: number, t: number, h: number): Tensor {
  const dh = x2.shape[1]! / h;
  return tf.transpose(tf.reshape(x2, [b, t, h, dh]), [0, 2, 1, 3]);
}

/** [B, H, T, dh] -> [B*T, d]. */
function mergeHeads(tf: Tf, x: Tensor): Tensor {
  const [b, h, t, dh] = x.shape;
  return tf.reshape(tf.transpose(x, [0, 2, 1, 3]), [b * t, h * dh]);
}

/** The preconditioner's action P r with P = diag(softplus(raw) + eps) + U U^T (r: [N, d]). */
export function applyPrecond(ctx: LayerContext, prefix: string, b: BlockConfig, r: Tensor): Tensor {
  if (b.precond === "none") return r;
  const { tf, params } = ctx;
  const p = tf.add(tf.softplus(params[prefix + "_p"]), PRECOND_EPS);
  let out = tf.mul(r, p);
  if (b.precond === "diag_lowrank") {
    const u = params[prefix + "_u"];
    out = tf.add(out, tf.matMul(tf.matMul(r, u), u, false, true));
  }
  return out;
}

/** The positive head weights softplus(raw) [H] of a tied-attention layer, if it has them. */
export function headWeights(ctx: LayerContext, layer: number): Tensor | undefined {
  const raw = ctx.params[`b${layer}.head_w`];
  return raw ? ctx.tf.softplus(raw) : undefined;
}

/** Softmax attention weights [B,H,T,T] of queries q on keys k (both [B,H,T,dh]) plus `extra`. */
function attentionWeights(ctx: LayerContext, q: Tensor, k: Tensor, extra?: Tensor): Tensor {
  const { tf } = ctx;
  const beta = 1 / Math.sqrt(q.shape[3]!);
  let s = tf.matMul(q, k, false, true);
  if (extra) s = tf.add(s, extra);
  return tf.softmax(tf.add(tf.mul(s, beta), ctx.mask), -1);
}

/**
 * The gradient grad_u E_att(u | C) of the tied-attention energy for every position at once:
 * u [B,T,d] queries, c [B,T,d] context states (keys = values = rope(c W_K)).
 */
export function tiedAttentionGrad(
  ctx: LayerContext,
  layer: number,
  u: Tensor,
  c: Tensor,
): Tensor {
  const { tf, params, model } = ctx;
  const [b, t, d] = u.shape as number[];
  const h = model.nHeads, p = `b${layer}.`;
  const u2 = tf.reshape(u, [b * t, d]), c2 = tf.reshape(c, [b * t, d]);
  const q = rope(tf, splitHeads(tf, tf.matMul(u2, params[p + "wq"]), b, t, h), ctx.cos, ctx.sin);
  const k = rope(tf, splitHeads(tf, tf.matMul(c2, params[p + "wk"]), b, t, h), ctx.cos, ctx.sin);
  const diag = model.blocks[layer].diag ? params[p + "diag"] : undefined;
  let dd: Tensor | undefined, extra: Tensor | undefined;
  if (diag) {
    // u^T diag(d_k) c_j for every head as one [B, H*T, d] x [B, T, d]^T product (no tiling).
    dd = tf.reshape(diag, [1, h, 1, d]);
    const ud = tf.reshape(tf.mul(tf.reshape(u, [b, 1, t, d]), dd), [b, h * t, d]);
    extra = tf.reshape(tf.matMul(ud, c, false, true), [b, h, t, t]);
  }
  let w = attentionWeights(ctx, q, k, extra);
  // Head weights scale each head's whole gradient (both terms): the energy sum_k w_k E_k.
  const hw = headWeights(ctx, layer);
  if (hw) w = tf.mul(w, tf.reshape(hw, [1, h, 1, 1]));
  const o = rope(tf, tf.matMul(w, k), ctx.cos, ctx.sin, true);
  let minusGrad = tf.matMul(mergeHeads(tf, o), params[p + "wq"], false, true);
  if (diag) {
    const wc = tf.sum(
      tf.mul(tf.reshape(tf.matMul(tf.reshape(w, [b, h * t, t]), c), [b, h, t, d]), dd!),
      1,
    );
    minusGrad = tf.add(minusGrad, tf.reshape(wc, [b * t, d]));
  }
  return tf.reshape(tf.neg(minusGrad), [b, t, d]);
}

/** Standard multi-head causal attention output (Llama: RoPE on q and k, untied V and O). */
function untiedAttention(ctx: LayerContext, layer: number, n: Tensor): Tensor {
  const { tf, params, model } = ctx;
  const [b, t, d] = n.shape as number[];
  const h = model.nHeads, p = `b${layer}.`;
  const n2 = tf.reshape(n, [b * t, d]);
  const q = rope(tf, splitHeads(tf, tf.matMul(n2, params[p + "wq"]), b, t, h), ctx.cos, ctx.sin);
  const k = rope(tf, splitHeads(tf, tf.matMul(n2, params[p + "wk"]), b, t, h), ctx.cos, ctx.sin);
  const v = splitHeads(tf, tf.matMul(n2, params[p + "wv"]), b, t, h);
  const o = tf.matMul(attentionWeights(ctx, q, k), v);
  return tf.reshape(tf.matMul(mergeHeads(tf, o), params[p + "wo"]), [b, t, d]);
}

/** SiLU z sigmoid(z). */
export function silu(tf: Tf, z: Tensor): Tensor {
  return tf.mul(z, tf.sigmoid(z));
}

/** grad_u E_mlp(u | x) = -W [silu(u W) * (x V)] for every position (u, x: [B,T,d]). */
export function tiedMlpGrad(ctx: LayerContext, layer: number, u: Tensor, xUp: Tensor): Tensor {
  const { tf, params } = ctx;
  const [b, t, d] = u.shape as number[];
  const w = params[`b${layer}.w_gate`];
  const a = tf.mul(silu(tf, tf.matMul(tf.reshape(u, [b * t, d]), w)), xUp);
  return tf.reshape(tf.neg(tf.matMul(a, w, false, true)), [b, t, d]);
}

/** One preconditioned descent step on a per-position gradient g [B,T,d]: -eta P g. */
function descentStep(ctx: LayerContext, prefix: string, block: BlockConfig, g: Tensor): Tensor {
  const { tf } = ctx;
  const [b, t, d] = g.shape as number[];
  const pg = applyPrecond(ctx, prefix, block, tf.reshape(g, [b * t, d]));
  return tf.reshape(tf.mul(pg, -block.eta), [b, t, d]);
}

/** The attention sub-layer's update of the residual stream, given n = norm(x) [B,T,d]. */
export function attentionUpdate(ctx: LayerContext, layer: number, n: Tensor): Tensor {
  const block = ctx.model.blocks[layer], prefix = `b${layer}.attn`;
  if (block.attention === "untied") {
    const { tf } = ctx;
    const [b, t, d] = n.shape as number[];
    const r = tf.reshape(untiedAttention(ctx, layer, n), [b * t, d]);
    return tf.reshape(tf.mul(applyPrecond(ctx, prefix, block, r), block.eta), [b, t, d]);
  }
  let u = n;
  for (let s = 0; s < block.steps; s++) {
    const context = block.recomputeKeys ? u : n;
    u = ctx.tf.add(u, descentStep(ctx, prefix, block, tiedAttentionGrad(ctx, layer, u, context)));
  }
  return ctx.tf.sub(u, n);
}

/** The MLP sub-layer's update of the residual stream, given n = norm(x) [B,T,d]. */
export function mlpUpdate(ctx: LayerContext, layer: number, n: Tensor): Tensor {
  const { tf, params } = ctx;
  const block = ctx.model.blocks[layer], p = `b${layer}.`, prefix = `b${layer}.mlp`;
  const [b, t, d] = n.shape as number[];
  const n2 = tf.reshape(n, [b * t, d]);
  const up = tf.matMul(n2, params[p + "w_up"]);
  if (block.mlp === "swiglu") {
    const gate = silu(tf, tf.matMul(n2, params[p + "w_gate"]));
    const r = tf.matMul(tf.mul(gate, up), params[p + "w_down"]);
    return tf.reshape(tf.mul(applyPrecond(ctx, prefix, block, r), block.eta), [b, t, d]);
  }
  let u = n;
  for (let s = 0; s < block.steps; s++) {
    u = tf.add(u, descentStep(ctx, prefix, block, tiedMlpGrad(ctx, layer, u, up)));
  }
  return tf.sub(u, n);
}

/** One pre-norm block: x + attention update, then + MLP update ([B,T,d]). */
export function blockForward(ctx: LayerContext, layer: number, x: Tensor): Tensor {
  const { tf, params } = ctx;
  const p = `b${layer}.`;
  const x1 = tf.add(x, attentionUpdate(ctx, layer, rmsNorm(tf, x, params[p + "attn_norm"])));
  return tf.add(x1, mlpUpdate(ctx, layer, rmsNorm(tf, x1, params[p + "mlp_norm"])));
}
