/**
 * AdamW (decoupled weight decay on matrices), linear warm-up then cosine decay, and clipping by
 * the global gradient norm. The moments are tfjs variables so that checkpoints hold them and a
 * resumed run continues bit for bit.
 * @module
 */
import type { Tensor, Variable } from "npm:@tensorflow/tfjs@4.22.0";
import type { Tf } from "../nn/tf.ts";

/** Optimiser settings. */
export interface AdamWOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Clip the global gradient norm to this (0: off). */
  clip: number;
}

/**
 * Learning rate at `step` (0-based): linear warm-up over `warmup` steps, then cosine from `lr`
 * down to `minFraction * lr` at `total`.
 *
 * @example
 * ```ts
 * cosineLr(0, { lr: 1e-3, warmup: 10, total: 100, minFraction: 0.1 }); // 1e-4
 * ```
 */
export function cosineLr(
  step: number,
  s: { lr: number; warmup: number; total: number; minFraction: number },
): number {
  if (step < s.warmup) return s.lr * (step + 1) / s.warmup;
  const span = Math.max(1, s.total - s.warmup);
  const progress = Math.min(1, (step - s.warmup) / span);
  return s.lr * (s.minFraction + (1 - s.minFraction) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

/** AdamW state: first and second moments per parameter, and the step count. */
export class AdamW {
  readonly m = new Map<string, Variable>();
  readonly v = new Map<string, Variable>();
  step = 0;

  constructor(
    readonly tf: Tf,
    readonly params: Map<string, Variable>,
    readonly opts: AdamWOptions,
  ) {
    for (const [name, p] of params) {
      this.m.set(name, tf.variable(tf.zeros(p.shape), false));
      this.v.set(name, tf.variable(tf.zeros(p.shape), false));
    }
  }

  /**
   * Applies one update with learning rate `lr` to the gradients; returns the global gradient
   * norm before clipping. Only matrices (rank 2) decay.
   */
  async apply(grads: Record<string, Tensor>, lr: number): Promise<number> {
    const { tf, opts } = this;
    const norm = tf.tidy(() =>
      tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))))
    );
    const gnorm = (await norm.data())[0];
    norm.dispose();
    const scale = opts.clip > 0 && gnorm > opts.clip ? opts.clip / gnorm : 1;
    this.step++;
    const c1 = 1 - Math.pow(opts.beta1, this.step), c2 = 1 - Math.pow(opts.beta2, this.step);
    tf.tidy(() => {
      for (const [name, p] of this.params) {
        const g = scale === 1 ? grads[name] : tf.mul(grads[name], scale);
        const m = this.m.get(name)!, v = this.v.get(name)!;
        const m1 = tf.add(tf.mul(m, opts.beta1), tf.mul(g, 1 - opts.beta1));
        const v1 = tf.add(tf.mul(v, opts.beta2), tf.mul(tf.square(g), 1 - opts.beta2));
        let upd = tf.div(tf.div(m1, c1), tf.add(tf.sqrt(tf.div(v1, c2)), opts.eps));
        if (p.shape.length === 2 && opts.weightDecay > 0) {
          upd = tf.add(upd, tf.mul(p, opts.weightDecay));
        }
        m.assign(m1);
        v.assign(v1);
        p.assign(tf.sub(p, tf.mul(upd, lr)));
      }
    });
    return gnorm;
  }
}
