/**
 * Run pages (`/runs/:id`).
 *
 * @example
 * ```ts
 * import { runPage } from "./mod.ts";
 * ```
 * @module
 */

export * from "./[id].tsx";
