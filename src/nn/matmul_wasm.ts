/**
 * A faster BatchMatMul for tfjs's wasm backend. The stock kernel reaches XNNPACK's fast path
 * only for one non-transposed 2-D product (17 GFLOP/s here); transposed operands run at 0.65-1.6
 * GFLOP/s and batched ones at 1.3, which made a small Transformer step 90 % matrix products.
 * Two replacement routes:
 *
 * - `"gemm"` (the default where the runtime has relaxed SIMD): the generated GEMM of
 *   `gemm_wasm.ts`, running in tfjs's wasm memory on the operands in place. Transposes are
 *   strides of its packing; a right operand shared by the whole batch is multiplied once with the
 *   batch folded into the rows; other batches run slice by slice.
 * - `"xnnpack"`: every product through XNNPACK's 2-D fast path. Transposed operands are
 *   transposed explicitly first (wasm's Transpose is fast up to rank 4); a shared right operand
 *   is folded as above; batch slices are zero-copy tensor ids registered at offsets into their
 *   parents' memory. Its results match the stock 2-D product bit for bit.
 *
 * `LANDSCAPE_MATMUL=xnnpack` (or `stock`) picks the route at load time; {@link setMatMulKernel}
 * switches it (benchmarks, tests).
 * @module
 */
import type { Tf } from "./tf_types.ts";
import { createGemm, type Gemm } from "./gemm_wasm.ts";

// deno-lint-ignore no-explicit-any
type WasmBackend = any;
interface Info {
  dataId: object;
  shape: number[];
  dtype: string;
}
type KernelFunc = (args: { inputs: unknown; backend: unknown; attrs?: unknown }) => unknown;

/** Which BatchMatMul runs on wasm. */
export type MatMulKernel = "gemm" | "xnnpack" | "stock";

interface FastState {
  kernel: MatMulKernel;
  stock: KernelFunc;
  /** Null where relaxed SIMD does not validate: then "gemm" falls back to "xnnpack". */
  gemm: Gemm | null;
}
let fast: FastState | null = null;

/**
 * Replaces the wasm backend's BatchMatMul kernel with the fast one (idempotent; `loadTf("wasm")`
 * calls it). Must run while wasm is the active backend.
 *
 * @example
 * ```ts
 * import { loadTf } from "./tf.ts";
 * const tf = await loadTf("wasm"); // already installed
 * tf.matMul(tf.ones([2, 3]), tf.ones([2, 4]), true, false); // fast path
 * ```
 */
export function installFastMatMul(tf: Tf): void {
  if (fast) return;
  const config = tf.getKernel("BatchMatMul", "wasm");
  if (!config) throw new Error("tfjs wasm backend has no BatchMatMul kernel to replace");
  const reshape = tf.getKernel("Reshape", "wasm")!.kernelFunc as KernelFunc;
  const transpose = tf.getKernel("Transpose", "wasm")!.kernelFunc as KernelFunc;
  const backend: WasmBackend = tf.findBackend("wasm");
  const call2d = backend.wasm.cwrap("BatchMatMul", null, [
    "number", // a id
    "array", // a shape bytes
    "number", // a rank
    "number", // b id
    "array", // b shape bytes
    "number", // b rank
    "number", // transposeA
    "number", // transposeB
    "number", // out id
  ]) as (...args: unknown[]) => void;
  const gemm = createGemm(backend.wasm.asm.memory as WebAssembly.Memory, {
    alloc: (bytes) => backend.wasm._malloc(bytes) as number,
    free: (pointer) => backend.wasm._free(pointer),
  });
  const state: FastState = {
    kernel: gemm ? defaultKernel() : "xnnpack",
    stock: config.kernelFunc as KernelFunc,
    gemm,
  };
  const ops = { reshape, transpose, call2d };
  tf.unregisterKernel("BatchMatMul", "wasm");
  tf.registerKernel({
    kernelName: "BatchMatMul",
    backendName: "wasm",
    // deno-lint-ignore no-explicit-any
    kernelFunc: ((args: any) => {
      const { a, b } = args.inputs as { a: Info; b: Info };
      const usable = state.kernel !== "stock" && a.dtype === "float32" &&
        b.dtype === "float32" && a.shape.length >= 2 && b.shape.length >= 2;
      if (!usable) return state.stock(args);
      const gemm = state.kernel === "gemm" ? state.gemm : null;
      return fastBatchMatMul(tf, args.backend, ops, a, b, args.attrs, gemm);
      // deno-lint-ignore no-explicit-any
    }) as any,
  });
  fast = state;
}

