/**
 * The one place tfjs is loaded: the pinned version (4.22.0), backend choice (wasm on CPUs, webgpu
 * on a real GPU, cpu as the last resort) and, once per process, the project's patches to tfjs
 * (`patches.ts`: correct higher-order gradients, missing gradients and wasm kernels;
 * `matmul_wasm.ts`: fast wasm matrix products). Every neural module (basins, lm, binding, retro)
 * gets tfjs from {@link loadTf}.
 * @module
 */
import type * as TfNs from "npm:@tensorflow/tfjs@4.22.0";
import { installGradientPatches, installWasmKernels } from "./patches.ts";
import { installFastMatMul } from "./matmul_wasm.ts";

/** tfjs backends. */
export type TfBackend = "wasm" | "cpu" | "webgpu";

/** The tfjs namespace. */
export type Tf = typeof TfNs;
let tfPromise: Promise<Tf> | null = null;
let activeBackend: TfBackend | null = null;

/** Adapter names of software renderers, which count as CPUs here. */
const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|swiftshader|software|warp/i;

/**
 * The backend for "auto": webgpu when a real (hardware, non-fallback) GPU adapter exists,
 * otherwise wasm. Never throws; no WebGPU in the runtime means wasm.
 *
 * @example
 * ```ts
 * const backend = await chooseTfBackend(); // "wasm" on a CPU-only machine
 * ```
 */
export async function chooseTfBackend(): Promise<TfBackend> {
  try {
    const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
    const adapter = await gpu?.requestAdapter({ powerPreference: "high-performance" });
    if (!adapter) return "wasm";
    const info = adapter.info;
    const fallback = Boolean(
      (info as { isFallbackAdapter?: boolean }).isFallbackAdapter ??
        (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter,
    );
    const name = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`;
    return fallback || SOFTWARE_ADAPTER.test(name) ? "wasm" : "webgpu";
  } catch {
    return "wasm";
  }
}

/** Runs `f` with tfjs's console chatter ("install tfjs-node", backend notices) silenced. */
async function quietly<T>(f: () => Promise<T>): Promise<T> {
  const warn = console.warn, log = console.log;
  console.warn = () => {};
  console.log = () => {};
  try {
    return await f();
  } finally {
    console.warn = warn;
    console.log = log;
  }
}

/**
 * Loads tfjs once, patched, and switches to `backend`: "wasm" (the default, for
 * compatibility), "cpu", "webgpu", or "auto" ({@link chooseTfBackend}). wasm falls back to cpu
 * if it fails to initialise. On wasm the fast BatchMatMul kernel and the UnsortedSegmentSum
 * kernel are registered.
 *
 * @example
 * ```ts
 * const tf = await loadTf("cpu");
 * tf.getBackend(); // "cpu"
 * const g2 = tf.grad((w) => tf.grad((x) => tf.exp(tf.mul(w, x)).sum())(tf.scalar(1)))(tf.scalar(2));
 * ```
 */
export async function loadTf(backend: TfBackend | "auto" = "wasm"): Promise<Tf> {
  if (!tfPromise) {
    tfPromise = quietly(async () => {
      const tf = await import("npm:@tensorflow/tfjs@4.22.0") as unknown as Tf;
      await import("npm:@tensorflow/tfjs-backend-wasm@4.22.0");
      // PROD silences the cpu backend's first-write banner and skips debug checks.
      tf.env().set("PROD", true);
      installGradientPatches(tf);
      return tf;
    });
  }
  const tf = await tfPromise;
  const wanted = backend === "auto" ? await chooseTfBackend() : backend;
  if (activeBackend !== wanted) {
    if (wanted === "webgpu") await import("npm:@tensorflow/tfjs-backend-webgpu@4.22.0");
    await quietly(async () => {
      let ok = await tf.setBackend(wanted);
      if (!ok && wanted === "wasm") ok = await tf.setBackend("cpu");
      if (!ok) throw new Error(`tfjs backend '${wanted}' failed to initialise`);
      await tf.ready();
    });
    if (tf.getBackend() === "wasm") {
      installWasmKernels(tf);
      installFastMatMul(tf);
    }
    activeBackend = wanted;
  }
  return tf;
}
