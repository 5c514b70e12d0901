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
 *    shape and the engine rejects it; the replacement sums over broadcast batch axes.
 * 4. wasm: a JS `UnsortedSegmentSum` kernel (the gradient of `gather`).
 * @module
 */
import type { Tf } from "./tf.ts";

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
 * const tf = await loadTf("wasm"); // installs it
 * tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3]), tf.tensor1d([0, 1, 0], "int32"), 2); // [4, 2]
 * ```
 */
export function installWasmKernels(tf: Tf): void {
  if (ussRegistered) return;
  ussRegistered = true;
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
