/**
 * Graph file loaders: DIMACS (`.col`, `.clq`), plain edge lists (optionally weighted, 0- or
 * 1-based), METIS `.graph`, and SATLIB CNF (see `cnf.ts`). A malformed file raises a
 * {@link GraphFormatError} whose one-line message is `file:line: what was wrong; expected ...`.
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { type Graph, graphFromEdges } from "./graph.ts";
import { cnfToMisGraph, parseCnf } from "./cnf.ts";
import { GraphFormatError, type ParseOptions } from "./errors.ts";

/** Supported graph file formats. */
export type GraphFormat = "dimacs" | "edgelist" | "metis" | "cnf";

/** Zod schema of a graph loaded from a file. */
export const GraphFileConfig = z.object({
  kind: z.literal("file"),
  path: z.string().min(1),
  /** Default: from the extension (.col/.clq dimacs, .graph metis, .cnf cnf, else edgelist). */
  format: z.enum(["dimacs", "edgelist", "metis", "cnf"]).optional(),
  /** Index base of edge lists. */
  base: z.union([z.literal(0), z.literal(1)]).default(0),
}).strict();

/** Iterates the lines of a text with 1-based numbers, tokenised on whitespace. */
function* lines(text: string): Generator<[number, string[], string]> {
  // The final newline ends the last line rather than starting an empty one (METIS reads an
  // empty line as an isolated node, and end-of-file errors should name the last real line).
  const all = text.replace(/\r?\n$/, "").split(/\r?\n/);
  for (let i = 0; i < all.length; i++) {
    const raw = all[i];
    yield [i + 1, raw.trim().split(/\s+/).filter((t) => t.length > 0), raw];
  }
}

/** A line-aware integer parser. */
function intAt(file: string, line: number, tok: string | undefined, what: string): number {
  if (tok === undefined || !/^[+-]?\d+$/.test(tok)) {
    throw new GraphFormatError(
      file,
      line,
      `${what} is ${tok === undefined ? "missing" : `'${tok}'`}`,
      "an integer",
    );
  }
  return Number(tok);
}

function floatAt(file: string, line: number, tok: string, what: string): number {
  const v = Number(tok);
  if (tok.trim() === "" || !Number.isFinite(v)) {
    throw new GraphFormatError(file, line, `${what} is '${tok}'`, "a finite number");
  }
  return v;
}

/**
 * Parses DIMACS graph text (`c` comments, one `p edge n m` line, then `e u v [w]` lines with
 * 1-based nodes). The number of `e` lines must equal m.
 *
 * @example
 * ```ts
 * const g = parseDimacs("p edge 3 2\ne 1 2\ne 2 3\n");
 * console.log(g.n); // 3
 * ```
 */
export function parseDimacs(text: string, opts: ParseOptions = {}): Graph {
  const file = opts.name ?? "<input>";
  let n = -1, m = -1, lastLine = 0;
  const src: number[] = [], dst: number[] = [], w: number[] = [];
  let weighted = false;
  for (const [ln, t] of lines(text)) {
    lastLine = ln;
    if (t.length === 0 || t[0] === "c") continue;
    if (t[0] === "p") {
      if (n >= 0) {
        throw new GraphFormatError(file, ln, "second 'p' line", "exactly one 'p edge n m' line");
      }
      if (t.length !== 4 || !["edge", "col", "clq"].includes(t[1])) {
        throw new GraphFormatError(file, ln, `bad problem line '${t.join(" ")}'`, "'p edge n m'");
      }
      n = intAt(file, ln, t[2], "node count");
      m = intAt(file, ln, t[3], "edge count");
      if (n < 0 || m < 0) throw new GraphFormatError(file, ln, "negative count", "n, m >= 0");
      continue;
    }
    if (t[0] === "e") {
      if (n < 0) {
        throw new GraphFormatError(file, ln, "edge before the 'p' line", "'p edge n m' first");
      }
      if (t.length !== 3 && t.length !== 4) {
        throw new GraphFormatError(
          file,
          ln,
          `edge line has ${t.length - 1} fields`,
          "'e u v' or 'e u v w'",
        );
      }
      const u = intAt(file, ln, t[1], "node"), v = intAt(file, ln, t[2], "node");
      for (const x of [u, v]) {
        if (x < 1 || x > n) {
          throw new GraphFormatError(file, ln, `node ${x} out of range`, `1..${n}`);
        }
      }
      src.push(u - 1);
      dst.push(v - 1);
      if (t.length === 4) weighted = true;
      w.push(t.length === 4 ? floatAt(file, ln, t[3], "weight") : 1);
      continue;
    }
    if (t[0] === "n" || t[0] === "x") continue; // node descriptors / extensions: not used
    throw new GraphFormatError(file, ln, `unknown line type '${t[0]}'`, "'c', 'p' or 'e'");
  }
  if (n < 0) throw new GraphFormatError(file, lastLine, "no 'p' line", "'p edge n m'");
  if (src.length !== m) {
    throw new GraphFormatError(
      file,
      lastLine,
      `found ${src.length} edge lines`,
      `${m} as the 'p' line declares`,
    );
  }
  return graphFromEdges({ n, src, dst, weights: weighted ? w : null });
}

