/**
 * Corrections to tfjs 4.22.0's autodiff, applied once by `loadTf` (see docs/ARCHITECTURE.md,
 * "The tfjs layer"). They reach into tfjs internals (`engine.state`, `addTapeNode`, the kernel
 * and gradient registries), which is why tfjs is pinned to one version.
 *
 * 1. Tape order. When an op saves its own output for the backward pass (Exp, Sigmoid, Tanh,
 *    Softmax, Elu, Pow, every `customGrad` such as logSoftmax), the engine clones the output
 *    inside the kernel call, and that clone's tape node is pushed before the op's node. The
 *    tape is walked in order to find what depends on the inputs, so in a higher-order pass the
 *    saved output looks like a constant: second derivatives come out wrong without an error.
 *    The fix holds back nodes pushed while a kernel runs and appends them after the op's node.
 * 2. Zero gradients (float32, as the engine demands) for comparison and logical ops, which have
 *    none, so `where`, `maximum` through masks, `max`, `logSumExp` and `clipByValue` can be
 *    differentiated twice; and the gradient of `EluGrad`.
 * 3. Broadcast `matMul` ([B,T,D] x [D,F]): the stock gradient returns the un-reduced batch
 *    shape and the engine rejects it; the replacement sums over broadcast batch axes. The cpu
 *    BatchMatMul kernel indexes batches modulo each operand's batch size, which is wrong when
 *    both operands broadcast ([2,1,..] x [1,3,..]): such operands are tiled first.
 * 4. wasm: a JS `UnsortedSegmentSum` kernel (the gradient of `gather`), and an `Identity` that
 *    shares its input's memory (as wasm's Reshape already does) instead of copying it: the engine
 *    clones every tensor a gradient saves, 4 % of a Transformer step when copied.
 * 5. {@link firstOrderOnly}: inside it, a tensor saved for the backward pass is a second handle
 *    on the same memory made without running a kernel or recording a tape node (what the
 *    clone amounts to once Identity shares memory). Only first derivatives may be taken there:
 *    without the clones' tape nodes a higher-order pass would see saved outputs as constants.
 * @module
 */
import type { Tf } from "./tf_types.ts";

type AnyTensor = ReturnType<Tf["tensor"]>;
// deno-lint-ignore no-explicit-any
type Engine = any;

interface TapeState {
  original: (...args: unknown[]) => void;
  enabled: boolean;
}
let tape: TapeState | null = null;
let gradientsRegistered = false;

/** Comparison and logical kernels that get zero gradients. GreaterEqual already has one. */
export const ZERO_GRADIENT_KERNELS = [
  "Greater",
  "Less",
  "LessEqual",
  "Equal",
  "NotEqual",
  "LogicalAnd",
  "LogicalOr",
  "LogicalNot",
] as const;

/**
 * Installs the tape-order fix and the missing gradients (idempotent). `loadTf` calls it; the
 * wasm kernel is installed separately by {@link installWasmKernels} once wasm is active.
 *
 * @example
 * ```ts
 * import { loadTf } from "./tf.ts";
 * const tf = await loadTf("cpu"); // already patched
 * installGradientPatches(tf); // no-op the second time
 * ```
 */
export function installGradientPatches(tf: Tf): void {
  installTapeOrderFix(tf);
  if (gradientsRegistered) return;
  gradientsRegistered = true;
  for (const kernelName of ZERO_GRADIENT_KERNELS) {
    const binary = kernelName !== "LogicalNot";
    tf.registerGradient({
      kernelName,
      inputsToSave: binary ? ["a", "b"] : ["x"],
      gradFunc: (_dy: AnyTensor | AnyTensor[], saved: AnyTensor[]) => {
        const zeros = (t: AnyTensor) => () => tf.zeros(t.shape, "float32");
        const grads: Record<string, () => AnyTensor> = binary
          ? { a: zeros(saved[0]), b: zeros(saved[1]) }
          : { x: zeros(saved[0]) };
        return grads;
      },
    });
  }
  // EluGrad(dy, y) = dy * (y < 0 ? y + 1 : 1), so d/d(dy) = (y < 0 ? y + 1 : 1) and
  // d/dy = dy * [y < 0]. Needed once Elu's saved output is differentiable (fix 1).
  tf.registerGradient({
    kernelName: "EluGrad",
    inputsToSave: ["dy", "y"],
    gradFunc: (ddx: AnyTensor | AnyTensor[], saved: AnyTensor[]) => {
      const g = ddx as AnyTensor;
      const [dy, y] = saved;
      return {
        dy: () => tf.mul(g, tf.where(tf.less(y, 0), tf.add(y, 1), tf.onesLike(y))),
        y: () => tf.mul(tf.mul(g, dy), tf.cast(tf.less(y, 0), "float32")),
      };
    },
  });
  registerBroadcastMatMulGradient(tf);
  fixCpuBroadcastMatMul(tf);
}

