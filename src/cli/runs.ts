/**
 * `cli.ts runs list|show <id>|export <id>|resume <id>`: read the run store, export a run for
 * Python, or continue a killed or failed run from its last checkpoint.
 * @module
 */
import { RunStore } from "../io/run_store.ts";
import { formatRunDetails, formatRunList } from "../io/runs_format.ts";
import { exportRunZarr } from "../runs/export_zarr.ts";
import { type CommandSpec, type Parsed, UsageError } from "./args.ts";
import type { CliIo } from "./io.ts";
import { runKindOf } from "../runs/writer.ts";
import type { RunManifest } from "../io/manifest.ts";
import { resumeSample } from "./sample.ts";
import { resumeRbm } from "./rbm.ts";
import { resumeLmRun } from "./lm.ts";
import { resumeBind } from "./bind.ts";
import { resumeRetro } from "./retro.ts";
import { resumeSolve } from "./solve.ts";
import { resumeBasins } from "./basins.ts";
import { resumeSimulate } from "./simulate.ts";

/** Resumers by run kind: each rebuilds the run's work from its manifest and checkpoint. */
const RESUMERS: Partial<
  Record<string, (s: RunStore, m: RunManifest, p: Parsed, io: CliIo) => Promise<number>>
> = {
  sample: resumeSample,
  rbm: resumeRbm,
  lm: resumeLmRun,
  bind: resumeBind,
  retro: resumeRetro,
  solve: resumeSolve,
  basins: resumeBasins,
  simulate: resumeSimulate,
};

/** The `runs` command's flags. */
export const RUNS_SPEC: CommandSpec = {
  name: "runs",
  summary: "List stored runs, show one run's manifest, export a run (Zarr v2, ArviZ layout), " +
    "or resume a killed run.",
  usage: "cli.ts runs list | cli.ts runs show <id> | cli.ts runs export <id> --format zarr " +
    "[--out PATH] | cli.ts runs resume <id>   [--runs-dir DIR] [--json]",
  allowPositionals: true,
  flags: {
    "runs-dir": { type: "string", value: "DIR", help: "run store folder", default: "runs" },
    format: { type: "string", value: "FMT", help: "export format: zarr", default: "zarr" },
    out: { type: "string", value: "PATH", help: "export: new folder (default <id>.zarr)" },
  },
};

/** Runs `runs`. Returns the exit code. */
export async function runsCommand(parsed: Parsed, io: CliIo): Promise<number> {
  const [sub, id, ...extra] = parsed.positionals;
  const store = new RunStore(String(parsed.values["runs-dir"] ?? "runs"));
  if (sub === "list" && id === undefined) {
    const list = await store.list();
    const stopped = new Set<string>();
    for (const m of list.runs) {
      if (m.status === "running" && await store.writerStopped(m.id)) stopped.add(m.id);
    }
    io.out(
      parsed.values.json
        ? JSON.stringify({ ...list, stopped: [...stopped] })
        : formatRunList(list, store.root, stopped),
    );
    return 0;
  }
  if (sub === "resume" && id !== undefined && extra.length === 0) {
    let manifest: RunManifest;
    try {
      manifest = (await store.open(id)).manifest;
    } catch (e) {
      throw new UsageError(`runs resume: ${(e as Error).message}`);
    }
    if (manifest.status === "done") {
      throw new UsageError(`runs resume: run '${id}' is done: nothing to resume`);
    }

    const kind = runKindOf(manifest);
    const resume = kind ? RESUMERS[kind] : undefined;
    if (!resume) {
      const how = kind === "discs" ? " (resume its sweep with `discs --resume`)" : "";
      throw new UsageError(
        `runs resume: run '${id}' is of kind ${kind ?? "unknown"}${how}: expected one of ${
          Object.keys(RESUMERS).join(", ")
        }`,
      );
    }
    return await resume(store, manifest, parsed, io);
  }
  if ((sub === "show" || sub === "export") && id !== undefined && extra.length === 0) {
    let reader;
    try {
      reader = await store.open(id);
    } catch (e) {
      throw new UsageError(`runs ${sub}: ${(e as Error).message}`);
    }
    if (sub === "export") {
      const format = String(parsed.values.format ?? "zarr");
      if (format !== "zarr") {
        throw new UsageError(`runs export: --format '${format}' unknown: expected zarr`);
      }
      const out = String(parsed.values.out ?? `${id}.zarr`);
      let groups: string[];
      try {
        groups = await exportRunZarr(reader, out);
      } catch (e) {
        throw new UsageError(`runs export: ${(e as Error).message}`);
      }
      io.out(parsed.values.json ? JSON.stringify({ out, groups }) : `${out}: ${groups.join(", ")}`);
      return 0;
    }
    io.out(
      parsed.values.json ? JSON.stringify(reader.manifest) : formatRunDetails(reader.manifest),
    );
    return 0;
  }
  throw new UsageError(
    `runs: expected 'runs list', 'runs show <id>', 'runs export <id>' or 'runs resume <id>', got '${
      parsed.positionals.join(" ")
    }'`,
  );
}
