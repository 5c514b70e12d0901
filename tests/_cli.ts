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