/** Tiles both operands of a cpu BatchMatMul to the output batch when the kernel would mix up batches. */
function fixCpuBroadcastMatMul(tf: Tf): void {
  const config = tf.getKernel("BatchMatMul", "cpu");
  const reshape = tf.getKernel("Reshape", "cpu")?.kernelFunc;
  const tile = tf.getKernel("Tile", "cpu")?.kernelFunc;
  if (!config || !reshape || !tile) return;
  const stock = config.kernelFunc;
  tf.unregisterKernel("BatchMatMul", "cpu");
  tf.registerKernel({
    ...config,
    kernelFunc: (args) => {
      const { a, b } = args.inputs as unknown as Record<string, AnyTensor>;
      const batchA = a.shape.slice(0, -2), batchB = b.shape.slice(0, -2);
      const full = tf.broadcast_util.assertAndGetBroadcastShape(batchA, batchB);
      const size = tf.util.sizeFromShape;
      const padded = (s: number[]) => [...Array(full.length - s.length).fill(1), ...s];
      const same = padded(batchA).every((d, i) => d === padded(batchB)[i]);
      // Modulo indexing is right when one side has a single batch or the batches agree.
      if (size(batchA) <= 1 || size(batchB) <= 1 || same) return stock(args);
      const temps: AnyTensor[] = [];
      const expand = (x: AnyTensor, batch: number[]) => {
        const r = reshape({
          inputs: { x },
          backend: args.backend,
          attrs: { shape: [...padded(batch), ...x.shape.slice(-2)] },
        }) as unknown as AnyTensor;
        const reps = [...full.map((d, i) => d / padded(batch)[i]), 1, 1];
        const t = tile({
          inputs: { x: r },
          backend: args.backend,
          attrs: { reps },
        }) as unknown as AnyTensor;
        temps.push(r, t);
        return t;
      };
      try {
        return stock({ ...args, inputs: { a: expand(a, batchA), b: expand(b, batchB) } as never });
      } finally {
        const backend = args.backend as { disposeData(dataId: object): void };
        for (const t of temps) backend.disposeData(t.dataId);
      }
    },
  });
}

/** Sums `grad` over the axes along which `input` was broadcast, back to `input`'s shape. */
function reduceToShape(tf: Tf, grad: AnyTensor, shape: number[]): AnyTensor {
  if (grad.shape.length === shape.length && grad.shape.every((d, i) => d === shape[i])) {
    return grad;
  }
  const axes = tf.broadcast_util.getReductionAxes(shape, grad.shape);
  return tf.reshape(axes.length > 0 ? tf.sum(grad, axes) : grad, shape);
}

/**
 * The stock BatchMatMul gradient with a reduction over broadcast batch axes. Without
 * broadcasting it runs exactly the stock products, so first-order results are unchanged.
 */
function registerBroadcastMatMulGradient(tf: Tf): void {
  tf.registerGradient({
    kernelName: "BatchMatMul",
    inputsToSave: ["a", "b"],
    gradFunc: (dy: AnyTensor | AnyTensor[], saved: AnyTensor[], attrs: unknown) => {
      const g = dy as AnyTensor;
      const [a, b] = saved;
      const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
      let ga: () => AnyTensor, gb: () => AnyTensor;
      if (!transposeA && !transposeB) {
        ga = () => tf.matMul(g, b, false, true);
        gb = () => tf.matMul(a, g, true, false);
      } else if (!transposeA && transposeB) {
        ga = () => tf.matMul(g, b, false, false);
        gb = () => tf.matMul(g, a, true, false);
      } else if (transposeA && !transposeB) {
        ga = () => tf.matMul(b, g, false, true);
        gb = () => tf.matMul(a, g, false, false);
      } else {
        ga = () => tf.matMul(b, g, true, true);
        gb = () => tf.matMul(g, a, true, true);
      }
      return {
        a: () => reduceToShape(tf, ga(), a.shape),
        b: () => reduceToShape(tf, gb(), b.shape),
      };
    },
  });
}

function installTapeOrderFix(tf: Tf): void {
  if (tape) return;
  const engine: Engine = tf.engine();
  const original = engine.addTapeNode as (...args: unknown[]) => void;
  const state: TapeState = { original, enabled: true };
  // Nodes pushed while a kernel runs (the clones of saved tensors), with the tape they belong to.
  let held: { tape: unknown[]; node: unknown }[] = [];
  engine.addTapeNode = function (this: Engine, ...args: unknown[]) {
    original.apply(this, args);
    if (!state.enabled) return;
    const active = this.state.activeTape as unknown[] | null;
    if (!active) return;
    if (this.state.kernelDepth > 0) {
      held.push({ tape: active, node: active.pop() });
    } else if (held.length > 0) {
      // The op's own node is now on the tape: its held clones follow it. Nodes held for
      // another tape (an op that threw mid-kernel) are dropped; nothing can depend on them.
      for (const h of held) if (h.tape === active) active.push(h.node);
      held = [];
    }
  };
  tape = state;
}