/** Options of {@link parseEdgeList}. */
export interface EdgeListOptions extends ParseOptions {
  /** Index of the first node: 0 (default) or 1. */
  base?: 0 | 1;
  /** Node count; default: the largest index + 1. */
  n?: number;
}

/**
 * Parses an edge list: one `u v` or `u v w` per line (all lines alike), `#` and `%` comments.
 *
 * @example
 * ```ts
 * const g = parseEdgeList("# triangle\n0 1\n1 2\n2 0\n");
 * console.log(g.n); // 3
 * ```
 */
export function parseEdgeList(text: string, opts: EdgeListOptions = {}): Graph {
  const file = opts.name ?? "<input>";
  const base = opts.base ?? 0;
  const src: number[] = [], dst: number[] = [], w: number[] = [];
  let cols = 0, maxNode = -1, lastLine = 0;
  for (const [ln, t] of lines(text)) {
    lastLine = ln;
    if (t.length === 0 || t[0].startsWith("#") || t[0].startsWith("%")) continue;
    if (t.length !== 2 && t.length !== 3) {
      throw new GraphFormatError(file, ln, `line has ${t.length} fields`, "'u v' or 'u v w'");
    }
    if (cols === 0) cols = t.length;
    if (t.length !== cols) {
      throw new GraphFormatError(
        file,
        ln,
        `line has ${t.length} fields, earlier lines ${cols}`,
        "the same number on every line",
      );
    }
    const u = intAt(file, ln, t[0], "node") - base, v = intAt(file, ln, t[1], "node") - base;
    for (const x of [u, v]) {
      if (x < 0 || (opts.n !== undefined && x >= opts.n)) {
        throw new GraphFormatError(
          file,
          ln,
          `node ${x + base} out of range`,
          `${base}..${(opts.n ?? Infinity) - 1 + base}`,
        );
      }
    }
    maxNode = Math.max(maxNode, u, v);
    src.push(u);
    dst.push(v);
    if (cols === 3) w.push(floatAt(file, ln, t[2], "weight"));
  }
  if (opts.n === undefined && maxNode < 0) {
    throw new GraphFormatError(file, lastLine, "no edges", "at least one 'u v' line (or pass n)");
  }
  return graphFromEdges({ n: opts.n ?? maxNode + 1, src, dst, weights: cols === 3 ? w : null });
}

/**
 * Parses METIS `.graph` text: header `n m [fmt [ncon]]`, then one line per node listing its
 * 1-based neighbours (with edge weights when fmt ends in 1, after a vertex size when fmt's first
 * digit is 1 and after ncon vertex weights when its middle digit is 1; those are skipped).
 * `%` lines are comments. Every edge must appear in both rows, m edges in all.
 *
 * @example
 * ```ts
 * const g = parseMetis("3 2\n2\n1 3\n2\n");
 * console.log(g.n); // 3
 * ```
 */
