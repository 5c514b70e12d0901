/**
 * The tfjs layer's demo section: second derivatives with and without the tape-order fix
 * against finite differences, and the wasm matrix-product speed-up (a few seconds).
 * @module
 */
import { loadTf, type Tf } from "./tf.ts";
import { setTapeOrderFix } from "./patches.ts";
import {
  fastMatMulEnabled,
  type MatMulKernel,
  matMulKernel,
  setMatMulKernel,
} from "./matmul_wasm.ts";

type T = ReturnType<Tf["tensor"]>;

/** An energy through tanh, exp and softmax, ops whose gradients reuse their saved outputs. */
function energy(tf: Tf, x: T, w: T): T {
  const z = tf.matMul(x, w);
  return tf.add(
    tf.sum(tf.tanh(tf.mul(z, 2))),
    tf.add(tf.sum(tf.exp(tf.mul(z, 0.5))), tf.sum(tf.mul(tf.softmax(z), tf.range(0, 4)))),
  );
}

function mixedDerivative(tf: Tf, x: T, w: T, v: T): { ad: number; fd: number } {
  const loss = (ww: T) => tf.sum(tf.square(tf.grad((xx: T) => energy(tf, xx, ww))(x)));
  const ad = tf.tidy(() => tf.sum(tf.mul(tf.grad(loss)(w), v)).dataSync()[0]);
  const at = (s: number) => tf.tidy(() => loss(tf.add(w, tf.mul(v, s))).dataSync()[0]);
  const d = (h: number) => (at(h) - at(-h)) / (2 * h);
  return { ad, fd: (4 * d(0.01) - d(0.02)) / 3 };
}

function gflops(tf: Tf, m: number, k: number, n: number, transposeA: boolean): number {
  const a = tf.randomNormal(transposeA ? [k, m] : [m, k], 0, 1, "float32", 1);
  const b = tf.randomNormal([k, n], 0, 1, "float32", 2);
  tf.matMul(a, b, transposeA).dispose();
  let reps = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 300 || reps < 2) {
    const c = tf.matMul(a, b, transposeA);
    c.dataSync();
    c.dispose();
    reps++;
  }
  tf.dispose([a, b]);
  return (2 * m * k * n) / ((performance.now() - t0) / 1000 / reps) / 1e9;
}

/**
 * Prints the tfjs layer's showcase: a second-derivative check (stock tfjs vs the patched layer)
 * and the matrix-product speed-up of the wasm kernel, in a few seconds.
 */
export async function demoSection(print: (line: string) => void): Promise<void> {
  const tf = await loadTf("wasm");
  print("The tfjs layer (tfjs 4.22.0, " + tf.getBackend() + " backend)");
  const x = tf.tensor2d(Array.from({ length: 24 }, (_, i) => Math.sin(1.7 * i)), [8, 3]);
  const w = tf.tensor2d(Array.from({ length: 12 }, (_, i) => 0.5 * Math.cos(2.3 * i)), [3, 4]);
  const v = tf.tensor2d(Array.from({ length: 12 }, (_, i) => Math.sin(0.9 * i + 1)), [3, 4]);
  const patched = mixedDerivative(tf, x, w, v);
  setTapeOrderFix(tf, false);
  let stock: { ad: number; fd: number };
  try {
    stock = mixedDerivative(tf, x, w, v);
  } finally {
    setTapeOrderFix(tf, true);
  }
  tf.dispose([x, w, v]);
  const rel = (r: { ad: number; fd: number }) => Math.abs(r.ad - r.fd) / Math.abs(r.fd);
  print(
    "   d/dw ||dE/dx||^2 through tanh, exp and softmax (finite differences: " +
      `${patched.fd.toFixed(4)}):`,
  );
  print(
    `     stock tfjs   ${stock.ad.toFixed(4)}  (${(100 * rel(stock)).toFixed(1)} % off, no error)`,
  );
  print(`     patched      ${patched.ad.toFixed(4)}  (${rel(patched).toExponential(1)} relative)`);
  if (tf.getBackend() === "wasm" && fastMatMulEnabled()) {
    const route = matMulKernel();
    const speed = (kernel: MatMulKernel) => {
      setMatMulKernel(kernel);
      return gflops(tf, 1024, 128, 256, true);
    };
    const [stockT, xnnT, gemmT] = [speed("stock"), speed("xnnpack"), speed("gemm")];
    setMatMulKernel(route);
    print(
      `   weight-gradient product [128,1024]^T x [128,256] (transposeA), GFLOP/s: stock kernel ` +
        `${stockT.toFixed(2)}, XNNPACK route ${xnnT.toFixed(2)}, relaxed-SIMD GEMM ` +
        `${gemmT.toFixed(2)} (${(gemmT / stockT).toFixed(1)}x stock)`,
    );
  }
}
