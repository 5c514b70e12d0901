import { assert, assertEquals } from "../_assert.ts";
import {
  createGemm,
  DEFAULT_GEMM,
  type GemmShape,
  relaxedGemmSupported,
} from "../../src/nn/gemm_wasm.ts";
import { loadTf } from "../../src/nn/mod.ts";
import { uniform } from "./_second_order.ts";

/** Tile variants: the default, splat broadcasts, mul + add, and tiny blocks (K and M blocking). */
const VARIANTS: GemmShape[] = [
  DEFAULT_GEMM,
  { ...DEFAULT_GEMM, mr: 6, nr: 8, mc: 96, broadcast: "splat" },
  { ...DEFAULT_GEMM, mr: 3, nr: 12, mc: 9, broadcast: "splat", fma: false },
  { ...DEFAULT_GEMM, kc: 8, mc: 8, unroll: 2 },
];
const EDGES = [1, 3, 5, 7, 17, 33];

/** A fresh memory with a bump allocator; scratch lives above 4 MiB. */
function standalone(shape: GemmShape) {
  const memory = new WebAssembly.Memory({ initial: 128 });
  let top = 4 << 20;
  const gemm = createGemm(memory, {
    alloc: (bytes) => {
      const p = top;
      top += bytes;
      return p;
    },
    free: () => {},
  }, shape);
  assert(gemm, "relaxed SIMD validates on this runtime");
  return { memory, gemm };
}

/** C = op(A) op(B) in float64 from the float32 values. */
function reference(
  a: Float32Array,
  b: Float32Array,
  m: number,
  n: number,
  k: number,
  ta: boolean,
  tb: boolean,
) {
  const values = new Float64Array(m * n), bound = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0, abs = 0;
      for (let p = 0; p < k; p++) {
        const x = a[ta ? p * m + i : i * k + p] * b[tb ? j * k + p : p * n + j];
        s += x;
        abs += Math.abs(x);
      }
      values[i * n + j] = s;
      bound[i * n + j] = abs;
    }
  }
  return { values, bound };
}

/**
 * Runs one product with A at 0, B after it, C after B with 8 sentinel floats either side;
 * returns C and checks that the operands and the sentinels are untouched.
 */
function run(
  g: ReturnType<typeof standalone>,
  a: Float32Array,
  b: Float32Array,
  m: number,
  n: number,
  k: number,
  ta: boolean,
  tb: boolean,
): Float32Array {
  const heap = new Float32Array(g.memory.buffer);
  const bAt = a.length, cAt = bAt + b.length + 8;
  heap.set(a, 0);
  heap.set(b, bAt);
  heap.fill(-7.25, cAt - 8, cAt + m * n + 8);
  g.gemm.gemm(0, ta ? 1 : k, ta ? m : 1, 4 * bAt, tb ? 1 : n, tb ? k : 1, 4 * cAt, m, n, k);
  const after = new Float32Array(g.memory.buffer);
  const what = `${m}x${n}x${k} (${ta}, ${tb})`;
  // Plain arrays: their deep equality counts NaN equal to NaN (typed arrays' does not here).
  assertEquals(Array.from(after.slice(0, a.length)), Array.from(a), `${what}: A untouched`);
  assertEquals(Array.from(after.slice(bAt, bAt + b.length)), Array.from(b), `${what}: B untouched`);
  const guard = [...after.slice(cAt - 8, cAt), ...after.slice(cAt + m * n, cAt + m * n + 8)];
  assert(guard.every((v) => v === -7.25), `${what}: wrote outside C`);
  return after.slice(cAt, cAt + m * n);
}

Deno.test("relaxed SIMD GEMM validates on this runtime (else matMul falls back to XNNPACK)", () => {
  assert(relaxedGemmSupported());
});

