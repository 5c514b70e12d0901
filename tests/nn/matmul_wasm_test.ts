import { assert, assertEquals } from "../_assert.ts";
import { loadTf, type MatMulKernel, setMatMulKernel, type Tf } from "../../src/nn/mod.ts";
import { uniform } from "./_second_order.ts";

type T = ReturnType<Tf["tensor"]>;

/** [a shape, b shape, transposeA, transposeB]: every combination the project uses. */
const SHAPES: [number[], number[], boolean, boolean][] = [
  [[16, 8], [8, 12], false, false], // 2-D
  [[8, 16], [8, 12], true, false], // weight gradients
  [[16, 8], [12, 8], false, true],
  [[8, 16], [12, 8], true, true],
  [[70, 45], [45, 33], false, false], // beyond one microkernel tile
  [[45, 70], [33, 45], true, true],
  [[3, 10, 8], [3, 8, 6], false, false], // batched 3-D
  [[3, 8, 10], [3, 6, 8], true, true],
  [[2, 4, 12, 8], [2, 4, 12, 8], false, true], // attention scores q k^T
  [[2, 4, 12, 12], [2, 4, 12, 8], false, false], // attention weights x v
  [[2, 4, 12, 12], [2, 4, 12, 8], true, false], // their gradients
  [[2, 4, 8, 12], [2, 4, 12, 8], true, true],
  [[4, 6, 8], [8, 5], false, false], // [B,T,D] x [D,F] broadcast
  [[4, 8, 6], [5, 8], true, true],
  [[1, 6, 8], [3, 8, 5], false, false], // broadcast left operand
  [[3, 6, 8], [1, 8, 5], false, false], // broadcast right operand
  [[2, 1, 6, 8], [1, 3, 8, 5], false, false], // broadcast on both sides
  [[5, 7], [7, 1], false, false], // matrix x vector
  [[1, 7], [7, 5], false, false],
];

/** Products in float64 from the float32 inputs, with the batch broadcast. */
function reference(
  a: Float32Array,
  b: Float32Array,
  sa: number[],
  sb: number[],
  ta: boolean,
  tb: boolean,
): { values: Float64Array; bound: Float64Array } {
  const ra = sa.length, rb = sb.length;
  const m = ta ? sa[ra - 1] : sa[ra - 2], k = ta ? sa[ra - 2] : sa[ra - 1];
  const n = tb ? sb[rb - 2] : sb[rb - 1];
  const ba = sa.slice(0, -2), bb = sb.slice(0, -2);
  const rank = Math.max(ba.length, bb.length);
  const pa = [...Array(rank - ba.length).fill(1), ...ba],
    pb = [...Array(rank - bb.length).fill(1), ...bb];
  const out = pa.map((d, i) => Math.max(d, pb[i]));
  const count = out.reduce((p, d) => p * d, 1);
  const values = new Float64Array(count * m * n), bound = new Float64Array(count * m * n);
  for (let i = 0; i < count; i++) {
    let rem = i, ia = 0, ib = 0, strideA = 1, strideB = 1;
    for (let d = rank - 1; d >= 0; d--) {
      const idx = rem % out[d];
      rem = Math.floor(rem / out[d]);
      ia += (pa[d] === 1 ? 0 : idx) * strideA;
      ib += (pb[d] === 1 ? 0 : idx) * strideB;
      strideA *= pa[d];
      strideB *= pb[d];
    }
    for (let r = 0; r < m; r++) {
      for (let c = 0; c < n; c++) {
        let s = 0, abs = 0;
        for (let j = 0; j < k; j++) {
          const x = a[ia * m * k + (ta ? j * m + r : r * k + j)];
          const y = b[ib * k * n + (tb ? c * k + j : j * n + c)];
          s += x * y;
          abs += Math.abs(x * y);
        }
        values[i * m * n + r * n + c] = s;
        bound[i * m * n + r * n + c] = abs;
      }
    }
  }
  return { values, bound };
}

