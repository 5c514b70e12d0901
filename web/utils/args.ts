/**
 * Command-line flags of the dashboard server (`web/main.ts`).
 * @module
 */

import { parseArgs } from "node:util";

/** Parsed dashboard flags. */
export type DashArgs = {
  port: number;
  host: string;
  runsDir: string;
  /** A shard plan folder: its status on `/plan`, its runs (`<plan>/runs`) on the index. */
  planDir?: string;
  /** Skip building the client bundle (serve what `web/static/` already holds). */
  noBuild: boolean;
};

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

/**
 * Parses `--port` (default 8123), `--host` (default 127.0.0.1; any non-loopback host needs
 * `--expose`), `--runs-dir` (default `runs`), `--plan DIR` (a shard plan: its status page, and
 * its runs instead of `--runs-dir`) and `--no-build`.
 *
 * @example
 * ```ts
 * parseDashArgs(["--port", "9000"]); // { port: 9000, host: "127.0.0.1", runsDir: "runs", noBuild: false }
 * ```
 */
export function parseDashArgs(argv: string[]): DashArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string", default: "8123" },
      host: { type: "string", default: "127.0.0.1" },
      "runs-dir": { type: "string", default: "runs" },
      plan: { type: "string" },
      expose: { type: "boolean", default: false },
      "no-build": { type: "boolean", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port '${values.port}' is invalid: expected an integer 0-65535`);
  }
  const host = values.host!;
  if (!LOOPBACK.has(host) && !values.expose) {
    throw new Error(
      `--host '${host}' would serve the runs beyond this machine: pass --expose as well to allow it`,
    );
  }
  const planDir = values.plan;
  const runsDir = planDir !== undefined ? `${planDir}/runs` : values["runs-dir"]!;
  return { port, host, runsDir, noBuild: values["no-build"]!, ...(planDir ? { planDir } : {}) };
}
