/**
 * A faster BatchMatMul for tfjs's wasm backend. The stock kernel reaches XNNPACK's fast path
 * only for one non-transposed 2-D product (17 GFLOP/s here); transposed operands run at 0.65-1.6
 * GFLOP/s and batched ones at 1.3, which made a small Transformer step 90 % matrix products.
 * This kernel keeps every product on the fast path:
 *
 * - transposed operands are transposed explicitly first (wasm's Transpose is fast up to rank 4);
 * - a right operand shared by the whole batch is multiplied once, with the batch folded into
 *   the rows of the left operand;
 * - otherwise each batch slice is one fast 2-D product. Slices are zero-copy: a slice is a
 *   tensor id registered with the wasm runtime at an offset into its parent's memory.
 *
 * The products are the stock XNNPACK ones, so results match the stock 2-D product bit for bit
 * (see tests/nn/matmul_wasm_test.ts for the checks against the stock kernel).
 * @module
 */
import type { Tf } from "./tf.ts";

// deno-lint-ignore no-explicit-any
type WasmBackend = any;
interface Info {
  dataId: object;
  shape: number[];
  dtype: string;
}
type KernelFunc = (args: { inputs: unknown; backend: unknown; attrs?: unknown }) => unknown;

interface FastState {
  enabled: boolean;
  stock: KernelFunc;
}
let fast: FastState | null = null;

/**
 * Replaces the wasm backend's BatchMatMul kernel with the fast one (idempotent; `loadTf("wasm")`
 * calls it). Must run while wasm is the active backend.
 *
 * @example
 * ```ts
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
  const state: FastState = { enabled: true, stock: config.kernelFunc as KernelFunc };
  const ops = { reshape, transpose, call2d };
  tf.unregisterKernel("BatchMatMul", "wasm");
  tf.registerKernel({
    kernelName: "BatchMatMul",
    backendName: "wasm",
    // deno-lint-ignore no-explicit-any
    kernelFunc: ((args: any) => {
      const { a, b } = args.inputs as { a: Info; b: Info };
      const usable = state.enabled && a.dtype === "float32" && b.dtype === "float32" &&
        a.shape.length >= 2 && b.shape.length >= 2;
      if (!usable) return state.stock(args);
      return fastBatchMatMul(tf, args.backend, ops, a, b, args.attrs);
      // deno-lint-ignore no-explicit-any
    }) as any,
  });
  fast = state;
}

/**
 * Switches between the fast kernel (default) and the stock one, for benchmarks and tests.
 *
 * @example
 * ```ts
 * const tf = await loadTf("wasm");
 * setFastMatMul(false); // stock tfjs products
 * setFastMatMul(true);
 * ```
 */
export function setFastMatMul(enabled: boolean): void {
  if (!fast) throw new Error("the fast wasm matMul is not installed (load tfjs with 'wasm')");
  fast.enabled = enabled;
}

/** Whether the fast wasm kernel is installed and enabled. */
export function fastMatMulEnabled(): boolean {
  return fast?.enabled ?? false;
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
