/**
 * The Landscape dashboard: a Fresh-style server (Preact pages rendered on the server, small
 * islands hydrated on the client, bundled by `deno bundle`) on Hono, serving the run store read
 * only, with a JSON API, min/max-decimated series and live status over server-sent events.
 *
 * @example
 * ```ts
 * import { createApp } from "./mod.ts";
 * const app = createApp({ runsDir: "runs" });
 * const runs = await (await app.request("/api/runs")).json();
 * ```
 * @module
 */

export { type AppOptions, createApp } from "./app.tsx";
export { type Dashboard, startDashboard } from "./main.ts";
export { buildClient } from "./build.ts";
export * from "./utils/mod.ts";
