/**
 * Adam for the energy network with its whole state in the open, so a checkpoint can hold it and
 * a resumed training continue bit for bit. The arithmetic is tfjs's `tf.train.adam` (4.22),
 * operation for operation: float32 moments, the products beta^t kept as float32 scalars and
 * multiplied by beta after each step, epsilon the backend's (1e-7 for float32), so swapping it
 * in changes no bits; tfjs's own optimiser keeps those products private and rebuilds them from
 * the step count on `setWeights` (as a power, which need not round the same way). The moments
 * of all variables live in one flat buffer, so a step is about 60 kernels instead of about 180
 * for the network's 12 variables (10 % of a NERE step at the synthetic size), with the same
 * arithmetic element by element.
 * @module
 */
import type * as TfNs from "npm:@tensorflow/tfjs@4.22.0";
import type { Tf } from "../nn/tf.ts";

/** Adam's state after some steps: what a checkpoint stores. */
export interface AdamState {
  /** Steps done. */
  readonly step: number;
  /** beta1^step and beta2^step as float32 (before the first step: beta1 and beta2, as tfjs). */
  readonly acc1: number;
  readonly acc2: number;
  /** First and second moments, one per variable in the order given to the optimiser. */
  readonly m: readonly Float32Array[];
  readonly v: readonly Float32Array[];
}

/** Adam over a fixed list of variables (see the module doc). */
export class Adam {
  /** The step size; may change between steps (learning-rate schedules). */
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  #step: number;
  #acc1: number;
  #acc2: number;
  readonly #tf: Tf;
  readonly #vars: TfNs.Variable[];
  /** Offsets of the variables in the flat moment buffers (one extra entry: the total). */
  readonly #offsets: number[];
  // The moments of all variables, concatenated: the update runs as a few kernels over one
  // buffer instead of a dozen per variable (the same arithmetic element by element).
  readonly #m: TfNs.Variable;
  readonly #v: TfNs.Variable;

  constructor(
    tf: Tf,
    variables: readonly TfNs.Variable[],
    learningRate: number,
    from?: AdamState,
    beta1 = 0.9,
    beta2 = 0.999,
  ) {
    this.#tf = tf;
    this.#vars = [...variables];
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = tf.backend().epsilon();
    if (from && (from.m.length !== variables.length || from.v.length !== variables.length)) {
      throw new Error(
        `Adam state has ${from.m.length} moments: expected one per variable (${variables.length})`,
      );
    }
    this.#step = from?.step ?? 0;
    this.#acc1 = from?.acc1 ?? Math.fround(beta1);
    this.#acc2 = from?.acc2 ?? Math.fround(beta2);
    this.#offsets = [0];
    for (const p of this.#vars) this.#offsets.push(this.#offsets.at(-1)! + p.size);
    const flat = (saved?: readonly Float32Array[]) => {
      const buf = new Float32Array(this.#offsets.at(-1)!);
      saved?.forEach((a, k) => {
        if (a.length !== this.#vars[k].size) {
          throw new Error(
            `Adam state: moment ${k} has ${a.length} entries: expected ${this.#vars[k].size}`,
          );
        }
        buf.set(a, this.#offsets[k]);
      });
      return tf.variable(tf.tensor1d(buf), false);
    };
    this.#m = flat(from?.m);
    this.#v = flat(from?.v);
  }

  /** One step with the gradients of the variables, by variable name. */
  applyGradients(grads: TfNs.NamedTensorMap): void {
    const tf = this.#tf, b1 = this.beta1, b2 = this.beta2;
    tf.tidy(() => {
      // A variable without a gradient keeps its value and moments: a zero gradient would decay
      // them, so its entries of the update are masked out.
      const missing = this.#vars.some((p) => grads[p.name] === undefined);
      const g = tf.concat(
        this.#vars.map((p) => tf.reshape(grads[p.name] ?? tf.zeros(p.shape), [p.size])),
      );
      const oneMinusAcc1 = tf.sub(1, tf.scalar(this.#acc1));
      const oneMinusAcc2 = tf.sub(1, tf.scalar(this.#acc2));
      const m = this.#m, v = this.#v;
      let m1 = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1));
      let v1 = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2));
      let keep: TfNs.Tensor | null = null;
      if (missing) {
        const mask = new Float32Array(this.#offsets.at(-1)!);
        this.#vars.forEach((p, k) => {
          if (grads[p.name] !== undefined) mask.fill(1, this.#offsets[k], this.#offsets[k + 1]);
        });
        keep = tf.tensor1d(mask);
        m1 = tf.where(tf.cast(keep, "bool"), m1, m);
        v1 = tf.where(tf.cast(keep, "bool"), v1, v);
      }
      const mHat = tf.div(m1, oneMinusAcc1), vHat = tf.div(v1, oneMinusAcc2);
      m.assign(m1);
      v.assign(v1);
      const step = tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), this.epsilon)), -this.learningRate);
      const parts = tf.split(step, this.#vars.map((p) => p.size));
      this.#vars.forEach((p, k) => {
        if (grads[p.name] === undefined) return;
        p.assign(tf.add(tf.reshape(parts[k], p.shape), p));
      });
    });
    // float32 products, as tfjs's accBeta variables (the product of two float32 values is
    // exact in a double, so rounding it once gives the float32 product).
    this.#acc1 = Math.fround(this.#acc1 * Math.fround(b1));
    this.#acc2 = Math.fround(this.#acc2 * Math.fround(b2));
    this.#step++;
  }

  /** A copy of the state (moments read back from the backend), one array per variable. */
  async state(): Promise<AdamState> {
    const split = async (x: TfNs.Variable) => {
      const all = await x.data() as Float32Array;
      return this.#vars.map((_, k) => all.slice(this.#offsets[k], this.#offsets[k + 1]));
    };
    return {
      step: this.#step,
      acc1: this.#acc1,
      acc2: this.#acc2,
      m: await split(this.#m),
      v: await split(this.#v),
    };
  }

  /** Frees the moments. */
  dispose(): void {
    this.#m.dispose();
    this.#v.dispose();
  }
}
