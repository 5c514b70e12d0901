/**
 * Route handlers (Fresh layout: `index.tsx` is `/`, `runs/[id].tsx` is `/runs/:id`,
 * `compare.tsx` is `/compare`, `api/` the JSON API); `web/app.tsx` wires them to paths.
 *
 * @example
 * ```ts
 * import { indexPage } from "./mod.ts";
 * import { dashState } from "../utils/state.ts";
 * const html = await indexPage(dashState("runs"));
 * ```
 * @module
 */

export * from "./index.tsx";
export * from "./compare.tsx";
export * from "./lm.tsx";
export * from "./bind.tsx";
export * from "./runs/mod.ts";
export * from "./api/mod.ts";