Deno.test("GEMM with small integers is exact on every edge size, transpose and tile variant", () => {
  let seed = 1;
  for (const shape of VARIANTS) {
    const g = standalone(shape);
    for (const m of EDGES) {
      for (const n of EDGES) {
        for (const k of EDGES) {
          for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
            // Integers in [-3, 3]: every product and partial sum is exact in float32.
            const a = uniform(m * k, seed++).map((v) => Math.round(6 * v - 3));
            const b = uniform(k * n, seed++).map((v) => Math.round(6 * v - 3));
            const c = run(g, a, b, m, n, k, ta, tb);
            const ref = reference(a, b, m, n, k, ta, tb);
            assertEquals(
              Array.from(c),
              Array.from(ref.values),
              `${JSON.stringify(shape)} ${m}x${n}x${k} (${ta}, ${tb})`,
            );
          }
        }
      }
    }
  }
});

Deno.test("GEMM is within the float32 dot-product bound across K blocks, and deterministic", () => {
  let seed = 500;
  for (const shape of VARIANTS) {
    const g = standalone(shape);
    for (const [m, n, k] of [[33, 17, 257], [5, 40, 513], [70, 9, 300], [2, 3, 1000]]) {
      for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
        const a = uniform(m * k, seed++).map((v) => v - 0.5);
        const b = uniform(k * n, seed++).map((v) => v - 0.5);
        const c = run(g, a, b, m, n, k, ta, tb);
        const ref = reference(a, b, m, n, k, ta, tb);
        const what = `${JSON.stringify(shape)} ${m}x${n}x${k} (${ta}, ${tb})`;
        for (let i = 0; i < c.length; i++) {
          const err = Math.abs(c[i] - ref.values[i]);
          assert(err <= k * 2 ** -24 * ref.bound[i], `${what}: element ${i} off by ${err}`);
        }
        assertEquals(run(g, a, b, m, n, k, ta, tb), c, `${what}: same inputs, same bits`);
      }
    }
  }
});

Deno.test("GEMM propagates NaN and Infinity only to the rows and columns they touch", () => {
  const g = standalone(DEFAULT_GEMM);
  const [m, n, k] = [9, 11, 6];
  for (const [ta, tb] of [[false, false], [true, true]]) {
    const a = uniform(m * k, 31), b = uniform(k * n, 32);
    a[ta ? 2 * m + 4 : 4 * k + 2] = NaN; // A(4, 2)
    b[tb ? 7 * k + 5 : 5 * n + 7] = Infinity; // B(5, 7)
    const c = run(g, a, b, m, n, k, ta, tb);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const v = c[i * n + j];
        if (i === 4) assert(Number.isNaN(v), `row 4 is NaN (${i}, ${j})`);
        else if (j === 7) {
          const sign = Math.sign(a[ta ? 5 * m + i : i * k + 5]); // A(i, 5) times +Infinity
          assertEquals(v, sign * Infinity, `column 7 is infinite (${i}, ${j})`);
        } else assert(Number.isFinite(v), `(${i}, ${j}) is finite: zero padding adds no NaN`);
      }
    }
  }
});

Deno.test("matMul on the GEMM route stays right after the tfjs wasm heap grows", async () => {
  const tf = await loadTf("wasm");
  const av = uniform(37 * 19, 900), bv = uniform(19 * 23, 901);
  const a = tf.tensor(av, [37, 19]), b = tf.tensor(bv, [19, 23]);
  const before = tf.matMul(a, b);
  // deno-lint-ignore no-explicit-any
  const memory = (tf.findBackend("wasm") as any).wasm.asm.memory as WebAssembly.Memory;
  const bytesBefore = memory.buffer.byteLength;
  // 256 MiB more than the heap holds: it must grow (a new ArrayBuffer behind every view).
  const big = tf.zeros([64 << 20]);
  assert(memory.buffer.byteLength > bytesBefore, "the heap grew");
  const after = tf.matMul(a, b, false, false);
  const ref = reference(av, bv, 37, 23, 19, false, false);
  const got = after.dataSync();
  for (let i = 0; i < got.length; i++) {
    assert(Math.abs(got[i] - ref.values[i]) <= 19 * 2 ** -24 * ref.bound[i], `element ${i}`);
  }
  assertEquals(got, before.dataSync(), "same bits before and after the growth");
  tf.dispose([a, b, before, after, big]);
});
