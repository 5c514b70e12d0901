/**
 * The SE(3)-invariant energy network of NERE on tfjs. Ligand and pocket atoms are embedded from
 * their type features; one round of distance-filtered message passing runs each way across the
 * interface (radial-basis distances under a smooth cutoff); the energy is a sum of pairwise
 * ligand-pocket terms, each multiplied by the cutoff. Only interatomic distances enter, so E is
 * invariant to rotations and translations by construction (no frames, hence no eigenvectors,
 * whose second derivatives tfjs cannot take). Forces f = -dE/dx come from autodiff or, for
 * scoring and training, in closed form (energy_forces.ts).
 *
 * Shapes avoid gather (no wasm kernel for its gradient) and broadcast matMul (broken gradient):
 * pair tensors are built by broadcasting subtraction and every product with a weight is 2-D.
 * @module
 */
import type { Tf } from "../nn/tf.ts";
import type * as TfNs from "npm:@tensorflow/tfjs@4.22.0";
import type { BindingExample } from "./complex.ts";
import {
  centroid,
  cross,
  det3,
  expSO3,
  inertia,
  inverse3,
  type Mat3,
  matVec3,
  rigidMotion,
} from "./rigid.ts";
import { energyForcesBatch, energyForcesWasm, pairBudgetGroups } from "./energy_forces.ts";
import { SplitMix32 } from "../random/splitmix.ts";

type Tensor = TfNs.Tensor;
type Tensor2D = TfNs.Tensor2D;
type Scalar = TfNs.Scalar;
type Tensor1D = TfNs.Tensor1D;
type Tensor3D = TfNs.Tensor3D;
type Variable = TfNs.Variable;
let netCounter = 0;

/** Sizes and ranges of the energy network. */
export interface EnergyNetConfig {
  /** Columns of the ligand feature rows. */
  ligandDim: number;
  /** Columns of the pocket feature rows. */
  pocketDim: number;
  /** Hidden width (default 32). */
  hidden?: number;
  /** Radial basis functions over [0, cutoff] (default 16). */
  rbf?: number;
  /** Interaction cutoff in angstrom (default 8). */
  cutoff?: number;
  /** Initialisation seed (default 0). */
  seed?: number;
  /**
   * How the messages are summed (the same function either way, rounding aside): "pairs" forms
   * the [B, L, P, H] filter tensor, "products" sums over the partner atoms by batched matrix
   * products first; "auto" (default) takes products from 2048 ligand-pocket pairs per complex,
   * where they are about 20 % faster per NERE step (1HPV size), and pairs below (13 % faster
   * at the synthetic size).
   */
  messages?: "auto" | "pairs" | "products";
}

/**
 * The energy network: parameters as tfjs variables and the energy as a function of ligand
 * coordinates.
 *
 * @example
 * ```ts
 * import { loadTf } from "../nn/mod.ts";
 * import { EnergyNet, generateSynthetic, inputsOf, SyntheticConfig } from "./mod.ts";
 * const tf = await loadTf();
 * const [{ example: ex }] = generateSynthetic(SyntheticConfig.parse({ complexes: 1, mcSamples: 10, langevinSteps: 10 }));
 * const net = new EnergyNet(tf, { ligandDim: ex.ligandDim, pocketDim: ex.pocketDim });
 * const e = tf.tidy(() => net.energy(tf.tensor2d(Float32Array.from(ex.ligand), [ex.ligand.length / 3, 3]), inputsOf(tf, ex)));
 * console.log(await e.data());
 * net.dispose();
 * ```
 */
export class EnergyNet {
  readonly config: Required<EnergyNetConfig>;
  readonly variables: Variable[];
  readonly names: string[];
  readonly #v: Record<string, Variable>;
  readonly #tf: Tf;
  readonly #mu: Tensor;
  readonly #gamma: number;

