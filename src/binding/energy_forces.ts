/**
 * Energies and forces of a padded batch in closed form: the forward pass of
 * `EnergyNet.energyBatch` (pair form of the messages) followed by its first derivative with
 * respect to the ligand coordinates written out by hand. For scoring no gradient tape is
 * recorded and no parameter gradient is formed: 90 kernels per pass against 181 for `tf.grad`
 * (4 complexes of 8 x 36 atoms), and on wasm they are called directly, without the engine's
 * per-op overhead. For training the engine-op version is an ordinary differentiable function of
 * the parameters, so the NERE and Gaussian losses built on its forces get their parameter
 * gradient by first-order autodiff instead of second-order autodiff through `tf.grad`'s tape
 * (499 against 925 kernels per NERE step of 4 complexes). Both use the pair form at every size:
 * the same function as the products form, rounding aside, and faster than autodiff of either
 * form (docs/results/nere.md, "Performance").
 *
 * Notation (per complex): d_ij = sqrt(|x_i - p_j|^2 + 1e-6), rbf_ijk = exp(-gamma (d_ij - mu_k)^2),
 * cut_ij = relu(1 - (d_ij / c)^2)^2 (times the pair mask), filt = (rbf cut) wr, messages
 * mL_i = sum_j filt_ij hP_j and mP_j = sum_i filt_ij hL_i, hL2 = hL + silu(mL / 8 wml) (and hP2),
 * s_ij = hL2_i ul + be + hP2_j up + rbf_ij we, E = sum_ij (silu(s_ij) wo) cut_ij / 4.
 * @module
 */
import type { Tf } from "../nn/tf.ts";
import type * as TfNs from "npm:@tensorflow/tfjs@4.22.0";
import type { BindingExample } from "./complex.ts";

type Tensor = TfNs.Tensor;
type Tensor1D = TfNs.Tensor1D;
type Tensor2D = TfNs.Tensor2D;
type Tensor3D = TfNs.Tensor3D;
// deno-lint-ignore no-explicit-any
type WasmBackend = any;
/** A backend's view of a tensor: what its kernels take and return. */
interface Info {
  dataId: object;
  shape: number[];
  dtype: string;
}

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
 * The tensor operations the closed form uses, over a tensor type T: tfjs ops through the engine
 * (any backend, inside `tf.tidy`), or the wasm backend's kernels called directly.
 */
interface Ops<T extends { shape: number[] }> {
  add(a: T, b: T | number): T;
  sub(a: T | number, b: T): T;
  mul(a: T, b: T | number): T;
  div(a: T, b: T | number): T;
  square(x: T): T;
  sqrt(x: T): T;
  exp(x: T): T;
  sigmoid(x: T): T;
  relu(x: T): T;
  sum(x: T, axis: number, keepDims?: boolean): T;
  matMul(a: T, b: T, transposeA?: boolean, transposeB?: boolean): T;
  reshape(x: T, shape: number[]): T;
  fill(shape: number[], value: number): T;
}

function engineOps(tf: Tf): Ops<Tensor> {
  return {
    add: (a, b) => tf.add(a, b),
    sub: (a, b) => tf.sub(a, b),
    mul: (a, b) => tf.mul(a, b),
    div: (a, b) => tf.div(a, b),
    square: (x) => tf.square(x),
    sqrt: (x) => tf.sqrt(x),
    exp: (x) => tf.exp(x),
    sigmoid: (x) => tf.sigmoid(x),
    relu: (x) => tf.relu(x),
    sum: (x, axis, keepDims = false) => tf.sum(x, axis, keepDims),
    matMul: (a, b, ta = false, tb = false) => tf.matMul(a, b, ta, tb),
    reshape: (x, shape) => tf.reshape(x, shape),
    fill: (shape, value) => tf.fill(shape, value),
  };
}

/**
 * The wasm backend's kernels called directly, without the engine (no tape, no tracking, no
 * broadcasting checks: 2-9 us less per kernel, a quarter of a small scoring pass). Every output
 * is recorded for {@link WasmOps.release}; a reshape is a second view of the same memory.
 */
