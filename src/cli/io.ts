/**
 * Where commands write: stdout for results, stderr for notices. Tests capture both.
 * @module
 */

/** Output sinks of a command. */
export interface CliIo {
  /** A result line (stdout). */
  out(text: string): void;
  /** A notice (stderr). */
  notice(text: string): void;
}

/** The process's real stdout/stderr. */
export const consoleIo: CliIo = {
  out: (t) => console.log(t),
  notice: (t) => console.error(t),
};
