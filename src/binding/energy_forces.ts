/**
 * Energies and forces of a padded batch in closed form, for scoring: the forward pass of
 * `EnergyNet.energyBatch` (pair form of the messages) followed by its first derivative with
 * respect to the ligand coordinates written out by hand. No gradient tape is recorded and no
 * parameter gradient is formed, so a scoring pass runs about half the kernels of `tf.grad`, and
 * the [B, L, P, H] pair tensors are touched fewer times. Training keeps the autodiff path (it
 * needs second derivatives through the forces).
 *
 * Notation (per complex): d_ij = sqrt(|x_i - p_j|^2 + 1e-6), rbf_ijk = exp(-gamma (d_ij - mu_k)^2),
 * cut_ij = relu(1 - (d_ij / c)^2)^2 (times the pair mask), filt = (rbf cut) wr, messages
 * mL_i = sum_j filt_ij hP_j and mP_j = sum_i filt_ij hL_i, hL2 = hL + silu(mL / 8 wml) (and hP2),
 * s_ij = hL2_i ul + be + hP2_j up + rbf_ij we, E = sum_ij (silu(s_ij) wo) cut_ij / 4.
 * @module
 */
import type { Tf } from "../nn/tf.ts";
import type * as TfNs from "npm:@tensorflow/tfjs@4.22.0";

type Tensor = TfNs.Tensor;
type Tensor1D = TfNs.Tensor1D;
type Tensor2D = TfNs.Tensor2D;
type Tensor3D = TfNs.Tensor3D;

/** What the closed form reads of an `EnergyNet` (kept structural: energy.ts imports this file). */
export interface ClosedFormNet {
  readonly parameters: Readonly<Record<string, Tensor>>;
  readonly config: { hidden: number; rbf: number; cutoff: number };
  readonly rbfCentres: Tensor;
  readonly rbfGamma: number;
}

/** A padded batch as `batchOf` makes it (`BatchInputs` of energy.ts). */
export interface ClosedFormInputs {
  ligandFeatures: Tensor2D;
  pocket: Tensor3D;
  pocketFeatures: Tensor2D;
  pairMask: Tensor | null;
}

/**
 * Energies [B] and forces f = -dE/dx [B, L, 3] of the poses `lig` [B, L, 3] (padded rows get zero
 * forces). Call inside `tf.tidy`. Internal to scoring; equal to `tf.grad` of
 * `net.energyBatch` to float rounding (tests/binding/energy_forces_test.ts).
 */
