/**
 * The explicit conditional energies whose gradient steps are the CEM layers (cem.md sections
 * 2-4), written without the update formulas so that autodiff checks the closed forms:
 *
 * - attention: E(u_i | C_i) = -sum_k (1/beta) log sum_{j<=i} exp(beta [(R_i W_Qk u_i)^T (R_j W_Kk c_j)
 *   + u_i^T diag(d_k) c_j]), head by head from column slices of W_Q, W_K;
 * - MLP: E(u_i | x_i) = -sum_m (x_i V)_m phi((u_i W)_m), phi(z) = int_0^z t sigmoid(t) dt by
 *   Gauss-Legendre quadrature (phi has no elementary closed form; autodiff differentiates the
 *   quadrature sum itself).
 * @module
 */
import type { Tensor } from "npm:@tensorflow/tfjs@4.22.0";
import type { Tf } from "../nn/tf.ts";
import { headWeights, type LayerContext, rope } from "./layers.ts";

/**
 * Gauss-Legendre nodes and weights on [-1, 1] (Newton on P_n, float64).
 *
 * @example
 * ```ts
 * const { x, w } = gaussLegendre(3); // exact for polynomials of degree <= 5
 * ```
 */
export function gaussLegendre(n: number): { x: Float64Array; w: Float64Array } {
  const x = new Float64Array(n), w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = Math.cos(Math.PI * (i + 0.75) / (n + 0.5)), dp = 1;
    for (let iter = 0; iter < 100; iter++) {
      // p = P_n(z), q = P_{n-1}(z) by the three-term recurrence.
      let p = 1, q = 0;
      for (let k = 1; k <= n; k++) [p, q] = [((2 * k - 1) * z * p - (k - 1) * q) / k, p];
      dp = n * (z * p - q) / (z * z - 1);
      const dz = p / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-15) break;
    }
    x[i] = z;
    w[i] = 2 / ((1 - z * z) * dp * dp);
  }
  return { x, w };
}

/** phi(z) = int_0^z t sigmoid(t) dt element-wise, by `nodes`-point Gauss-Legendre on [0, z]. */
export function siluAntiderivative(tf: Tf, z: Tensor, nodes = 32): Tensor {
  const { x, w } = gaussLegendre(nodes);
  const s = tf.tensor1d(Float32Array.from(x, (v) => (v + 1) / 2));
  const half = tf.tensor1d(Float32Array.from(w, (v) => v / 2));
  const t = tf.mul(tf.expandDims(z, -1), s);
  const integrand = tf.mul(t, tf.sigmoid(t));
  return tf.mul(z, tf.sum(tf.mul(integrand, half), -1));
}

/**
 * Per-position tied-attention energies [B, T] of queries u [B,T,d] given context states c
 * [B,T,d] (keys of position i: c_j for j <= i, held fixed).
 */
export function attentionEnergy(ctx: LayerContext, layer: number, u: Tensor, c: Tensor): Tensor {
  const { tf, params, model } = ctx;
  const [b, t, d] = u.shape as number[];
  const dh = d / model.nHeads, beta = 1 / Math.sqrt(dh);
  const wq = params[`b${layer}.wq`], wk = params[`b${layer}.wk`];
  const diag = model.blocks[layer].diag ? params[`b${layer}.diag`] : undefined;
  const hw = headWeights(ctx, layer);
  const u2 = tf.reshape(u, [b * t, d]), c2 = tf.reshape(c, [b * t, d]);
  let energy: Tensor = tf.zeros([b, t]);
  for (let k = 0; k < model.nHeads; k++) {
    const q = tf.reshape(tf.matMul(u2, tf.slice(wq, [0, k * dh], [d, dh])), [b, t, dh]);
    const key = tf.reshape(tf.matMul(c2, tf.slice(wk, [0, k * dh], [d, dh])), [b, t, dh]);
    let logits = tf.matMul(
      rope(tf, q, ctx.cos, ctx.sin),
      rope(tf, key, ctx.cos, ctx.sin),
      false,
      true,
    );
    if (diag) {
      const dk = tf.reshape(tf.slice(diag, [k, 0], [1, d]), [1, 1, d]);
      logits = tf.add(logits, tf.matMul(tf.mul(u, dk), c, false, true));
    }
    logits = tf.add(tf.mul(logits, beta), ctx.mask);
    let e = tf.div(tf.logSumExp(logits, -1), beta);
    if (hw) e = tf.mul(e, tf.slice(hw, [k], [1]));
    energy = tf.sub(energy, e);
  }
  return energy;
}

/** Per-position tied-MLP energies [B, T] of u [B,T,d] given the conditioning states x [B,T,d]. */
export function mlpEnergy(ctx: LayerContext, layer: number, u: Tensor, x: Tensor): Tensor {
  const { tf, params } = ctx;
  const [b, t, d] = u.shape as number[];
  const up = tf.matMul(tf.reshape(x, [b * t, d]), params[`b${layer}.w_up`]);
  const phi = siluAntiderivative(
    tf,
    tf.matMul(tf.reshape(u, [b * t, d]), params[`b${layer}.w_gate`]),
  );
  return tf.reshape(tf.neg(tf.sum(tf.mul(up, phi), -1)), [b, t]);
}
