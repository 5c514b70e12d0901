/**
 * SATLIB-style CNF (DIMACS `p cnf vars clauses`, clauses as integers ending in 0) and its
 * standard MIS graph (DISCS's SATLIB set): one node per literal occurrence, a clique on each
 * clause, and an edge between every pair of complementary literal occurrences. An independent
 * set picks at most one true literal per clause consistently, so the maximum independent set
 * size is the maximum number of simultaneously satisfiable clauses: equal to the clause count
 * iff the formula is satisfiable.
 * @module
 */
import { type Graph, graphFromEdges } from "./graph.ts";
import { GraphFormatError, type ParseOptions } from "./errors.ts";

/** A CNF formula: clauses of non-zero literals (+v / -v, 1-based variables). */
export interface Cnf {
  readonly numVars: number;
  readonly clauses: readonly Int32Array[];
}

/**
 * Parses DIMACS CNF text. Clauses may span lines; `c` lines are comments; a line starting with
 * `%` ends the formula (SATLIB files end with `%` and `0`).
 *
 * @example
 * ```ts
 * const cnf = parseCnf("p cnf 2 2\n1 -2 0\n2 0\n");
 * console.log(cnf.clauses.length); // 2
 * ```
 */
export function parseCnf(text: string, opts: ParseOptions = {}): Cnf {
  const file = opts.name ?? "<input>";
  const all = text.replace(/\r?\n$/, "").split(/\r?\n/);
  let vars = -1, declared = -1, lastLine = 0, openLine = 0;
  const clauses: Int32Array[] = [];
  let current: number[] = [];
  for (let i = 0; i < all.length; i++) {
    const ln = i + 1;
    lastLine = ln;
    const t = all[i].trim().split(/\s+/).filter((s) => s.length > 0);
    if (t.length === 0 || t[0] === "c") continue;
    if (t[0].startsWith("%")) break;
    if (t[0] === "p") {
      if (vars >= 0) {
        throw new GraphFormatError(file, ln, "second 'p' line", "exactly one 'p cnf vars clauses'");
      }
      if (t.length !== 4 || t[1] !== "cnf" || !/^\d+$/.test(t[2]) || !/^\d+$/.test(t[3])) {
        throw new GraphFormatError(
          file,
          ln,
          `bad problem line '${t.join(" ")}'`,
          "'p cnf vars clauses'",
        );
      }
      vars = Number(t[2]);
      declared = Number(t[3]);
      continue;
    }
    if (vars < 0) {
      throw new GraphFormatError(
        file,
        ln,
        "clause before the 'p' line",
        "'p cnf vars clauses' first",
      );
    }
    for (const tok of t) {
      if (!/^[+-]?\d+$/.test(tok)) {
        throw new GraphFormatError(file, ln, `literal '${tok}'`, "an integer");
      }
      const lit = Number(tok);
      if (lit === 0) {
        if (current.length === 0) {
          throw new GraphFormatError(file, ln, "empty clause", "at least one literal before 0");
        }
        clauses.push(Int32Array.from(current));
        current = [];
        continue;
      }
      if (Math.abs(lit) > vars) {
        throw new GraphFormatError(
          file,
          ln,
          `literal ${lit} names a variable above ${vars}`,
          `|literal| in 1..${vars}`,
        );
      }
      if (current.length === 0) openLine = ln;
      current.push(lit);
    }
  }
  if (vars < 0) {
    throw new GraphFormatError(file, lastLine, "no 'p cnf' line", "'p cnf vars clauses'");
  }
  if (current.length > 0) {
    throw new GraphFormatError(
      file,
      openLine,
      "clause not terminated",
      "a 0 after its last literal",
    );
  }
  if (clauses.length !== declared) {
    throw new GraphFormatError(
      file,
      lastLine,
      `found ${clauses.length} clauses`,
      `${declared} as the 'p' line declares`,
    );
  }
  return { numVars: vars, clauses };
}

/** The MIS graph of a CNF with the literal and clause of every node. */
export interface CnfMisGraph {
  readonly graph: Graph;
  /** Literal of each node (+v / -v). */
  readonly literal: Int32Array;
  /** Clause index of each node. */
  readonly clause: Uint32Array;
  readonly numClauses: number;
}

/**
 * Builds the standard MIS graph of a CNF.
 *
 * @example
 * ```ts
 * const { graph } = cnfToMisGraph(parseCnf("p cnf 1 2\n1 0\n-1 0\n"));
 * console.log(graph.n); // 2 (one edge: x and not x)
 * ```
 */
export function cnfToMisGraph(cnf: Cnf): CnfMisGraph {
  const literal: number[] = [], clause: number[] = [];
  const src: number[] = [], dst: number[] = [];
  cnf.clauses.forEach((c, ci) => {
    const first = literal.length;
    for (const lit of c) {
      for (let j = first; j < literal.length; j++) {
        src.push(j);
        dst.push(literal.length);
      }
      literal.push(lit);
      clause.push(ci);
    }
  });
  const pos: number[][] = Array.from({ length: cnf.numVars + 1 }, () => []);
  const neg: number[][] = Array.from({ length: cnf.numVars + 1 }, () => []);
  literal.forEach((lit, node) => (lit > 0 ? pos[lit] : neg[-lit]).push(node));
  for (let v = 1; v <= cnf.numVars; v++) {
    for (const a of pos[v]) {
      for (const b of neg[v]) {
        src.push(a);
        dst.push(b);
      }
    }
  }
  return {
    graph: graphFromEdges({ n: literal.length, src, dst }),
    literal: Int32Array.from(literal),
    clause: Uint32Array.from(clause),
    numClauses: cnf.clauses.length,
  };
}

/**
 * A variable assignment from an independent set of the CNF's MIS graph (chosen literals are
 * true; variables not chosen are false). Returns values indexed 1..numVars (index 0 unused).
 */
export function assignmentFromSet(
  g: CnfMisGraph,
  x: ArrayLike<number>,
  numVars: number,
): Uint8Array {
  const a = new Uint8Array(numVars + 1);
  for (let i = 0; i < g.literal.length; i++) {
    if (x[i] === 1 && g.literal[i] > 0) a[g.literal[i]] = 1;
  }
  return a;
}

/** Number of clauses an assignment (1-based, index 0 unused) satisfies. */
export function satisfiedClauses(cnf: Cnf, a: ArrayLike<number>): number {
  let s = 0;
  for (const c of cnf.clauses) {
    if (c.some((lit) => (lit > 0 ? a[lit] === 1 : a[-lit] === 0))) s++;
  }
  return s;
}
