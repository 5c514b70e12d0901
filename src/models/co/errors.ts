/**
 * The error of a malformed graph or formula file.
 * @module
 */

/** A malformed graph file: `file:line: what was wrong; expected ...`. */
export class GraphFormatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly what: string,
    readonly expected: string,
  ) {
    super(`${file}:${line}: ${what}; expected ${expected}`);
    this.name = "GraphFormatError";
  }
}

/** Options of the text parsers. */
export interface ParseOptions {
  /** Name used in error messages (default "<input>"). */
  name?: string;
}