/** The route named by `LANDSCAPE_MATMUL` (when readable and valid), else "gemm". */
function defaultKernel(): MatMulKernel {
  try {
    const granted = Deno.permissions.querySync({ name: "env", variable: "LANDSCAPE_MATMUL" });
    if (granted.state !== "granted") return "gemm";
    const v = Deno.env.get("LANDSCAPE_MATMUL");
    return v === "xnnpack" || v === "stock" ? v : "gemm";
  } catch {
    return "gemm";
  }
}

/**
 * Switches between the fast kernel (default) and the stock one, for benchmarks and tests.
 * `true` restores the best route available (the generated GEMM where relaxed SIMD validates).
 *
 * @example
 * ```ts
 * import { loadTf } from "./tf.ts";
 * await loadTf("wasm");
 * setFastMatMul(false); // stock tfjs products
 * setFastMatMul(true);
 * ```
 */
export function setFastMatMul(enabled: boolean): void {
  setMatMulKernel(enabled ? "gemm" : "stock");
}

/**
 * Picks the wasm BatchMatMul route: "gemm" (generated relaxed-SIMD GEMM; "xnnpack" where the
 * runtime lacks relaxed SIMD), "xnnpack" (XNNPACK 2-D products) or "stock" (tfjs's own).
 * Returns the route now in use.
 *
 * @example
 * ```ts
 * import { loadTf } from "./tf.ts";
 * await loadTf("wasm");
 * setMatMulKernel("xnnpack");
 * setMatMulKernel("gemm"); // "gemm", or "xnnpack" without relaxed SIMD
 * ```
 */
export function setMatMulKernel(kernel: MatMulKernel): MatMulKernel {
  if (!fast) throw new Error("the fast wasm matMul is not installed (load tfjs with 'wasm')");
  fast.kernel = kernel === "gemm" && !fast.gemm ? "xnnpack" : kernel;
  return fast.kernel;
}

/** The wasm BatchMatMul route in use ("stock" before tfjs is loaded with wasm). */
export function matMulKernel(): MatMulKernel {
  return fast?.kernel ?? "stock";
}

/** Whether the fast wasm kernel is installed and enabled (either replacement route). */
export function fastMatMulEnabled(): boolean {
  return fast !== null && fast.kernel !== "stock";
}

interface Ops {
  reshape: KernelFunc;
  transpose: KernelFunc;
  call2d: (...args: unknown[]) => void;
}

const shapeBytes = (shape: number[]) => new Uint8Array(new Int32Array(shape).buffer);

/** Strides that map an output batch index to an operand's batch index (0 on broadcast axes). */
function batchStrides(shape: number[], outShape: number[]): number[] {
  const padded = [...Array(outShape.length - shape.length).fill(1), ...shape];
  const strides = new Array(outShape.length).fill(0);
  let s = 1;
  for (let i = outShape.length - 1; i >= 0; i--) {
    strides[i] = padded[i] === 1 ? 0 : s;
    s *= padded[i];
  }
  return strides;
}