  constructor(tf: Tf, config: EnergyNetConfig) {
    this.#tf = tf;
    this.config = { hidden: 32, rbf: 16, cutoff: 8, seed: 0, messages: "auto", ...config };
    const { ligandDim, pocketDim, hidden: H, rbf: K, cutoff, seed } = this.config;
    const rng = new SplitMix32(seed);
    const shapes: Record<string, number[]> = {
      wl: [ligandDim, H],
      bl: [H],
      wp: [pocketDim, H],
      bp: [H],
      wr: [K, H],
      wml: [H, H],
      wmp: [H, H],
      ul: [H, H],
      up: [H, H],
      we: [K, H],
      be: [H],
      wo: [H, 1],
    };
    this.#v = {};
    for (const [name, shape] of Object.entries(shapes)) {
      const fanIn = shape.length === 2 ? shape[0] : 1;
      const n = shape.reduce((a, b) => a * b, 1);
      const scale = shape.length === 1 ? 0 : 1 / Math.sqrt(fanIn);
      const data = Float32Array.from({ length: n }, () => rng.normal() * scale);
      this.#v[name] = tf.variable(
        tf.tensor(data, shape),
        true,
        `nere_${name}_${netCounter}`,
      );
    }
    netCounter++;
    this.names = Object.keys(shapes);
    this.variables = this.names.map((k) => this.#v[k]);
    this.#mu = tf.tidy(() => tf.linspace(0, cutoff, K).reshape([1, K]));
    const spacing = cutoff / (K - 1);
    this.#gamma = 1 / (2 * spacing * spacing);
  }

  /** The parameters by name (wl, bl, wp, ...), for the closed-form scoring pass. */
  get parameters(): Readonly<Record<string, Variable>> {
    return this.#v;
  }

  /** The radial-basis centres mu [1, K]. */
  get rbfCentres(): Tensor {
    return this.#mu;
  }

  /** The radial-basis width: rbf_k(d) = exp(-gamma (d - mu_k)^2). */
  get rbfGamma(): number {
    return this.#gamma;
  }

  /** Whether {@link energyBatch} sums the messages in pair form for `nL` x `nP` complexes. */
  pairMessages(nL: number, nP: number): boolean {
    const m = this.config.messages;
    return m === "pairs" || (m === "auto" && nL * nP < 2048);
  }

  /** Number of scalar parameters. */
  get parameterCount(): number {
    return this.variables.reduce((s, v) => s + v.size, 0);
  }

  /**
   * Energy of a pose: `lig` [nL, 3] ligand coordinates, the rest of the complex from `inputs`.
   */
  energy(lig: Tensor2D, inputs: ExampleInputs): Scalar {
    const tf = this.#tf;
    const nL = lig.shape[0], nP = inputs.pocket.shape[0];
    const e = this.energyBatch(tf.reshape(lig, [1, nL, 3]), {
      ligandFeatures: inputs.ligandFeatures,
      pocket: tf.reshape(inputs.pocket, [1, nP, 3]),
      pocketFeatures: inputs.pocketFeatures,
      pairMask: null,
    });
    return tf.reshape(e, []) as Scalar;
  }

