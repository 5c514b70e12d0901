/**
 * Runs the CLI in process, capturing stdout and stderr lines: the one helper the CLI tests share.
 * @module
 */
import { runCli } from "../src/cli/main.ts";

/** Exit code, stdout and stderr of `cli.ts <args>`. */
export async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [], err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), notice: (t) => err.push(t) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** A DISCS sweep of four tiny cells (2 betas x dlmc sqrt/ratio, 30 steps, 6 chains, CPU twin). */
export const TINY_SWEEP: readonly string[] = [
  "--quick",
  "--suite",
  "temperature",
  "--betas",
  "0.3,0.6",
  "--samplers",
  "dlmc",
  "--steps",
  "30",
  "--chains",
  "6",
  "--backend",
  "cpu",
];