export function parseMetis(text: string, opts: ParseOptions = {}): Graph {
  const file = opts.name ?? "<input>";
  let n = -1, m = 0, node = 0, lastLine = 0;
  let hasSize = false, vwCount = 0, hasEw = false;
  const src: number[] = [], dst: number[] = [], w: number[] = [];
  for (const [ln, t, raw] of lines(text)) {
    lastLine = ln;
    if (raw.trimStart().startsWith("%")) continue;
    if (n < 0) {
      if (t.length === 0) continue;
      if (t.length < 2 || t.length > 4) {
        throw new GraphFormatError(file, ln, `header has ${t.length} fields`, "'n m [fmt [ncon]]'");
      }
      n = intAt(file, ln, t[0], "node count");
      m = intAt(file, ln, t[1], "edge count");
      if (n < 0 || m < 0) throw new GraphFormatError(file, ln, "negative count", "n, m >= 0");
      const fmt = (t[2] ?? "0").padStart(3, "0");
      if (!/^[01]{3}$/.test(fmt)) {
        throw new GraphFormatError(
          file,
          ln,
          `fmt '${t[2]}'`,
          "up to three digits of 0/1, e.g. 001",
        );
      }
      hasSize = fmt[0] === "1";
      vwCount = fmt[1] === "1" ? (t[3] ? intAt(file, ln, t[3], "ncon") : 1) : 0;
      hasEw = fmt[2] === "1";
      continue;
    }
    if (node >= n) {
      if (t.length === 0) continue;
      throw new GraphFormatError(
        file,
        ln,
        "more node lines than the header's n",
        `${n} node lines`,
      );
    }
    const skip = (hasSize ? 1 : 0) + vwCount;
    if (t.length < skip || (t.length - skip) % (hasEw ? 2 : 1) !== 0) {
      throw new GraphFormatError(
        file,
        ln,
        `node ${node + 1} has ${t.length} fields`,
        hasEw
          ? `${skip} vertex fields then 'neighbour weight' pairs`
          : `${skip} vertex fields then neighbours`,
      );
    }
    for (let k = 0; k < skip; k++) intAt(file, ln, t[k], "vertex size/weight");
    for (let k = skip; k < t.length; k += hasEw ? 2 : 1) {
      const v = intAt(file, ln, t[k], "neighbour");
      if (v < 1 || v > n) {
        throw new GraphFormatError(file, ln, `neighbour ${v} out of range`, `1..${n}`);
      }
      if (v === node + 1) {
        throw new GraphFormatError(file, ln, `self loop on node ${v}`, "no self loops");
      }
      src.push(node);
      dst.push(v - 1);
      w.push(hasEw ? floatAt(file, ln, t[k + 1], "edge weight") : 1);
    }
    node++;
  }
  if (n < 0) throw new GraphFormatError(file, lastLine, "no header", "'n m [fmt [ncon]]'");
  if (node < n) {
    throw new GraphFormatError(
      file,
      lastLine,
      `only ${node} node lines`,
      `${n} as the header declares`,
    );
  }
  if (src.length !== 2 * m) {
    throw new GraphFormatError(
      file,
      lastLine,
      `${src.length} adjacency entries`,
      `2m = ${2 * m} (each edge in both rows)`,
    );
  }
  const g = graphFromEdges({ n, src, dst, weights: hasEw ? w : null });
  if (g.colIdx.length !== 2 * m) {
    throw new GraphFormatError(
      file,
      lastLine,
      "adjacency is not symmetric or repeats an edge",
      "each edge exactly once in both rows",
    );
  }
  return g;
}

/** The format implied by a file name. */
export function formatOf(path: string): GraphFormat {
  const lower = path.toLowerCase();
  if (lower.endsWith(".col") || lower.endsWith(".clq")) return "dimacs";
  if (lower.endsWith(".graph") || lower.endsWith(".metis")) return "metis";
  if (lower.endsWith(".cnf")) return "cnf";
  return "edgelist";
}

/** Parses text in the given format (CNF becomes its standard MIS graph). */
export function parseGraph(text: string, format: GraphFormat, opts: EdgeListOptions = {}): Graph {
  switch (format) {
    case "dimacs":
      return parseDimacs(text, opts);
    case "edgelist":
      return parseEdgeList(text, opts);
    case "metis":
      return parseMetis(text, opts);
    case "cnf":
      return cnfToMisGraph(parseCnf(text, opts)).graph;
  }
}

/**
 * Loads a graph file; the format comes from the extension unless given.
 *
 * @example
 * ```ts
 * const g = await loadGraph("tests/testdata/graphs/petersen.col");
 * console.log(g.n); // 10
 * ```
 */
export async function loadGraph(
  path: string,
  opts: { format?: GraphFormat; base?: 0 | 1; n?: number } = {},
): Promise<Graph> {
  const text = await Deno.readTextFile(path);
  return parseGraph(text, opts.format ?? formatOf(path), { ...opts, name: path });
}
