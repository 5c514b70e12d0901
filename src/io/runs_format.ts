/**
 * Plain-text views of the run store for `landscape runs list` and `landscape runs show <id>`.
 * Pure functions: no I/O, no colours. (JSON output is just the manifest.)
 * @module
 */

import type { RunManifest } from "./manifest.ts";
import type { RunList } from "./run_store.ts";

/** Seconds as a short human figure: `850 ms`, `12.3 s`, `4 min 05 s`, `2 h 03 min`. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 59.95) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

/** Wall time from creation to finish, in seconds, or undefined while running. */
export function runDurationSeconds(m: RunManifest): number | undefined {
  if (!m.timings.finishedAt) return undefined;
  return (Date.parse(m.timings.finishedAt) - Date.parse(m.timings.createdAt)) / 1000;
}

function shortTime(iso: string): string {
  // 2026-11-28T10:15:00.000Z -> 2026-11-28 10:15:00Z
  return iso.replace("T", " ").replace(/\.\d+Z$/, "Z");
}

/** Quotes an argv word only when needed, so the command reads like a shell line. */
function shellWord(w: string): string {
  return /^[A-Za-z0-9_./:=,+@%-]+$/.test(w) ? w : `'${w.replaceAll("'", `'\\''`)}'`;
}

function commandLine(argv: readonly string[]): string {
  return argv.map(shellWord).join(" ");
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/**
 * The run list as a table, newest first, followed by one line per skipped folder.
 *
 * @example
 * ```ts
 * import { formatRunList } from "./runs_format.ts";
 * import { RunStore } from "./run_store.ts";
 * const store = new RunStore(await Deno.makeTempDir());
 * await store.create({ command: ["sample", "ising"], config: {}, seed: 42, backend: "cpu" });
 * console.log(formatRunList(await store.list(), "runs"));
 * // ID                      STATUS   BACKEND  SEED  CREATED               DURATION  COMMAND
 * // 20261128-101500-a1b2c3  running  cpu      42    2026-11-28 10:15:00Z  -         sample ising
 * ```
 * Runs in `stopped` (running, but their writer died: `RunStore.writerStopped`) show as `stopped`.
 */
export function formatRunList(
  list: RunList,
  root = "runs",
  stopped: ReadonlySet<string> = new Set(),
): string {
  const lines: string[] = [];
  if (list.runs.length === 0) lines.push(`no runs in ${root}`);
  else {
    const rows = list.runs.map((m) => {
      const d = runDurationSeconds(m);
      return [
        m.id,
        stopped.has(m.id) ? "stopped" : m.status,
        m.backend,
        String(m.seed),
        shortTime(m.timings.createdAt),
        d === undefined ? "-" : formatSeconds(d),
        commandLine(m.command),
      ];
    });
    lines.push(
      table(["ID", "STATUS", "BACKEND", "SEED", "CREATED", "DURATION", "COMMAND"], rows),
    );
  }
  for (const s of list.skipped) lines.push(`skipped ${root}/${s.id}: ${s.reason}`);
  if (stopped.size > 0) {
    lines.push(`stopped: running, but no process writes it any more (cli.ts runs resume <id>)`);
  }
  return lines.join("\n");
}

function indent(text: string, by = "  "): string {
  return text.split("\n").map((l) => by + l).join("\n");
}

/**
 * One run as readable text: status, command, backend and adapter, seed, times, versions,
 * phase timings, error, summary, arrays and the full config.
 *
 * @example
 * ```ts
 * import { formatRunDetails } from "./runs_format.ts";
 * import { RunStore } from "./run_store.ts";
 * const store = new RunStore(await Deno.makeTempDir());
 * await store.create({ command: ["sample"], config: { steps: 10 }, seed: 1, backend: "cpu" });
 * const { runs } = await store.list();
 * console.log(formatRunDetails(runs[0]));
 * ```
 */
export function formatRunDetails(m: RunManifest): string {
  const out: [string, string][] = [];
  out.push(["status", m.status]);
  out.push(["command", commandLine(m.command)]);
  let backend = m.backend as string;
  if (m.adapter) {
    const a = m.adapter;
    const parts = [a.description, a.vendor, a.architecture, a.device].filter((x) => x);
    if (a.isFallbackAdapter) parts.push("fallback adapter");
    if (parts.length > 0) backend += ` (${parts.join(", ")})`;
  }
  out.push(["backend", backend]);
  out.push(["seed", String(m.seed)]);
  out.push(["created", shortTime(m.timings.createdAt)]);
  const d = runDurationSeconds(m);
  if (m.timings.finishedAt) {
    out.push(["finished", `${shortTime(m.timings.finishedAt)} (${formatSeconds(d!)})`]);
  }
  const v = m.versions;
  out.push([
    "versions",
    `landscape ${v.landscape}, deno ${v.deno}, v8 ${v.v8}, ts ${v.typescript}`,
  ]);
  const phases = Object.entries(m.timings.phases);
  if (phases.length > 0) {
    out.push(["phases", phases.map(([k, s]) => `${k} ${formatSeconds(s)}`).join(", ")]);
  }
  if (m.error !== undefined) out.push(["error", m.error]);
  const keyWidth = Math.max(...out.map(([k]) => k.length));
  const lines = [`run ${m.id}`, ...out.map(([k, val]) => `${k.padEnd(keyWidth)}  ${val}`)];

  const summary = Object.entries(m.summary);
  if (summary.length > 0) {
    lines.push("summary");
    lines.push(indent(table(["KEY", "VALUE"], summary.map(([k, x]) => [k, String(x)]))));
  }
  const arrays = Object.entries(m.arrays);
  if (arrays.length > 0) {
    lines.push("arrays");
    const rows = arrays.map(([name, a]) => [name, a.dtype, `[${a.shape.join(", ")}]`, a.file]);
    lines.push(indent(table(["NAME", "DTYPE", "SHAPE", "FILE"], rows)));
  }
  lines.push("config");
  lines.push(indent(JSON.stringify(m.config, null, 2)));
  return lines.join("\n");
}