class WasmOps implements Ops<Info> {
  readonly #backend: WasmBackend;
  readonly #kernels = new Map<string, (args: unknown) => Info>();
  readonly #made: Info[] = [];
  readonly #tf: Tf;

  constructor(tf: Tf) {
    this.#tf = tf;
    this.#backend = tf.findBackend("wasm");
  }

  #run(name: string, inputs: Record<string, Info>, attrs: object = {}): Info {
    let k = this.#kernels.get(name);
    if (!k) {
      k = this.#tf.getKernel(name, "wasm")!.kernelFunc as unknown as (args: unknown) => Info;
      this.#kernels.set(name, k);
    }
    const out = k({ inputs, backend: this.#backend, attrs });
    this.#made.push(out);
    return out;
  }

  #t(x: Info | number): Info {
    return typeof x === "number" ? this.fill([], x) : x;
  }

  add = (a: Info, b: Info | number) => this.#run("Add", { a, b: this.#t(b) });
  sub = (a: Info | number, b: Info) => this.#run("Sub", { a: this.#t(a), b });
  mul = (a: Info, b: Info | number) => this.#run("Multiply", { a, b: this.#t(b) });
  div = (a: Info, b: Info | number) => this.#run("RealDiv", { a, b: this.#t(b) });
  square = (x: Info) => this.#run("Square", { x });
  sqrt = (x: Info) => this.#run("Sqrt", { x });
  exp = (x: Info) => this.#run("Exp", { x });
  sigmoid = (x: Info) => this.#run("Sigmoid", { x });
  relu = (x: Info) => this.#run("Relu", { x });
  sum = (x: Info, axis: number, keepDims = false) =>
    this.#run("Sum", { x }, { axis: [axis], keepDims });
  matMul = (a: Info, b: Info, transposeA = false, transposeB = false) =>
    this.#run("BatchMatMul", { a, b }, { transposeA, transposeB });
  reshape = (x: Info, shape: number[]): Info => ({ dataId: x.dataId, shape, dtype: x.dtype });
  fill = (shape: number[], value: number): Info => {
    const out = this.#backend.makeOutput(shape, "float32") as Info;
    this.#backend.typedArrayFromHeap(out).fill(value);
    this.#made.push(out);
    return out;
  };

