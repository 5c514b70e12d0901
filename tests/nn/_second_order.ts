/**
 * Mixed second-derivative checks: for an energy E(x; w), L(w) = ||dE/dx||^2, the derivative
 * dL/dw along a direction v from tfjs (a gradient of a gradient) against central finite
 * differences of L (float32 evaluations, differences and Richardson extrapolation in float64).
 * @module
 */
import type { Tf } from "../../src/nn/mod.ts";

type T = ReturnType<Tf["tensor"]>;

/** An energy under test: x [8, 3] coordinates, w [3, 4] parameters, a scalar result. */
export interface EnergyCase {
  name: string;
  energy: (tf: Tf, x: T, w: T) => T;
  /**
   * FD step for piecewise-smooth energies (masks, max, clipping): their force jumps where an
   * entry crosses a kink, so the step must be small enough that no entry does.
   */
  step?: number;
}

/** Deterministic values in [-1, 1) (an LCG; tests must not depend on Math.random). */
export function uniform(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** AD and FD values of dL/dw . v for one case. */
export interface MixedCheck {
  ad: number;
  fd: number;
  /** |ad - fd| / max(1, |fd|). */
  error: number;
}

/** L(w) = ||dE/dx||^2 at fixed x (float32, read back as a double). */
function forceNorm(tf: Tf, c: EnergyCase, x: T, w: T): number {
  return scalarOf(tf.tidy(() => {
    const f = tf.grad((xx: T) => c.energy(tf, xx, w))(x);
    return tf.sum(tf.square(f));
  }));
}

/** The value of a scalar tensor, which is then disposed. */
function scalarOf(t: T): number {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
}

/**
 * Runs the check for one case at fixed, seeded x, w and v. The FD step h = 2e-2 is large
 * enough that float32 rounding of L (about 1e-7 |L|) contributes < 1e-5 |L| / |dL|, and the
 * Richardson combination of steps h and h/2 cancels the h^2 truncation term.
 */
export function mixedSecondDerivative(tf: Tf, c: EnergyCase, seed = 1): MixedCheck {
  const x = tf.tensor2d(uniform(24, seed), [8, 3]);
  const w = tf.tensor2d(uniform(12, seed + 1).map((v) => 0.7 * v), [3, 4]);
  const v = tf.tensor2d(uniform(12, seed + 2), [3, 4]);
  try {
    const grad = tf.tidy(() =>
      tf.grad((ww: T) => {
        const f = tf.grad((xx: T) => c.energy(tf, xx, ww))(x);
        return tf.sum(tf.square(f));
      })(w)
    );
    const ad = scalarOf(tf.tidy(() => tf.sum(tf.mul(grad, v))));
    grad.dispose();
    const at = (s: number) => {
      const ws = tf.tidy(() => tf.add(w, tf.mul(v, s)));
      const l = forceNorm(tf, c, x, ws);
      ws.dispose();
      return l;
    };
    const d = (h: number) => (at(h) - at(-h)) / (2 * h);
    const h = c.step ?? 2e-2;
    const fd = (4 * d(h / 2) - d(h)) / 3;
    return { ad, fd, error: Math.abs(ad - fd) / Math.max(1, Math.abs(fd)) };
  } finally {
    tf.dispose([x, w, v]);
  }
}

const pairDistances = (tf: Tf, x: T) => {
  // Distances between the 8 points and 3 fixed centres (no self-pairs, so no sqrt(0)).
  const centres = tf.tensor2d([[0.3, -0.2, 1.5], [-1.4, 0.5, 0.1], [0.2, 1.6, -0.7]]);
  return tf.norm(tf.sub(tf.expandDims(x, 1), tf.expandDims(centres, 0)), "euclidean", -1);
};

/** Every op the project differentiates twice, each inside a small energy. */
export const CASES: EnergyCase[] = [
  { name: "exp", energy: (tf, x, w) => tf.sum(tf.exp(tf.matMul(x, w))) },
  { name: "sigmoid", energy: (tf, x, w) => tf.sum(tf.sigmoid(tf.mul(tf.matMul(x, w), 2))) },
  {
    name: "SiLU",
    energy: (tf, x, w) => {
      const z = tf.mul(tf.matMul(x, w), 2);
      return tf.sum(tf.mul(z, tf.sigmoid(z)));
    },
  },
  { name: "tanh", energy: (tf, x, w) => tf.sum(tf.tanh(tf.mul(tf.matMul(x, w), 2))) },
  {
    name: "softmax",
    energy: (tf, x, w) => tf.sum(tf.mul(tf.softmax(tf.matMul(x, w)), tf.range(0, 4))),
  },
  {
    name: "logSoftmax",
    energy: (tf, x, w) => tf.sum(tf.mul(tf.logSoftmax(tf.matMul(x, w)), tf.range(1, 5))),
  },
  { name: "softplus", energy: (tf, x, w) => tf.sum(tf.square(tf.softplus(tf.matMul(x, w)))) },
  {
    name: "log",
    energy: (tf, x, w) => tf.sum(tf.log(tf.add(tf.square(tf.matMul(x, w)), 0.5))),
  },
  {
    name: "sqrt",
    energy: (tf, x, w) => tf.sum(tf.sqrt(tf.add(tf.square(tf.matMul(x, w)), 0.3))),
  },
  {
    name: "norm",
    energy: (tf, x, w) => tf.sum(tf.mul(pairDistances(tf, x), tf.sum(tf.square(w)))),
  },
  {
    name: "matMul (transposes, batched)",
    energy: (tf, x, w) => {
      const h = tf.matMul(x, w); // [8, 4]
      const g = tf.matMul(h, h, true, false); // [4, 4]
      const b = tf.matMul(tf.reshape(h, [2, 4, 4]), tf.reshape(h, [2, 4, 4]), false, true);
      return tf.add(tf.sum(tf.square(g)), tf.sum(tf.square(b)));
    },
  },
  {
    name: "gather",
    energy: (tf, x, w) => {
      const rows = tf.gather(x, tf.tensor1d([0, 3, 3, 7, 1], "int32"));
      const cols = tf.gather(w, tf.tensor1d([2, 0, 1], "int32"), 1);
      return tf.sum(tf.square(tf.matMul(rows, cols)));
    },
  },
  {
    name: "where / maximum",
    step: 2e-3,
    energy: (tf, x, w) => {
      const z = tf.matMul(x, w);
      const masked = tf.where(tf.greater(z, 0.1), tf.square(z), tf.mul(z, -0.5));
      return tf.add(tf.sum(masked), tf.sum(tf.square(tf.maximum(z, tf.mul(z, 0.3)))));
    },
  },
  {
    name: "logSumExp / max",
    step: 2e-3,
    energy: (tf, x, w) => {
      const z = tf.mul(tf.matMul(x, w), 2);
      return tf.add(tf.sum(tf.logSumExp(z, 1)), tf.sum(tf.square(tf.max(z, 1))));
    },
  },
  {
    name: "logSoftmax as z - logSumExp",
    energy: (tf, x, w) => {
      const z = tf.matMul(x, w);
      return tf.sum(tf.mul(tf.sub(z, tf.logSumExp(z, 1, true)), tf.range(1, 5)));
    },
  },
  {
    name: "RBF exp(-g d^2)",
    energy: (tf, x, w) => {
      // Learned widths g = w[0, :3]^2 + 0.5 and weights w[1, :3]: the saved exp output
      // depends on w, which is what stock tfjs gets wrong.
      const d = pairDistances(tf, x); // [8, 3]
      const g = tf.add(tf.square(tf.slice(w, [0, 0], [1, 3])), 0.5);
      const rbf = tf.exp(tf.mul(tf.square(d), tf.neg(g))); // [8, 3]
      return tf.sum(tf.mul(rbf, tf.slice(w, [1, 0], [1, 3])));
    },
  },
  { name: "elu", energy: (tf, x, w) => tf.sum(tf.square(tf.elu(tf.mul(tf.matMul(x, w), 2)))) },
  {
    name: "leakyRelu",
    step: 2e-3,
    energy: (tf, x, w) => tf.sum(tf.square(tf.leakyRelu(tf.matMul(x, w), 0.2))),
  },
  {
    name: "clipByValue",
    step: 2e-3,
    energy: (tf, x, w) => tf.sum(tf.square(tf.clipByValue(tf.matMul(x, w), -0.6, 0.6))),
  },
];

/** The cases whose gradient reuses the op's saved output: stock tfjs gets them wrong. */
export const SAVED_OUTPUT_CASES = [
  "exp",
  "sigmoid",
  "SiLU",
  "tanh",
  "softmax",
  "logSoftmax",
  "RBF exp(-g d^2)",
  "elu",
];
