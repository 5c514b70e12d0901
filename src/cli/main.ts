/**
 * The command dispatcher behind `cli.ts`: parses argv, runs a command, and turns bad input into
 * a one-line error with exit code 2 (no stack trace).
 * @module
 */
import { CO_SPEC, coCommand } from "./co.ts";
import { ConfigError } from "../io/config.ts";
import { type CommandSpec, helpText, parseCommand, type Parsed, UsageError } from "./args.ts";
import { type CliIo, consoleIo } from "./io.ts";
import { SAMPLE_SPEC, sampleCommand } from "./sample.ts";
import { RUNS_SPEC, runsCommand } from "./runs.ts";
import { DEMO_SPEC, demoCommand } from "./demo.ts";
import { RBM_SPEC, rbmCommand } from "./rbm.ts";
import { SIMULATE_SPEC, simulateCommand } from "./simulate.ts";
import { SOLVE_SPEC, solveCommand } from "./solve.ts";
import { DISCS_SPEC, discsCommand } from "./discs.ts";
import { BASINS_SPEC, basinsCommand } from "./basins.ts";
import { SHARD_SPEC, shardCommand } from "./shard.ts";
import { LM_SPEC, lmCommand } from "./lm.ts";
import { BIND_SPEC, bindCommand } from "./bind.ts";
import { RETRO_SPEC, retroCommand } from "./retro.ts";

interface Command {
  spec: CommandSpec;
  run(parsed: Parsed, argv: string[], io: CliIo): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  sample: { spec: SAMPLE_SPEC, run: sampleCommand },
  runs: { spec: RUNS_SPEC, run: (p, _a, io) => runsCommand(p, io) },
  demo: { spec: DEMO_SPEC, run: (p, _a, io) => demoCommand(p, io) },
  rbm: { spec: RBM_SPEC, run: rbmCommand },
  simulate: { spec: SIMULATE_SPEC, run: simulateCommand },
  solve: { spec: SOLVE_SPEC, run: solveCommand },
  co: { spec: CO_SPEC, run: coCommand },
  discs: { spec: DISCS_SPEC, run: discsCommand },
  basins: { spec: BASINS_SPEC, run: basinsCommand },
  shard: { spec: SHARD_SPEC, run: shardCommand },
  lm: { spec: LM_SPEC, run: lmCommand },
  bind: { spec: BIND_SPEC, run: bindCommand },
  retro: { spec: RETRO_SPEC, run: retroCommand },
};

/** Top-level help. */
export function mainHelp(): string {
  const rows = Object.values(COMMANDS).map((c) => `  ${c.spec.name.padEnd(10)} ${c.spec.summary}`);
  return `Landscape: sampling, dynamics and basins of energy landscapes on WebGPU.\n\n` +
    `Usage: deno task cli <command> [options]   (cli.ts <command> --help for details)\n\n` +
    `Commands:\n${rows.join("\n")}\n`;
}

/** Errors that are the user's input, not a bug: exit code 2. */
export function isInputError(e: unknown): boolean {
  return e instanceof UsageError || e instanceof ConfigError;
}

/**
 * Runs the CLI on `argv` and returns the exit code; never throws.
 */
export async function runCli(argv: string[], io: CliIo = consoleIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(mainHelp());
    return 0;
  }
  const command = COMMANDS[name];
  try {
    if (!command) {
      throw new UsageError(
        `unknown command '${name}': expected one of ${Object.keys(COMMANDS).join(", ")}`,
      );
    }
    const parsed = parseCommand(command.spec, rest);
    if (parsed.values.help) {
      io.out(helpText(command.spec));
      return 0;
    }
    return await command.run(parsed, rest, io);
  } catch (e) {
    const message = (e as Error)?.message?.split("\n")[0] ?? String(e);
    io.notice(`error: ${message}`);
    if (!isInputError(e) && Deno.env.get("LANDSCAPE_DEBUG")) console.error(e);
    return isInputError(e) ? 2 : 1;
  }
}