  /** A copy of a tensor's values. */
  read(x: Info): Float32Array {
    return Float32Array.from(this.#backend.typedArrayFromHeap(x) as Float32Array);
  }

  /** Frees every kernel output made so far. */
  release(): void {
    for (const x of this.#made) this.#backend.disposeData(x.dataId);
    this.#made.length = 0;
  }
}

/**
 * Energies [B] and forces f = -dE/dx [B, L, 3] of the poses `lig` [B, L, 3] (padded rows get zero
 * forces). Call inside `tf.tidy` (or a gradient function: the result is differentiable with
 * respect to the parameters, which is how training uses it). Internal to scoring and training;
 * equal to `tf.grad` of `net.energyBatch` to float rounding (tests/binding/energy_forces_test.ts),
 * and so are the parameter gradients of losses built on it (closed_training_test.ts).
 */
export function energyForcesBatch(
  tf: Tf,
  net: ClosedFormNet,
  lig: Tensor3D,
  inputs: ClosedFormInputs,
): { energies: Tensor1D; forces: Tensor3D } {
  const r = closedForm(engineOps(tf), net, net.parameters, net.rbfCentres, lig, inputs);
  return { energies: r.energies as Tensor1D, forces: r.forces as Tensor3D };
}

/**
 * {@link energyForcesBatch} on the wasm backend (the active one) with its kernels called
 * directly: the same kernels in the same order, so the same values; read back as arrays
 * (energies [B], forces [B L 3]) and every intermediate freed.
 */
export function energyForcesWasm(
  tf: Tf,
  net: ClosedFormNet,
  lig: Tensor3D,
  inputs: ClosedFormInputs,
): { energies: Float32Array; forces: Float32Array } {
  const o = new WasmOps(tf);
  try {
    const params = net.parameters as Readonly<Record<string, Info>>;
    const r = closedForm<Info>(o, net, params, net.rbfCentres, lig, {
      ...inputs,
      pairMask: inputs.pairMask,
    });
    return { energies: o.read(r.energies), forces: o.read(r.forces) };
  } finally {
    o.release();
  }
}

function closedForm<T extends { shape: number[] }>(
  o: Ops<T>,
  net: ClosedFormNet,
  v: Readonly<Record<string, T>>,
  mu: T,
  lig: T,
  inputs: { ligandFeatures: T; pocket: T; pocketFeatures: T; pairMask: T | null },
): { energies: T; forces: T } {
  const { hidden: H, cutoff } = net.config;
  const gamma = net.rbfGamma;
  const [B, nL] = lig.shape, nP = inputs.pocket.shape[1], N = B * nL * nP;
  // silu(x) = x sig(x); silu'(x) = sig(x) (1 + x - silu(x)).
  const hLpre = o.add(o.matMul(inputs.ligandFeatures, v.wl), v.bl);
  const hPpre = o.add(o.matMul(inputs.pocketFeatures, v.wp), v.bp);
  const hL = o.mul(hLpre, o.sigmoid(hLpre)); // [B nL, H]
  const hP = o.mul(hPpre, o.sigmoid(hPpre)); // [B nP, H]
  const diff = o.sub(o.reshape(lig, [B, nL, 1, 3]), o.reshape(inputs.pocket, [B, 1, nP, 3]));
  const d = o.sqrt(o.add(o.sum(o.square(diff), 3), 1e-6)); // [B, nL, nP]
  const t = o.sub(o.reshape(d, [N, 1]), mu); // [N, K]
  const rbf = o.exp(o.mul(o.square(t), -gamma));
  const u = o.relu(o.sub(1, o.square(o.div(d, cutoff))));
  let cut: T = o.reshape(o.square(u), [N, 1]);
  if (inputs.pairMask) cut = o.mul(cut, o.reshape(inputs.pairMask, [N, 1]));
  const rbfc = o.mul(rbf, cut); // [N, K]
  const filt = o.reshape(o.matMul(rbfc, v.wr), [B, nL, nP, H]);
  const hL4 = o.reshape(hL, [B, nL, 1, H]), hP4 = o.reshape(hP, [B, 1, nP, H]);
  // Sums over the middle axes of [B, nL, nP, H] as products with a constant row: wasm's Sum
  // transposes first and takes 2-3x as long. The row holds 1/8, the scale of the messages (a
  // power of two, so (sum x) / 8 exactly): all four such sums feed only the messages.
  const onesP = o.fill([B * nL, 1, nP], 0.125), onesL = o.fill([B, 1, nL], 0.125);
  const sumOverPocket = (x: T) => o.matMul(onesP, o.reshape(x, [B * nL, nP, H]));
  const sumOverLigand = (x: T) => o.matMul(onesL, o.reshape(x, [B, nL, nP * H]));
  const mL8 = sumOverPocket(o.mul(filt, hP4)); // mL / 8 [B nL, 1, H]
  const mP8 = sumOverLigand(o.mul(filt, hL4)); // mP / 8 [B, 1, nP H]
  const qL = o.matMul(o.reshape(mL8, [B * nL, H]), v.wml);
  const qP = o.matMul(o.reshape(mP8, [B * nP, H]), v.wmp);
  const sqL = o.sigmoid(qL), sqP = o.sigmoid(qP);
  const zL = o.mul(qL, sqL), zP = o.mul(qP, sqP);
  const hL2 = o.add(hL, zL), hP2 = o.add(hP, zP);
  const a = o.reshape(o.add(o.matMul(hL2, v.ul), v.be), [B, nL, 1, H]);
  const b = o.reshape(o.matMul(hP2, v.up), [B, 1, nP, H]);
  const e = o.reshape(o.matMul(rbf, v.we), [B, nL, nP, H]);
  const s = o.add(o.add(a, b), e); // [B, nL, nP, H]
  const sig = o.sigmoid(s);
  const z = o.mul(s, sig);
  const zw = o.matMul(o.reshape(z, [N, H]), v.wo); // [N, 1]
  const pair = o.reshape(o.mul(zw, cut), [B, nL * nP]);
  const energies = o.div(o.sum(pair, 1), 4);

  // Backward, seeded with dE_b/dE_b = 1 for every complex.
  const c4 = o.mul(cut, 0.25); // dE/d(zw)
  // dE/ds = (cut/4 wo) silu'(s): the outer product cut wo^T as a rank-1 product.
  const gs = o.mul(
    o.reshape(o.matMul(c4, v.wo, false, true), [B, nL, nP, H]),
    o.mul(sig, o.add(o.sub(s, z), 1)),
  );
  const gA8 = o.reshape(sumOverPocket(gs), [B * nL, H]); // dE/da / 8
  const gB8 = o.reshape(sumOverLigand(gs), [B * nP, H]); // dE/db / 8
  const dsilu = (sq: T, q: T, zq: T) => o.mul(sq, o.add(o.sub(q, zq), 1));
  // dE/dmL = (dE/dhL2 silu'(qL)) wml^T / 8, dE/dhL2 = dE/da ul^T (and the pocket side).
  const gmL = o.matMul(
    o.mul(o.matMul(gA8, v.ul, false, true), dsilu(sqL, qL, zL)),
    v.wml,
    false,
    true,
  );
  const gmP = o.matMul(
    o.mul(o.matMul(gB8, v.up, false, true), dsilu(sqP, qP, zP)),
    v.wmp,
    false,
    true,
  );
  // dE/dfilt_ijh = gmL_ih hP_jh + gmP_jh hL_ih, then dE/drbfc = dE/dfilt wr^T.
  const gfilt = o.add(
    o.mul(o.reshape(gmL, [B, nL, 1, H]), hP4),
    o.mul(o.reshape(gmP, [B, 1, nP, H]), hL4),
  );
  const grbfc = o.matMul(o.reshape(gfilt, [N, H]), v.wr, false, true); // [N, K]
  const grbf = o.add(o.matMul(o.reshape(gs, [N, H]), v.we, false, true), o.mul(grbfc, cut));
  const gcut = o.add(o.sum(o.mul(grbfc, rbf), 1, true), o.mul(zw, 0.25)); // [N, 1]
  // d rbf / dd = -2 gamma t rbf; d cut / dd = 2 u mask (-2 d / c^2). Both carry the minus
  // sign of the forces: nd = -dE/dd.
  const ndRbf = o.mul(o.sum(o.mul(o.mul(grbf, rbf), t), 1), 2 * gamma); // [N]
  let gu: T = o.mul(o.reshape(gcut, [B, nL, nP]), u);
  if (inputs.pairMask) gu = o.mul(gu, o.reshape(inputs.pairMask, [B, nL, nP]));
  const ndCut = o.mul(o.mul(gu, d), 4 / (cutoff * cutoff));
  const nd = o.add(o.reshape(ndRbf, [B, nL, nP]), ndCut);
  // f_i = -dE/dx_i = sum_j (-dE/dd_ij / d_ij) (x_i - p_j).
  const w = o.reshape(o.div(nd, d), [B, nL, nP, 1]);
  const forces = o.sum(o.mul(w, diff), 2);
  return { energies, forces };
}

/** Largest [B, L, P, H] pair tensor of a closed-form scoring pass (2^23 floats, 32 MiB). */
const PAIR_BUDGET = 1 << 23;

/**
 * Splits `examples` (in order) into runs whose padded pair tensor [B, maxL, maxP, hidden] holds
 * at most `budget` floats (a complex over budget alone makes a run of one). Internal to scoring.
 */
export function pairBudgetGroups(
  examples: BindingExample[],
  hidden: number,
  budget = PAIR_BUDGET,
): BindingExample[][] {
  const out: BindingExample[][] = [];
  let group: BindingExample[] = [], maxL = 0, maxP = 0;
  for (const ex of examples) {
    const nL = Math.max(maxL, ex.ligand.length / 3), nP = Math.max(maxP, ex.pocket.length / 3);
    if (group.length > 0 && (group.length + 1) * nL * nP * hidden > budget) {
      out.push(group);
      group = [];
      maxL = maxP = 0;
    }
    group.push(ex);
    maxL = Math.max(maxL, ex.ligand.length / 3);
    maxP = Math.max(maxP, ex.pocket.length / 3);
  }
  if (group.length > 0) out.push(group);
  return out;
}
