/**
 * The one seam for argument parsing and terminal styling (Deno std's `@std/cli` lives on JSR,
 * which these machines cannot reach): `node:util` parseArgs and styleText.
 * @module
 */
import { parseArgs, styleText } from "node:util";

/** Bad command-line input: reported in one line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** A flag: string or boolean, with a help line. */
export interface FlagSpec {
  type: "string" | "boolean";
  /** The flag may repeat; its value is then a string array. */
  multiple?: boolean;
  short?: string;
  help: string;
  /** Shown in help as the value's form, e.g. "N" or "FILE". */
  value?: string;
  default?: string | boolean;
}

/** A command: name, one-line summary, usage and flags. */
export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  flags: Record<string, FlagSpec>;
  allowPositionals?: boolean;
  /** Text after the options (e.g. the registered samplers with one line each). */
  details?: () => string;
}

/** Flags every command accepts. */
export const COMMON_FLAGS: Record<string, FlagSpec> = {
  help: { type: "boolean", short: "h", help: "show this help" },
  json: { type: "boolean", help: "print machine-readable JSON on stdout" },
};

/** Parsed flags and positionals. */
export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/**
 * Parses `argv` for a command; unknown flags and missing values become a {@link UsageError}.
 */
export function parseCommand(spec: CommandSpec, argv: string[]): Parsed {
  const options = Object.fromEntries(
    Object.entries({ ...COMMON_FLAGS, ...spec.flags }).map(([k, f]) => [
      k,
      {
        type: f.type,
        ...(f.short ? { short: f.short } : {}),
        ...(f.multiple ? { multiple: true } : {}),
      },
    ]),
  );
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options,
      strict: true,
      allowPositionals: spec.allowPositionals ?? false,
    });
    return { values: values as Parsed["values"], positionals };
  } catch (e) {
    let msg = (e as Error).message.split("\n")[0].replace(/\. To specify a positional.*$/, "");
    const ambiguous = /^Option '(--[\w-]+)' argument is ambiguous/.exec(msg);
    if (ambiguous) {
      msg = `${ambiguous[1]} needs a value; write a negative number as ${ambiguous[1]}=-3`;
    }
    throw new UsageError(`${spec.name}: ${msg}; see 'cli.ts ${spec.name} --help'`);
  }
}

/** Reads a numeric flag, or undefined when absent; non-numbers are a {@link UsageError}. */
export function numberFlag(parsed: Parsed, name: string, command: string): number | undefined {
  const v = parsed.values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== "string" || v.trim() === "" || !Number.isFinite(n)) {
    throw new UsageError(`${command}: --${name} expects a number, got '${v}'`);
  }
  return n;
}

/** Help text of a command. */
export function helpText(spec: CommandSpec): string {
  const all = { ...spec.flags, ...COMMON_FLAGS };
  const rows = Object.entries(all).map(([k, f]) => {
    const left = `  ${f.short ? `-${f.short}, ` : "    "}--${k}${f.value ? ` ${f.value}` : ""}`;
    const def = f.default !== undefined ? ` (default ${f.default})` : "";
    return `${left.padEnd(30)} ${f.help}${def}`;
  });
  const details = spec.details ? `\n${spec.details().trimEnd()}\n` : "";
  return `${spec.summary}\n\nUsage: ${spec.usage}\n\nOptions:\n${rows.join("\n")}\n${details}`;
}

/** Terminal styling that respects NO_COLOR and non-TTY output. */
export function style(format: Parameters<typeof styleText>[0], text: string): string {
  if (!Deno.stdout.isTerminal() || Deno.env.get("NO_COLOR") !== undefined) return text;
  return styleText(format, text);
}

/** Indents every line of `text` by two spaces (help sections). */
export function indentLines(text: string): string {
  return text.split("\n").map((l) => `  ${l}`).join("\n");
}
