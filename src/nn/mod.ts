/**
 * The one tfjs layer shared by every neural part of Landscape: pinned version, backend choice,
 * correct higher-order gradients, fast wasm matrix products.
 * @module
 */
export * from "./tf.ts";
