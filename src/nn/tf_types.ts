/**
 * The tfjs namespace and backend types, in their own file so that the patches (which `tf.ts`
 * installs) can name them without importing `tf.ts` back.
 * @module
 */
import type * as TfNs from "npm:@tensorflow/tfjs@4.22.0";

/** tfjs backends. */
export type TfBackend = "wasm" | "cpu" | "webgpu";

/** The tfjs namespace. */
export type Tf = typeof TfNs;