for (const route of ["gemm", "xnnpack"] as MatMulKernel[]) {
  Deno.test(`wasm matMul (${route} route) matches a float64 reference on every shape used`, async () => {
    const tf = await loadTf("wasm");
    assertEquals(setMatMulKernel(route), route, "relaxed SIMD validates on this runtime");
    let seed = 20;
    try {
      for (const [sa, sb, ta, tb] of SHAPES) {
        const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
        const av = uniform(size(sa), seed++), bv = uniform(size(sb), seed++);
        const a = tf.tensor(av, sa), b = tf.tensor(bv, sb);
        const fast = tf.matMul(a, b, ta, tb);
        const again = tf.matMul(a, b, ta, tb);
        setMatMulKernel("stock");
        const stockShape = sa.length === sb.length && !sa.slice(0, -2).some((d, i) => d !== sb[i]);
        const stock = stockShape ? tf.matMul(a, b, ta, tb) : null;
        setMatMulKernel(route);
        const got = fast.dataSync() as Float32Array;
        const ref = reference(av, bv, sa, sb, ta, tb);
        const what = `${route}: ${sa} x ${sb} (transposeA ${ta}, transposeB ${tb})`;
        assertEquals(got.length, ref.values.length, what);
        // float32 accumulation: |error| <= k u sum |a b| with u = 2^-24 (the standard dot bound).
        const k = ta ? sa[sa.length - 2] : sa[sa.length - 1];
        for (let i = 0; i < got.length; i++) {
          const err = Math.abs(got[i] - ref.values[i]);
          assert(err <= k * 2 ** -24 * ref.bound[i] + 1e-30, `${what}: element ${i} off by ${err}`);
        }
        assertEquals(again.dataSync(), got, `${what}: same inputs, same bits`);
        // XNNPACK route, equal shapes: the stock kernel runs XNNPACK too, so the same bits.
        if (stock && route === "xnnpack") assertEquals(got, stock.dataSync(), what);
        tf.dispose([a, b, fast, again, ...(stock ? [stock] : [])]);
      }
    } finally {
      setMatMulKernel("gemm");
    }
  });
}

Deno.test("cpu matMul with both operands broadcast ([2,1,..] x [1,3,..]) matches float64", async () => {
  const tf = await loadTf("cpu");
  let seed = 60;
  for (const [sa, sb, ta, tb] of SHAPES) {
    const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
    const av = uniform(size(sa), seed++), bv = uniform(size(sb), seed++);
    const a = tf.tensor(av, sa), b = tf.tensor(bv, sb);
    const c = tf.matMul(a, b, ta, tb);
    const got = c.dataSync(), ref = reference(av, bv, sa, sb, ta, tb);
    const k = ta ? sa[sa.length - 2] : sa[sa.length - 1];
    const bad = got.findIndex((v, i) =>
      !(Math.abs(v - ref.values[i]) <= k * 2 ** -24 * ref.bound[i] + 1e-30)
    );
    assertEquals(bad, -1, `${sa} x ${sb} (${ta}, ${tb})`);
    tf.dispose([a, b, c]);
  }
});

Deno.test("gradients through the fast wasm matMul equal the cpu backend's within the float32 bound", async () => {
  let seed = 90;
  for (const [sa, sb, ta, tb] of SHAPES) {
    const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
    const av = uniform(size(sa), seed++), bv = uniform(size(sb), seed++);
    const results: Float32Array[][] = [];
    for (const backend of ["wasm", "cpu"] as const) {
      const tf = await loadTf(backend);
      const before = tf.memory().numTensors;
      const a = tf.tensor(av, sa), b = tf.tensor(bv, sb);
      const weight = tf.tidy(() => tf.sin(tf.range(0, size(tf.matMul(a, b, ta, tb).shape))));
      const loss = (w: T) => (p: T, q: T) =>
        tf.sum(tf.mul(tf.reshape(tf.matMul(p, q, ta, tb), [-1]), w));
      const grads = tf.grads(loss(weight))([a, b]);
      // The same products on |inputs| give sum |dy b| per element, the scale of the rounding.
      const abs = tf.tidy(() => tf.grads(loss(tf.abs(weight)))([tf.abs(a), tf.abs(b)]));
      results.push([...grads, ...abs].map((g) => g.dataSync() as Float32Array));
      tf.dispose([a, b, weight, ...grads, ...abs]);
      assertEquals(tf.memory().numTensors, before, "no leaks");
    }
    // Each result is within n u sum|dy b| of the exact value (n the longest summed length,
    // u = 2^-24), so the two are within 2 n u of each other.
    const n = Math.max(...sa, ...sb) * Math.max(1, ...sa.slice(0, -2), ...sb.slice(0, -2));
    for (let i = 0; i < 2; i++) {
      const [f, c, m] = [results[0][i], results[1][i], results[1][i + 2]];
      assertEquals(f.length, c.length);
      const bad = f.findIndex((v, j) => !(Math.abs(v - c[j]) <= 2 * n * 2 ** -24 * m[j] + 1e-30));
      assertEquals(
        bad,
        -1,
        `${sa} x ${sb} (${ta}, ${tb}) gradient ${i}: ${f[bad]} vs ${c[bad]} (scale ${m[bad]})`,
      );
    }
  }
});