function fastBatchMatMul(
  tf: Tf,
  backend: WasmBackend,
  ops: Ops,
  a: Info,
  b: Info,
  attrs: { transposeA: boolean; transposeB: boolean },
  gemm: Gemm | null,
): Info {
  const { transposeA, transposeB } = attrs;
  const ra = a.shape.length, rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const ka = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (ka !== kb) {
    throw new Error(
      `Error in matMul: inner shapes (${ka}) and (${kb}) of Tensors with shapes ${a.shape} and ` +
        `${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
    );
  }
  const k = ka;
  const batchA = a.shape.slice(0, -2), batchB = b.shape.slice(0, -2);
  const outBatch = tf.broadcast_util.assertAndGetBroadcastShape(batchA, batchB);
  const outShape = [...outBatch, m, n];
  const out: Info = backend.makeOutput(outShape, "float32");
  const count = tf.util.sizeFromShape(outBatch);
  if (m * n * count === 0) return out;
  if (k === 0) {
    backend.typedArrayFromHeap(out).fill(0);
    return out;
  }
  const nA = tf.util.sizeFromShape(batchA), nB = tf.util.sizeFromShape(batchB);
  if (gemm) {
    gemmBatches(backend, gemm, a, b, out, { m, n, k, transposeA, transposeB, nA, nB, outBatch });
    return out;
  }
  const temps: Info[] = [];
  // Operand as [batch, rows, cols] in row-major order with no transpose left.
  const plain = (x: Info, batch: number, transposed: boolean, rows: number, cols: number) => {
    const shape3 = transposed ? [batch, cols, rows] : [batch, rows, cols];
    let t = ops.reshape({ inputs: { x }, backend, attrs: { shape: shape3 } }) as Info;
    temps.push(t);
    if (transposed) {
      t = ops.transpose({ inputs: { x: t }, backend, attrs: { perm: [0, 2, 1] } }) as Info;
      temps.push(t);
    }
    return t;
  };
  try {
    const a3 = plain(a, nA, transposeA, m, k);
    const b3 = plain(b, nB, transposeB, k, n);
    const id = (t: Info) => backend.dataIdMap.get(t.dataId).id as number;
    if (nB === 1) {
      // Shared right operand: one product with every batch's rows stacked.
      ops.call2d(
        id(a3),
        shapeBytes([1, nA * m, k]),
        3,
        id(b3),
        shapeBytes([1, k, n]),
        3,
        0,
        0,
        id(out),
      );
      return out;
    }
    const aBase = backend.dataIdMap.get(a3.dataId).memoryOffset as number;
    const bBase = backend.dataIdMap.get(b3.dataId).memoryOffset as number;
    const oBase = backend.dataIdMap.get(out.dataId).memoryOffset as number;
    const sa = batchStrides(batchA, outBatch), sb = batchStrides(batchB, outBatch);
    const aShape = shapeBytes([1, m, k]), bShape = shapeBytes([1, k, n]);
    const index = new Array(outBatch.length).fill(0);
    const registry = backend.wasm.tfjs;
    for (let i = 0; i < count; i++) {
      let ia = 0, ib = 0;
      for (let d = 0; d < outBatch.length; d++) {
        ia += index[d] * sa[d];
        ib += index[d] * sb[d];
      }
      // Zero-copy slices: ids registered at offsets into the parents' memory, released after.
      const aId = backend.dataIdNextNumber++, bId = backend.dataIdNextNumber++;
      const oId = backend.dataIdNextNumber++;
      registry.registerTensor(aId, m * k, aBase + 4 * ia * m * k);
      registry.registerTensor(bId, k * n, bBase + 4 * ib * k * n);
      registry.registerTensor(oId, m * n, oBase + 4 * i * m * n);
      try {
        ops.call2d(aId, aShape, 3, bId, bShape, 3, 0, 0, oId);
      } finally {
        registry.disposeData(aId);
        registry.disposeData(bId);
        registry.disposeData(oId);
      }
      for (let d = outBatch.length - 1; d >= 0; d--) {
        if (++index[d] < outBatch[d]) break;
        index[d] = 0;
      }
    }
    return out;
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}

interface Product {
  m: number;
  n: number;
  k: number;
  transposeA: boolean;
  transposeB: boolean;
  nA: number;
  nB: number;
  outBatch: number[];
}

/** The product on the generated GEMM, reading the operands where they lie in the wasm heap. */
function gemmBatches(backend: WasmBackend, gemm: Gemm, a: Info, b: Info, out: Info, p: Product) {
  const { m, n, k, transposeA, transposeB, nA, nB, outBatch } = p;
  const offset = (t: Info) => backend.dataIdMap.get(t.dataId).memoryOffset as number;
  const aBase = offset(a), bBase = offset(b), oBase = offset(out);
  // Element strides of one slice: a transpose is a swap.
  const [ars, acs] = transposeA ? [1, m] : [k, 1];
  const [brs, bcs] = transposeB ? [1, k] : [n, 1];
  if (nB === 1 && !transposeA) {
    // Shared right operand: one product with every batch's rows stacked.
    gemm.gemm(aBase, ars, acs, bBase, brs, bcs, oBase, nA * m, n, k);
    return;
  }
  const batchA = a.shape.slice(0, -2), batchB = b.shape.slice(0, -2);
  const sa = batchStrides(batchA, outBatch), sb = batchStrides(batchB, outBatch);
  const count = outBatch.reduce((s, d) => s * d, 1);
  const index = new Array(outBatch.length).fill(0);
  for (let i = 0; i < count; i++) {
    let ia = 0, ib = 0;
    for (let d = 0; d < outBatch.length; d++) {
      ia += index[d] * sa[d];
      ib += index[d] * sb[d];
    }
    gemm.gemm(
      aBase + 4 * ia * m * k,
      ars,
      acs,
      bBase + 4 * ib * k * n,
      brs,
      bcs,
      oBase + 4 * i * m * n,
      m,
      n,
      k,
    );
    for (let d = outBatch.length - 1; d >= 0; d--) {
      if (++index[d] < outBatch[d]) break;
      index[d] = 0;
    }
  }
}
