/**
 * `cli.ts runs list|show <id>`: read the run store.
 * @module
 */
import { RunStore } from "../io/run_store.ts";
import { formatRunDetails, formatRunList } from "../io/runs_format.ts";
import { type CommandSpec, type Parsed, UsageError } from "./args.ts";
import type { CliIo } from "./io.ts";

/** The `runs` command's flags. */
export const RUNS_SPEC: CommandSpec = {
  name: "runs",
  summary: "List stored runs, or show one run's manifest.",
  usage: "cli.ts runs list | cli.ts runs show <id>   [--runs-dir DIR] [--json]",
  allowPositionals: true,
  flags: {
    "runs-dir": { type: "string", value: "DIR", help: "run store folder", default: "runs" },
  },
};

/** Runs `runs`. Returns the exit code. */
export async function runsCommand(parsed: Parsed, io: CliIo): Promise<number> {
  const [sub, id, ...extra] = parsed.positionals;
  const store = new RunStore(String(parsed.values["runs-dir"] ?? "runs"));
  if (sub === "list" && id === undefined) {
    const list = await store.list();
    io.out(parsed.values.json ? JSON.stringify(list) : formatRunList(list, store.root));
    return 0;
  }
  if (sub === "show" && id !== undefined && extra.length === 0) {
    let reader;
    try {
      reader = await store.open(id);
    } catch (e) {
      throw new UsageError(`runs show: ${(e as Error).message}`);
    }
    io.out(
      parsed.values.json ? JSON.stringify(reader.manifest) : formatRunDetails(reader.manifest),
    );
    return 0;
  }
  throw new UsageError(
    `runs: expected 'runs list' or 'runs show <id>', got '${parsed.positionals.join(" ")}'`,
  );
}
