/**
 * Dashboard entry: `deno task dash [--port 8123] [--host 127.0.0.1 [--expose]] [--runs-dir runs]
 * [--no-build]`. Builds the client bundle into `web/static/`, then serves the run store read
 * only.
 * @module
 */

import { createApp } from "./app.tsx";
import { buildClient } from "./build.ts";
import { type DashArgs, parseDashArgs } from "./utils/args.ts";

/** A running dashboard. */
export type Dashboard = {
  /** Base URL, e.g. `http://127.0.0.1:8123/`. */
  url: string;
  port: number;
  /** Closes event streams and stops the server. */
  shutdown(): Promise<void>;
};

/**
 * Starts the dashboard server (port 0 picks a free port).
 *
 * @example
 * ```ts
 * const dash = await startDashboard({ port: 0, host: "127.0.0.1", runsDir: "runs" }, "web/static");
 * await dash.shutdown();
 * ```
 */
export function startDashboard(
  args: Pick<DashArgs, "port" | "host" | "runsDir" | "planDir"> & { sseIntervalMs?: number },
  staticDir?: string,
): Promise<Dashboard> {
  const abort = new AbortController();
  const loopback = ["127.0.0.1", "localhost", "::1"].includes(args.host);
  const app = createApp({
    runsDir: args.runsDir,
    planDir: args.planDir,
    staticDir,
    sseIntervalMs: args.sseIntervalMs,
    signal: abort.signal,
    anyHost: !loopback,
  });
  return new Promise((resolve) => {
    const server = Deno.serve({
      port: args.port,
      hostname: args.host,
      onListen: ({ port }) => {
        const host = args.host.includes(":") ? `[${args.host}]` : args.host;
        resolve({
          url: `http://${host}:${port}/`,
          port,
          shutdown: async () => {
            abort.abort();
            await server.shutdown();
          },
        });
      },
    }, app.fetch);
  });
}

if (import.meta.main) {
  let args: DashArgs;
  try {
    args = parseDashArgs(Deno.args);
  } catch (e) {
    console.error(`dash: ${(e as Error).message}`);
    Deno.exit(2);
  }
  if (!args.noBuild) {
    const t0 = performance.now();
    await buildClient();
    console.log(`built the client in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const dash = await startDashboard(args);
  console.log(`Landscape dashboard on ${dash.url} (runs from '${args.runsDir}', read only)`);
  if (args.planDir) console.log(`  shard plan status: ${dash.url}plan`);
}