  /**
   * Energies of a padded batch of poses: `lig` [B, L, 3]; padded atoms are switched off by
   * `inputs.pairMask`. One set of kernels serves the whole batch (tfjs's per-kernel overhead
   * dominates at these sizes).
   */
  energyBatch(lig: Tensor3D, inputs: BatchInputs): Tensor1D {
    const tf = this.#tf, v = this.#v;
    const { hidden: H, cutoff } = this.config;
    const [B, nL] = lig.shape, nP = inputs.pocket.shape[1];
    const silu = (x: Tensor) => tf.mul(x, tf.sigmoid(x));
    const hL = silu(tf.add(tf.matMul(inputs.ligandFeatures, v.wl), v.bl)); // [B nL, H]
    const hP = silu(tf.add(tf.matMul(inputs.pocketFeatures, v.wp), v.bp)); // [B nP, H]
    const diff = tf.sub(tf.reshape(lig, [B, nL, 1, 3]), tf.reshape(inputs.pocket, [B, 1, nP, 3]));
    const d = tf.sqrt(tf.add(tf.sum(tf.square(diff), 3), 1e-6)); // [B, nL, nP]
    const dFlat = tf.reshape(d, [B * nL * nP, 1]);
    const rbf = tf.exp(tf.mul(tf.square(tf.sub(dFlat, this.#mu)), -this.#gamma)); // [B nL nP, K]
    const u = tf.relu(tf.sub(1, tf.square(tf.div(d, cutoff))));
    let cut = tf.reshape(tf.square(u), [B * nL * nP, 1]); // C1 at the cutoff
    if (inputs.pairMask) cut = tf.mul(cut, tf.reshape(inputs.pairMask, [B * nL * nP, 1]));
    // The cutoff multiplies the K radial features, not the H filter channels, and the pair
    // energies after the readout, and the bias be joins the [B nL, H] ligand term: the same
    // function with fewer and smaller [B, nL, nP, H] kernels in all three autodiff passes.
    // Messages across the interface, filtered by distance: mL_ih = sum_j filt_ijh hP_jh and
    // mP_jh = sum_i filt_ijh hL_ih, filt_ijh = sum_k rbf_ijk c_ij wr_kh.
    const rbfc = tf.mul(rbf, cut); // [B nL nP, K]
    let mL: Tensor, mP: Tensor;
    if (!this.pairMessages(nL, nP)) {
      // Sum over the partner atoms first, as batched products, then over k: no [B, nL, nP, H]
      // tensor is formed (nor reduced over a middle axis) in any autodiff pass.
      const K = this.config.rbf, wr = tf.reshape(v.wr, [1, 1, K, H]);
      const byLig = tf.reshape(
        tf.transpose(tf.reshape(rbfc, [B * nL, nP, K]), [0, 2, 1]),
        [B, nL * K, nP],
      );
      const tL = tf.matMul(byLig, tf.reshape(hP, [B, nP, H])); // [B, nL K, H]
      mL = tf.sum(tf.mul(tf.reshape(tL, [B, nL, K, H]), wr), 2); // [B, nL, H]
      const tP = tf.matMul(tf.reshape(rbfc, [B, nL, nP * K]), tf.reshape(hL, [B, nL, H]), true);
      mP = tf.sum(tf.mul(tf.reshape(tP, [B, nP, K, H]), wr), 2); // [B, nP, H]
    } else {
      const filt = tf.reshape(tf.matMul(rbfc, v.wr), [B, nL, nP, H]);
      mL = tf.sum(tf.mul(filt, tf.reshape(hP, [B, 1, nP, H])), 2); // [B, nL, H]
      mP = tf.sum(tf.mul(filt, tf.reshape(hL, [B, nL, 1, H])), 1); // [B, nP, H]
    }
    const hL2 = tf.add(hL, silu(tf.matMul(tf.reshape(tf.div(mL, 8), [B * nL, H]), v.wml)));
    const hP2 = tf.add(hP, silu(tf.matMul(tf.reshape(tf.div(mP, 8), [B * nP, H]), v.wmp)));
    // Pairwise energy.
    const a = tf.reshape(tf.add(tf.matMul(hL2, v.ul), v.be), [B, nL, 1, H]);
    const b = tf.reshape(tf.matMul(hP2, v.up), [B, 1, nP, H]);
    const e = tf.reshape(tf.matMul(rbf, v.we), [B, nL, nP, H]);
    const z = silu(tf.add(tf.add(a, b), e));
    const pair = tf.reshape(
      tf.mul(tf.matMul(tf.reshape(z, [B * nL * nP, H]), v.wo), cut),
      [B, nL * nP],
    );
    return tf.div(tf.sum(pair, 1), 4) as Tensor1D;
  }

  /** The parameters as plain arrays (for saving). */
  async getWeights(): Promise<Record<string, { shape: number[]; data: number[] }>> {
    const out: Record<string, { shape: number[]; data: number[] }> = {};
    for (const n of this.names) {
      out[n] = { shape: [...this.#v[n].shape], data: Array.from(await this.#v[n].data()) };
    }
    return out;
  }

  /** Loads parameters saved by {@link getWeights}. */
  setWeights(w: Record<string, { shape: number[]; data: number[] }>): void {
    for (const n of this.names) {
      const src = w[n];
      if (!src || src.shape.join() !== this.#v[n].shape.join()) {
        throw new Error(`weights: parameter '${n}' missing or of the wrong shape`);
      }
      this.#v[n].assign(this.#tf.tensor(src.data, src.shape));
    }
  }

  /** Frees the variables. */
  dispose(): void {
    for (const v of this.variables) v.dispose();
    this.#mu.dispose();
  }
}

/** The fixed part of a complex as tensors: ligand features, pocket coordinates and features. */
export interface ExampleInputs {
  ligandFeatures: Tensor2D;
  pocket: Tensor2D;
  pocketFeatures: Tensor2D;
}

/**
 * A padded batch of complexes: ligand feature rows [B L, FL], pocket coordinates [B, P, 3] and
 * feature rows [B P, FP], and the pair mask [B, L, P, 1] (1 for real ligand-pocket pairs), or
 * null when nothing is padded.
 */
export interface BatchInputs {
  ligandFeatures: Tensor2D;
  pocket: Tensor3D;
  pocketFeatures: Tensor2D;
  pairMask: Tensor | null;
}

/**
 * Pads `examples` into one batch: the fixed inputs and a function turning ligand poses
 * (flat, one per example) into the padded [B, L, 3] coordinate tensor.
 */
export function batchOf(
  tf: Tf,
  examples: BindingExample[],
): { inputs: BatchInputs; poses: (xs: ArrayLike<number>[]) => Tensor3D; maxLigand: number } {
  const B = examples.length;
  const L = Math.max(...examples.map((e) => e.ligand.length / 3));
  const P = Math.max(...examples.map((e) => e.pocket.length / 3));
  const FL = examples[0].ligandDim, FP = examples[0].pocketDim;
  const lf = new Float32Array(B * L * FL), pc = new Float32Array(B * P * 3);
  const pf = new Float32Array(B * P * FP), mask = new Float32Array(B * L * P);
  let padded = false;
  examples.forEach((ex, b) => {
    const nL = ex.ligand.length / 3, nP = ex.pocket.length / 3;
    if (nL < L || nP < P) padded = true;
    lf.set(ex.ligandFeatures, b * L * FL);
    pc.set(ex.pocket, b * P * 3);
    pf.set(ex.pocketFeatures, b * P * FP);
    for (let i = 0; i < nL; i++) mask.fill(1, (b * L + i) * P, (b * L + i) * P + nP);
  });
  return {
    inputs: {
      ligandFeatures: tf.tensor2d(lf, [B * L, FL]),
      pocket: tf.tensor3d(pc, [B, P, 3]),
      pocketFeatures: tf.tensor2d(pf, [B * P, FP]),
      pairMask: padded ? tf.tensor4d(mask, [B, L, P, 1]) : null,
    },
    poses: (xs) => {
      const x = new Float32Array(B * L * 3);
      xs.forEach((p, b) => x.set(Float32Array.from(p), b * L * 3));
      return tf.tensor3d(x, [B, L, 3]);
    },
    maxLigand: L,
  };
}

/**
 * The batched NERE rigid readout (as {@link rigidReadout}) of forces [B, L, 3] at the poses `xs`
 * (padded rows of the forces are zero): translations [B, 3], torques [B, 3], omegas [B, 3].
 */
export function rigidReadoutBatch(
  tf: Tf,
  forces: Tensor3D,
  xs: ArrayLike<number>[],
): { translation: Tensor; torque: Tensor; omega: Tensor } {
  const [B, L] = forces.shape;
  const r = new Float32Array(B * L * 3), inv = new Float32Array(B * 9), count = new Float32Array(B);
  xs.forEach((x, b) => {
    const n = x.length / 3, c = centroid(x);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < 3; k++) r[(b * L + i) * 3 + k] = x[3 * i + k] - c[k];
    }
    inv.set(ridgedInverse3(inertia(x, c)), b * 9);
    count[b] = 1 / n;
  });
  const g = tf.matMul(tf.tensor3d(r, [B, L, 3]), forces, true, false); // [B, 3, 3]
  const torque = tf.matMul(tf.reshape(g, [B, 9]), tf.tensor2d(TORQUE_SELECT, [9, 3])); // [B, 3]
  const omega = tf.reshape(
    tf.matMul(tf.reshape(torque, [B, 1, 3]), tf.tensor3d(inv, [B, 3, 3]), false, true),
    [B, 3],
  );
  const translation = tf.mul(tf.sum(forces, 1), tf.tensor2d(count, [B, 1]));
  return { translation, torque, omega };
}

/** tau = (G_yz - G_zy, G_zx - G_xz, G_xy - G_yx) from the flattened G_ab = sum r_a f_b. */
const TORQUE_SELECT = (() => {
  const sel = new Float32Array(27);
  const put = (a: number, b: number, k: number, s: number) => sel[(3 * a + b) * 3 + k] = s;
  put(1, 2, 0, 1),
    put(2, 1, 0, -1),
    put(2, 0, 1, 1),
    put(0, 2, 1, -1),
    put(0, 1, 2, 1),
    put(1, 0, 2, -1);
  return sel;
})();

/** Tensors of a binding example (dispose them, or create them inside tf.tidy). */
export function inputsOf(tf: Tf, ex: BindingExample): ExampleInputs {
  const nL = ex.ligand.length / 3, nP = ex.pocket.length / 3;
  return {
    ligandFeatures: tf.tensor2d(ex.ligandFeatures, [nL, ex.ligandDim]),
    pocket: tf.tensor2d(Float32Array.from(ex.pocket), [nP, 3]),
    pocketFeatures: tf.tensor2d(ex.pocketFeatures, [nP, ex.pocketDim]),
  };
}

/**
 * The NERE rigid-body readout of forces f = -dE/dx at ligand pose `x` (flat, float64 in JS):
 * translation score t = mean_i f_i, torque tau = sum_i r_i x f_i about the centroid, and angular
 * velocity omega = I^-1 tau from Euler's rotation equation started at rest; I is built in JS,
 * so it carries no gradient (the authors' code detaches it too).
 */
export function rigidReadout(
  tf: Tf,
  forces: Tensor2D,
  x: ArrayLike<number>,
): { translation: Tensor; torque: Tensor; omega: Tensor } {
  const n = x.length / 3, c = centroid(x);
  const r = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) r[3 * i + k] = x[3 * i + k] - c[k];
  const g = tf.matMul(tf.tensor2d(r, [n, 3]), forces, true, false); // G_ab = sum r_a f_b
  // tau = (G_yz - G_zy, G_zx - G_xz, G_xy - G_yx) as a product with a constant 9x3 matrix.
  const sel = new Float32Array(27);
  const put = (a: number, b: number, k: number, s: number) => sel[(3 * a + b) * 3 + k] = s;
  put(1, 2, 0, 1),
    put(2, 1, 0, -1),
    put(2, 0, 1, 1),
    put(0, 2, 1, -1),
    put(0, 1, 2, 1),
    put(1, 0, 2, -1);
  const torque = tf.matMul(tf.reshape(g, [1, 9]), tf.tensor2d(sel, [9, 3])); // [1, 3]
  const inv = ridgedInverse3(inertia(x, c));
  const omega = tf.matMul(torque, tf.tensor2d(Float32Array.from(inv), [3, 3]), false, true);
  return {
    translation: tf.mean(forces, 0),
    torque: tf.reshape(torque, [3]),
    omega: tf.reshape(omega, [3]),
  };
}

function ridgedInverse3(a: Mat3): Mat3 {
  // A tiny ridge keeps collinear ligands (singular inertia) finite.
  if (Math.abs(det3(a)) < 1e-9) return ridgedInverse3(a.map((v, i) => i % 4 === 0 ? v + 1e-3 : v));
  return inverse3(a);
}

/**
 * Energy and forces f = -dE/dx of the ligand at pose `x`, plus the rigid readout.
 *
 * @example
 * ```ts
 * import { loadTf } from "../nn/mod.ts";
 * import { EnergyNet, generateSynthetic, scorePose, SyntheticConfig } from "./mod.ts";
 * const tf = await loadTf();
 * const [{ example: ex }] = generateSynthetic(SyntheticConfig.parse({ complexes: 1, mcSamples: 10, langevinSteps: 10 }));
 * const net = new EnergyNet(tf, { ligandDim: ex.ligandDim, pocketDim: ex.pocketDim });
 * const out = await scorePose(tf, net, ex, ex.ligand); // { energy, forces, translation, torque, omega }
 * net.dispose();
 * ```
 */
export async function scorePose(
  tf: Tf,
  net: EnergyNet,
  ex: BindingExample,
  x: ArrayLike<number>,
): Promise<
  { energy: number; forces: Float64Array; translation: number[]; torque: number[]; omega: number[] }
> {
  const n = x.length / 3;
  const ts = tf.tidy(() => {
    const inputs = inputsOf(tf, ex);
    const lig = tf.tensor2d(Float32Array.from(x), [n, 3]);
    const { value, grad } = tf.valueAndGrad((l: Tensor) => net.energy(l as Tensor2D, inputs))(lig);
    const forces = tf.neg(grad) as Tensor2D;
    const r = rigidReadout(tf, forces, x);
    return [value, forces, r.translation, r.torque, r.omega];
  });
  const data = await Promise.all(ts.map((t) => t.data()));
  ts.forEach((t) => t.dispose());
  return {
    energy: data[0][0],
    forces: Float64Array.from(data[1]),
    translation: Array.from(data[2]),
    torque: Array.from(data[3]),
    omega: Array.from(data[4]),
  };
}

/** What {@link scorePose} and {@link scorePoses} give for one pose. */
export interface PoseScore {
  energy: number;
  forces: Float64Array;
  translation: number[];
  torque: number[];
  omega: number[];
}

/**
 * {@link scorePose} for many complexes at once: the poses run through the padded-batch path in
 * chunks of `chunk` complexes (one set of kernels and one read-back per chunk, instead of per
 * complex), with the forces in closed form (the network's first derivative written out, no
 * gradient tape; equal to autodiff to float rounding) and the rigid readout on the CPU.
 *
 * @example
 * ```ts
 * import { loadTf } from "../nn/mod.ts";
 * import { EnergyNet, generateSynthetic, scorePoses, SyntheticConfig } from "./mod.ts";
 * const tf = await loadTf();
 * const set = generateSynthetic(SyntheticConfig.parse({ complexes: 3, mcSamples: 10, langevinSteps: 10 }));
 * const net = new EnergyNet(tf, { ligandDim: 3, pocketDim: 3 });
 * const out = await scorePoses(tf, net, set.map((s) => s.example)); // one PoseScore per complex
 * net.dispose();
 * ```
 */
export async function scorePoses(
  tf: Tf,
  net: EnergyNet,
  examples: BindingExample[],
  poses?: ArrayLike<number>[],
  chunk = 32,
): Promise<PoseScore[]> {
  const out: PoseScore[] = [];
  for (let s = 0; s < examples.length; s += chunk) {
    const group = examples.slice(s, s + chunk);
    const xs = group.map((ex, b) => poses?.[s + b] ?? ex.ligand);
    let at = 0;
    for (const part of pairBudgetGroups(group, net.config.hidden)) {
      const px = xs.slice(at, at + part.length);
      at += part.length;
      const [e, f] = await scoreChunk(tf, net, part, px);
      const L = f.length / (3 * part.length);
      part.forEach((_, b) => {
        const n = px[b].length / 3;
        const forces = Float64Array.from(f.subarray(b * L * 3, b * L * 3 + 3 * n));
        out.push({ energy: e[b], forces, ...rigidReadoutOf(forces, px[b]) });
      });
    }
  }
  return out;
}

/**
 * Energies [B] and forces [B L 3] (padded rows zero) of one chunk, read back, in closed form
 * (`energyForcesBatch`: the energy network's first derivative by hand, no gradient tape; on wasm
 * with its kernels called directly). The closed form uses the pair form of the messages at
 * every size (the same function as the products form, rounding aside): for scoring it is faster
 * than autodiff of either form (1HPV size, 4 complexes: 48 against 70 ms per pass).
 */
async function scoreChunk(
  tf: Tf,
  net: EnergyNet,
  group: BindingExample[],
  xs: ArrayLike<number>[],
): Promise<Float32Array[]> {
  const { inputs, poses: batcher } = batchOf(tf, group);
  const lig = batcher(xs);
  try {
    if (tf.getBackend() === "wasm") {
      const r = energyForcesWasm(tf, net, lig, inputs);
      return [r.energies, r.forces];
    }
    const ts = tf.tidy(() => {
      const r = energyForcesBatch(tf, net, lig, inputs);
      return [r.energies, r.forces];
    });
    const data = await Promise.all(ts.map((x) => x.data() as Promise<Float32Array>));
    ts.forEach((x) => x.dispose());
    return data;
  } finally {
    lig.dispose();
    Object.values(inputs).forEach((t) => t?.dispose());
  }
}

/**
 * The rigid readout ({@link rigidReadout}) on the CPU in float64 from forces already read back:
 * translation = mean force, torque about the centroid, omega = I^-1 torque.
 */
function rigidReadoutOf(
  f: ArrayLike<number>,
  x: ArrayLike<number>,
): { translation: number[]; torque: number[]; omega: number[] } {
  const n = x.length / 3, c = centroid(x);
  const translation = [0, 0, 0], torque = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const r = [x[3 * i] - c[0], x[3 * i + 1] - c[1], x[3 * i + 2] - c[2]];
    const fi = [f[3 * i], f[3 * i + 1], f[3 * i + 2]];
    const q = cross(r, fi);
    for (let k = 0; k < 3; k++) {
      translation[k] += fi[k] / n;
      torque[k] += q[k];
    }
  }
  const inv = ridgedInverse3(inertia(x, c));
  return { translation, torque, omega: matVec3(inv, torque) };
}

/**
 * The predicted rigid correction of a pose: a denoising step at reference noise levels. A model
 * trained by NERE has t_pred ~ -t/eps^2 and omega ~ axis s_sigma(theta) ~ -theta axis/(2 sigma^2)
 * (small noise), so the step dt = eps^2 t_pred, dw = 2 sigma^2 omega undoes a perturbation of
 * that size: x' = exp(dw)(x - mu) + mu + dt.
 *
 * @example
 * ```ts
 * import { rigidCorrection } from "./mod.ts";
 * const x = [0, 0, 0, 1.5, 0, 0, 0, 1.5, 0];
 * const back = rigidCorrection(x, [0.4, 0, 0], [0, 0, 1], { transNoise: 0.5, rotNoise: 0.2 });
 * console.log(back.shift); // [0.1, 0, 0]
 * ```
 */
export function rigidCorrection(
  x: ArrayLike<number>,
  translation: ArrayLike<number>,
  omega: ArrayLike<number>,
  noise: { transNoise: number; rotNoise: number },
): { pose: Float64Array; shift: number[]; rotation: number[] } {
  const e2 = noise.transNoise ** 2, s2 = 2 * noise.rotNoise ** 2;
  const shift = [0, 1, 2].map((k) => e2 * translation[k]);
  const rotation = [0, 1, 2].map((k) => s2 * omega[k]);
  return { pose: rigidMotion(x, expSO3(rotation), centroid(x), shift), shift, rotation };
}
