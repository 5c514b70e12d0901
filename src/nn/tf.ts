/**
 * The one place tfjs is loaded: the pinned version (4.22.0), backend choice (wasm on CPUs, webgpu
 * on a real GPU, cpu as the last resort) and, once per process, the project's patches to tfjs.
 * Every neural module (basins, lm, binding, retro) gets tfjs from {@link loadTf}.
 * @module
 */
import type * as TfNs from "npm:@tensorflow/tfjs@4.22.0";

/** tfjs backends. */
export type TfBackend = "wasm" | "cpu" | "webgpu";

/** The tfjs namespace. */
export type Tf = typeof TfNs;
let tfPromise: Promise<Tf> | null = null;
let activeBackend: TfBackend | null = null;

/**
 * Loads tfjs once (silencing its "install tfjs-node" banner) and switches to `backend`
 * (default "wasm", falling back to "cpu" if wasm fails to initialise).
 *
 * @example
 * ```ts
 * const tf = await loadTf("cpu");
 * tf.getBackend(); // "cpu"
 * ```
 */
export async function loadTf(backend: TfBackend = "wasm"): Promise<Tf> {
  if (!tfPromise) {
    tfPromise = (async () => {
      const warn = console.warn, log = console.log;
      console.warn = () => {};
      console.log = () => {};
      try {
        const tf = await import("npm:@tensorflow/tfjs@4.22.0");
        await import("npm:@tensorflow/tfjs-backend-wasm@4.22.0");
        // PROD silences the cpu backend's first-write banner and skips debug checks.
        tf.env().set("PROD", true);
        return tf as unknown as Tf;
      } finally {
        console.warn = warn;
        console.log = log;
      }
    })();
  }
  const tf = await tfPromise;
  if (activeBackend !== backend) {
    if (backend === "webgpu") await import("npm:@tensorflow/tfjs-backend-webgpu@4.22.0");
    const warn = console.warn, log = console.log;
    console.warn = () => {};
    console.log = () => {};
    try {
      let ok = await tf.setBackend(backend);
      if (!ok && backend === "wasm") ok = await tf.setBackend("cpu");
      if (!ok) throw new Error(`tfjs backend '${backend}' failed to initialise`);
      await tf.ready();
    } finally {
      console.warn = warn;
      console.log = log;
    }
    activeBackend = backend;
  }
  return tf;
}
