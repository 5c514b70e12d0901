/**
 * Graph writers for round trips and interchange: DIMACS, edge list and METIS. Weights are
 * written with the shortest decimal that reads back to the same f32.
 * @module
 */
import { edgesOf, type Graph } from "./graph.ts";

/**
 * DIMACS text (`p edge n m`, `e u v [w]`, 1-based).
 *
 * @example
 * ```ts
 * import { graphFromEdges } from "./graph.ts";
 * import { writeDimacs } from "./writers.ts";
 * const text = writeDimacs(graphFromEdges({ n: 2, src: [0], dst: [1] }));
 * console.log(text); // "p edge 2 1\ne 1 2\n"
 * ```
 */
export function writeDimacs(g: Graph, comment?: string): string {
  const { src, dst, weights } = edgesOf(g);
  const out: string[] = [];
  if (comment) { for (const line of comment.split("\n")) out.push(`c ${line}`); }
  out.push(`p edge ${g.n} ${src.length}`);
  for (let e = 0; e < src.length; e++) {
    out.push(`e ${src[e] + 1} ${dst[e] + 1}${weights ? ` ${weights[e]}` : ""}`);
  }
  return out.join("\n") + "\n";
}

/**
 * Edge list text (`u v [w]` per line), 0-based unless `base` is 1. Isolated trailing nodes are
 * not representable: pass `n` back to the loader.
 *
 * @example
 * ```ts
 * import { graphFromEdges } from "./graph.ts";
 * import { writeEdgeList } from "./writers.ts";
 * console.log(writeEdgeList(graphFromEdges({ n: 2, src: [0], dst: [1] }))); // "0 1\n"
 * ```
 */
export function writeEdgeList(g: Graph, base: 0 | 1 = 0): string {
  const { src, dst, weights } = edgesOf(g);
  const out: string[] = [];
  for (let e = 0; e < src.length; e++) {
    out.push(`${src[e] + base} ${dst[e] + base}${weights ? ` ${weights[e]}` : ""}`);
  }
  return out.join("\n") + "\n";
}

/**
 * METIS `.graph` text (fmt 001 when weighted).
 *
 * @example
 * ```ts
 * import { graphFromEdges } from "./graph.ts";
 * import { writeMetis } from "./writers.ts";
 * console.log(writeMetis(graphFromEdges({ n: 2, src: [0], dst: [1] }))); // "2 1\n2\n1\n"
 * ```
 */
export function writeMetis(g: Graph): string {
  const out = [`${g.n} ${g.colIdx.length / 2}${g.weights ? " 001" : ""}`];
  for (let u = 0; u < g.n; u++) {
    const row: string[] = [];
    for (let k = g.rowPtr[u]; k < g.rowPtr[u + 1]; k++) {
      row.push(String(g.colIdx[k] + 1));
      if (g.weights) row.push(String(g.weights[k]));
    }
    out.push(row.join(" "));
  }
  return out.join("\n") + "\n";
}
