/**
 * Adam for the energy network with its whole state in the open, so a checkpoint can hold it and
 * a resumed training continue bit for bit. The arithmetic is tfjs's `tf.train.adam` (4.22),
 * operation for operation: float32 moments, the products beta^t kept as float32 scalars and
 * multiplied by beta after each step, epsilon the backend's (1e-7 for float32), so swapping it
 * in changes no bits; tfjs's own optimiser keeps those products private and rebuilds them from
 * the step count on `setWeights` (as a power, which need not round the same way).
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
  readonly #m: TfNs.Variable[];
  readonly #v: TfNs.Variable[];

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
    const moment = (k: number, saved?: readonly Float32Array[]) => {
      const p = this.#vars[k];
      if (saved && saved[k].length !== p.size) {
        throw new Error(
          `Adam state: moment ${k} has ${saved[k].length} entries: expected ${p.size}`,
        );
      }
      return tf.variable(saved ? tf.tensor(saved[k], p.shape) : tf.zerosLike(p), false);
    };
    this.#m = this.#vars.map((_, k) => tf.tidy(() => moment(k, from?.m)));
    this.#v = this.#vars.map((_, k) => tf.tidy(() => moment(k, from?.v)));
  }

  /** One step with the gradients of the variables, by variable name. */
  applyGradients(grads: TfNs.NamedTensorMap): void {
    const tf = this.#tf, b1 = this.beta1, b2 = this.beta2;
    tf.tidy(() => {
      const oneMinusAcc1 = tf.sub(1, tf.scalar(this.#acc1));
      const oneMinusAcc2 = tf.sub(1, tf.scalar(this.#acc2));
      this.#vars.forEach((p, k) => {
        const g = grads[p.name];
        if (g === undefined) return;
        const m = this.#m[k], v = this.#v[k];
        const m1 = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1));
        const v1 = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2));
        const mHat = tf.div(m1, oneMinusAcc1), vHat = tf.div(v1, oneMinusAcc2);
        m.assign(m1);
        v.assign(v1);
        const step = tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), this.epsilon)), -this.learningRate);
        p.assign(tf.add(step, p));
      });
    });
    // float32 products, as tfjs's accBeta variables (the product of two float32 values is
    // exact in a double, so rounding it once gives the float32 product).
    this.#acc1 = Math.fround(this.#acc1 * Math.fround(b1));
    this.#acc2 = Math.fround(this.#acc2 * Math.fround(b2));
    this.#step++;
  }

  /** A copy of the state (moments read back from the backend). */
  async state(): Promise<AdamState> {
    const read = async (vs: TfNs.Variable[]) =>
      await Promise.all(vs.map(async (x) => Float32Array.from(await x.data())));
    return {
      step: this.#step,
      acc1: this.#acc1,
      acc2: this.#acc2,
      m: await read(this.#m),
      v: await read(this.#v),
    };
  }

  /** Frees the moments. */
  dispose(): void {
    for (const x of [...this.#m, ...this.#v]) x.dispose();
  }
}