export function energyForcesBatch(
  tf: Tf,
  net: ClosedFormNet,
  lig: Tensor3D,
  inputs: ClosedFormInputs,
): { energies: Tensor1D; forces: Tensor3D } {
  const v = net.parameters;
  const { hidden: H, cutoff } = net.config;
  const gamma = net.rbfGamma;
  const [B, nL] = lig.shape, nP = inputs.pocket.shape[1], N = B * nL * nP;
  // silu(x) = x sig(x); silu'(x) = sig(x) (1 + x - silu(x)).
  const hLpre = tf.add(tf.matMul(inputs.ligandFeatures, v.wl), v.bl);
  const hPpre = tf.add(tf.matMul(inputs.pocketFeatures, v.wp), v.bp);
  const hL = tf.mul(hLpre, tf.sigmoid(hLpre)); // [B nL, H]
  const hP = tf.mul(hPpre, tf.sigmoid(hPpre)); // [B nP, H]
  const diff = tf.sub(tf.reshape(lig, [B, nL, 1, 3]), tf.reshape(inputs.pocket, [B, 1, nP, 3]));
  const d = tf.sqrt(tf.add(tf.sum(tf.square(diff), 3), 1e-6)); // [B, nL, nP]
  const t = tf.sub(tf.reshape(d, [N, 1]), net.rbfCentres); // [N, K]
  const rbf = tf.exp(tf.mul(tf.square(t), -gamma));
  const u = tf.relu(tf.sub(1, tf.square(tf.div(d, cutoff))));
  let cut = tf.reshape(tf.square(u), [N, 1]);
  if (inputs.pairMask) cut = tf.mul(cut, tf.reshape(inputs.pairMask, [N, 1]));
  const rbfc = tf.mul(rbf, cut); // [N, K]
  const filt = tf.reshape(tf.matMul(rbfc, v.wr), [B, nL, nP, H]);
  const hL4 = tf.reshape(hL, [B, nL, 1, H]), hP4 = tf.reshape(hP, [B, 1, nP, H]);
  // Sums over the middle axes of [B, nL, nP, H] as products with a constant row: wasm's Sum
  // transposes first and takes 2-3x as long. The row holds 1/8, the scale of the messages (a
  // power of two, so (sum x) / 8 exactly): all four such sums feed only the messages.
  const onesP = tf.fill([B * nL, 1, nP], 0.125), onesL = tf.fill([B, 1, nL], 0.125);
  const sumOverPocket = (x: Tensor) => tf.matMul(onesP, tf.reshape(x, [B * nL, nP, H]));
  const sumOverLigand = (x: Tensor) => tf.matMul(onesL, tf.reshape(x, [B, nL, nP * H]));
  const mL8 = sumOverPocket(tf.mul(filt, hP4)); // mL / 8 [B nL, 1, H]
  const mP8 = sumOverLigand(tf.mul(filt, hL4)); // mP / 8 [B, 1, nP H]
  const qL = tf.matMul(tf.reshape(mL8, [B * nL, H]), v.wml);
  const qP = tf.matMul(tf.reshape(mP8, [B * nP, H]), v.wmp);
  const sqL = tf.sigmoid(qL), sqP = tf.sigmoid(qP);
  const zL = tf.mul(qL, sqL), zP = tf.mul(qP, sqP);
  const hL2 = tf.add(hL, zL), hP2 = tf.add(hP, zP);
  const a = tf.reshape(tf.add(tf.matMul(hL2, v.ul), v.be), [B, nL, 1, H]);
  const b = tf.reshape(tf.matMul(hP2, v.up), [B, 1, nP, H]);
  const e = tf.reshape(tf.matMul(rbf, v.we), [B, nL, nP, H]);
  const s = tf.add(tf.add(a, b), e); // [B, nL, nP, H]
  const sig = tf.sigmoid(s);
  const z = tf.mul(s, sig);
  const zw = tf.matMul(tf.reshape(z, [N, H]), v.wo); // [N, 1]
  const pair = tf.reshape(tf.mul(zw, cut), [B, nL * nP]);
  const energies = tf.div(tf.sum(pair, 1), 4) as Tensor1D;

  // Backward, seeded with dE_b/dE_b = 1 for every complex.
  const c4 = tf.mul(cut, 0.25); // dE/d(zw)
  // dE/ds = (cut/4 wo) silu'(s): the outer product cut wo^T as a rank-1 product.
  const gs = tf.mul(
    tf.reshape(tf.matMul(c4, v.wo, false, true), [B, nL, nP, H]),
    tf.mul(sig, tf.add(tf.sub(s, z), 1)),
  );
  const gA8 = tf.reshape(sumOverPocket(gs), [B * nL, H]); // dE/da / 8
  const gB8 = tf.reshape(sumOverLigand(gs), [B * nP, H]); // dE/db / 8
  const dsilu = (sq: Tensor, q: Tensor, zq: Tensor) => tf.mul(sq, tf.add(tf.sub(q, zq), 1));
  // dE/dmL = (dE/dhL2 silu'(qL)) wml^T / 8, dE/dhL2 = dE/da ul^T (and the pocket side).
  const gmL = tf.matMul(
    tf.mul(tf.matMul(gA8, v.ul, false, true), dsilu(sqL, qL, zL)),
    v.wml,
    false,
    true,
  );
  const gmP = tf.matMul(
    tf.mul(tf.matMul(gB8, v.up, false, true), dsilu(sqP, qP, zP)),
    v.wmp,
    false,
    true,
  );
  // dE/dfilt_ijh = gmL_ih hP_jh + gmP_jh hL_ih, then dE/drbfc = dE/dfilt wr^T.
  const gfilt = tf.add(
    tf.mul(tf.reshape(gmL, [B, nL, 1, H]), hP4),
    tf.mul(tf.reshape(gmP, [B, 1, nP, H]), hL4),
  );
  const grbfc = tf.matMul(tf.reshape(gfilt, [N, H]), v.wr, false, true); // [N, K]
  const grbf = tf.add(tf.matMul(tf.reshape(gs, [N, H]), v.we, false, true), tf.mul(grbfc, cut));
  const gcut = tf.add(tf.sum(tf.mul(grbfc, rbf), 1, true), tf.mul(zw, 0.25)); // [N, 1]
  // d rbf / dd = -2 gamma t rbf; d cut / dd = 2 u mask (-2 d / c^2). Both carry the minus
  // sign of the forces: nd = -dE/dd.
  const ndRbf = tf.mul(tf.sum(tf.mul(tf.mul(grbf, rbf), t), 1), 2 * gamma); // [N]
  let gu = tf.mul(tf.reshape(gcut, [B, nL, nP]), u);
  if (inputs.pairMask) gu = tf.mul(gu, tf.reshape(inputs.pairMask, [B, nL, nP]));
  const ndCut = tf.mul(tf.mul(gu, d), 4 / (cutoff * cutoff));
  const nd = tf.add(tf.reshape(ndRbf, [B, nL, nP]), ndCut);
  // f_i = -dE/dx_i = sum_j (-dE/dd_ij / d_ij) (x_i - p_j).
  const w = tf.reshape(tf.div(nd, d), [B, nL, nP, 1]);
  const forces = tf.sum(tf.mul(w, diff), 2) as Tensor3D;
  return { energies, forces };
}
