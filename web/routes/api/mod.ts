/**
 * JSON API and server-sent events handlers.
 *
 * @example
 * ```ts
 * import { listRuns } from "./mod.ts";
 * ```
 * @module
 */

export * from "./runs.ts";
export * from "./events.ts";