/**
 * Turns the tape-order fix off or on (it is on after `loadTf`). Off reproduces stock tfjs,
 * whose second derivatives through saved outputs are wrong; only tests should turn it off.
 *
 * @example
 * ```ts
 * import { loadTf } from "./tf.ts";
 * const tf = await loadTf("cpu");
 * setTapeOrderFix(tf, false); // stock behaviour
 * setTapeOrderFix(tf, true);
 * ```
 */
export function setTapeOrderFix(tf: Tf, enabled: boolean): void {
  installTapeOrderFix(tf);
  tape!.enabled = enabled;
}

/** Whether the tape-order fix is active. */
export function tapeOrderFixEnabled(): boolean {
  return tape?.enabled ?? false;
}

let ussRegistered = false;

/**
 * Registers the JS `UnsortedSegmentSum` kernel for the wasm backend (idempotent), so that
 * `gather`'s gradient works there. Sums rows of `x` into `numSegments` rows by `segmentIds`
 * (ids out of range are dropped, as on the cpu backend).
 *
 * @example
 * ```ts
 * import { loadTf } from "./tf.ts";
 * const tf = await loadTf("wasm"); // installs it
 * tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3]), tf.tensor1d([0, 1, 0], "int32"), 2); // [4, 2]
 * ```
 */
export function installWasmKernels(tf: Tf): void {
  if (ussRegistered) return;
  ussRegistered = true;
  const identity = tf.getKernel("Identity", "wasm");
  if (identity) {
    const copy = identity.kernelFunc;
    tf.unregisterKernel("Identity", "wasm");
    tf.registerKernel({
      kernelName: "Identity",
      backendName: "wasm",
      kernelFunc: (args) => {
        const x = (args.inputs as unknown as Record<string, AnyTensor>).x;
        if (x.dtype === "string") return copy(args);
        // deno-lint-ignore no-explicit-any
        (args.backend as any).incRef(x.dataId);
        return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
      },
    });
  }
  tf.registerKernel({
    kernelName: "UnsortedSegmentSum",
    backendName: "wasm",
    kernelFunc: ({ inputs, attrs, backend }) => {
      // deno-lint-ignore no-explicit-any
      const wasm = backend as any;
      const { x, segmentIds } = inputs as unknown as Record<string, AnyTensor>;
      const numSegments = (attrs as unknown as { numSegments: number }).numSegments;
      const rows = tf.util.sizeFromShape(segmentIds.shape);
      const inner = rows === 0 ? 0 : tf.util.sizeFromShape(x.shape) / rows;
      const outShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
      const out = wasm.makeOutput(outShape, x.dtype);
      // Views are taken after the allocation, which may grow (and detach) the wasm heap.
      const dst = wasm.typedArrayFromHeap(out);
      const src = wasm.typedArrayFromHeap(x);
      const ids = wasm.typedArrayFromHeap(segmentIds);
      dst.fill(0);
      for (let r = 0; r < rows; r++) {
        const s = ids[r];
        if (s < 0 || s >= numSegments) continue;
        const o = s * inner, i = r * inner;
        for (let j = 0; j < inner; j++) dst[o + j] += src[i + j];
      }
      return out;
    },
  });
}

let firstOrderDepth = 0;
let cheapSavesInstalled = false;

function installCheapSaves(tf: Tf): void {
  if (cheapSavesInstalled) return;
  cheapSavesInstalled = true;
  const engine: Engine = tf.engine();
  const original = engine.saveTensorsForBackwardMode as (t: AnyTensor[]) => AnyTensor[];
  engine.saveTensorsForBackwardMode = function (this: Engine, tensors: AnyTensor[]) {
    if (firstOrderDepth === 0) return original.call(this, tensors);
    return tensors.map((t) => {
      // The engine's clone without its kernel and tape node: a tracked handle on the same data.
      const handle = this.makeTensorFromDataId(t.dataId, t.shape, t.dtype);
      this.backend.incRef(t.dataId);
      return this.keep(handle);
    });
  };
}

/**
 * Runs `fn` with saved tensors held as plain handles instead of recorded clones: the same values
 * and first derivatives, about a third fewer kernels for a gradient of a small network (each
 * clone is a kernel call and a tape node). Second derivatives taken inside `fn` would be wrong.
 * Internal to the project's first-order paths (scoring); not re-entrant across awaits.
 */
export function firstOrderOnly<T>(tf: Tf, fn: () => T): T {
  installCheapSaves(tf);
  firstOrderDepth++;
  try {
    return fn();
  } finally {
    firstOrderDepth--;
  }
}
