/**
 * Undirected graphs in compressed sparse row (CSR) form: each edge {u, v} appears twice, as
 * v in row u and u in row v, rows sorted ascending, no self loops, no duplicates. This is the
 * layout the WGSL twins read (`model_row_ptr`, `model_col_idx`, `model_weights`).
 * @module
 */

/** An undirected graph in CSR form. `weights` is null for unweighted graphs (all weights 1). */
export interface Graph {
  /** Number of nodes. */
  readonly n: number;
  /** Row offsets, length n + 1: the neighbours of u are `colIdx[rowPtr[u] .. rowPtr[u+1])`. */
  readonly rowPtr: Uint32Array;
  /** Neighbour indices, length 2m, sorted within each row. */
  readonly colIdx: Uint32Array;
  /** Edge weights aligned with `colIdx` (the same value in both directions), or null. */
  readonly weights: Float32Array | null;
}

/** Edges as parallel arrays (any order, duplicates and self loops allowed on input). */
export interface EdgeList {
  readonly n: number;
  readonly src: ArrayLike<number>;
  readonly dst: ArrayLike<number>;
  /** Optional weight per edge; the first weight of a duplicated edge is kept. */
  readonly weights?: ArrayLike<number> | null;
}

/** Degree statistics of a graph. */
export interface DegreeStats {
  readonly n: number;
  readonly edges: number;
  readonly minDegree: number;
  readonly maxDegree: number;
  readonly meanDegree: number;
  /** Edges / (n (n - 1) / 2); 0 for n < 2. */
  readonly density: number;
  readonly isolated: number;
}

/**
 * Builds a CSR graph from an edge list: drops self loops, merges duplicate edges (in either
 * direction; the first occurrence's weight wins) and symmetrises.
 *
 * @example
 * ```ts
 * const g = graphFromEdges({ n: 3, src: [0, 1, 1], dst: [1, 0, 2] });
 * console.log(numEdges(g)); // 2
 * ```
 */
export function graphFromEdges(edges: EdgeList): Graph {
  const { n, src, dst } = edges;
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new Error(`graph node count must be an integer in [0, 2^32), got ${n}`);
  }
  if (src.length !== dst.length) {
    throw new Error(`edge arrays differ in length: ${src.length} sources, ${dst.length} targets`);
  }
  const w = edges.weights ?? null;
  if (w && w.length !== src.length) {
    throw new Error(`edge list has ${src.length} edges but ${w.length} weights`);
  }
  const count = src.length;
  const deg = new Uint32Array(n + 1);
  for (let e = 0; e < count; e++) {
    const u = src[e], v = dst[e];
    if (!(Number.isInteger(u) && Number.isInteger(v) && u >= 0 && v >= 0 && u < n && v < n)) {
      throw new Error(`edge ${e} (${u}, ${v}) has an endpoint outside [0, ${n})`);
    }
    if (w && !Number.isFinite(w[e])) {
      throw new Error(`edge ${e} (${u}, ${v}) has weight ${w[e]}: expected a finite number`);
    }
    if (u !== v) {
      deg[u + 1]++;
      deg[v + 1]++;
    }
  }
  for (let u = 0; u < n; u++) deg[u + 1] += deg[u];
  const fill = deg.slice(0, n);
  const col = new Uint32Array(deg[n]);
  // Edge ids travel with the neighbours so that duplicates keep the first weight.
  const ids = new Uint32Array(w ? deg[n] : 0);
  for (let e = 0; e < count; e++) {
    const u = src[e], v = dst[e];
    if (u === v) continue;
    col[fill[u]] = v;
    ids[fill[u]++] = e;
    col[fill[v]] = u;
    ids[fill[v]++] = e;
  }
  const rowPtr = new Uint32Array(n + 1);
  let out = 0;
  for (let u = 0; u < n; u++) {
    const a = deg[u], b = deg[u + 1];
    rowPtr[u] = out;
    if (!w) {
      // Unweighted: a native typed-array sort is enough (duplicates are interchangeable).
      col.subarray(a, b).sort();
      for (let k = a; k < b; k++) if (k === a || col[k] !== col[k - 1]) col[out++] = col[k];
      continue;
    }
    // Weighted: sort by (neighbour, edge id) so a duplicate keeps its first weight.
    const order = Array.from({ length: b - a }, (_, k) => a + k);
    order.sort((p, q) => col[p] - col[q] || ids[p] - ids[q]);
    const keptCol: number[] = [], keptId: number[] = [];
    for (const p of order) {
      if (keptCol.length && keptCol[keptCol.length - 1] === col[p]) continue;
      keptCol.push(col[p]);
      keptId.push(ids[p]);
    }
    // out <= a, so writing the kept entries cannot clobber rows not yet read.
    for (let k = 0; k < keptCol.length; k++) {
      col[out] = keptCol[k];
      ids[out++] = keptId[k];
    }
  }
  rowPtr[n] = out;
  const colIdx = col.slice(0, out);
  const weights = w ? Float32Array.from(ids.subarray(0, out), (e) => w[e]) : null;
  return { n, rowPtr, colIdx, weights };
}

/** Number of undirected edges. */
export function numEdges(g: Graph): number {
  return g.colIdx.length / 2;
}

/** Degree of node u. */
export function degree(g: Graph, u: number): number {
  return g.rowPtr[u + 1] - g.rowPtr[u];
}

/** Whether {u, v} is an edge (binary search in row u). */
export function hasEdge(g: Graph, u: number, v: number): boolean {
  return edgeIndex(g, u, v) >= 0;
}

/** Position of v in row u of `colIdx`, or -1. */
export function edgeIndex(g: Graph, u: number, v: number): number {
  let lo = g.rowPtr[u], hi = g.rowPtr[u + 1];
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = g.colIdx[mid];
    if (c === v) return mid;
    if (c < v) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}

/** Weight of the edge at CSR position k (1 for unweighted graphs). */
export function weightAt(g: Graph, k: number): number {
  return g.weights ? g.weights[k] : 1;
}

/** Each undirected edge once as (u, v, w) with u < v, in CSR order. */
export function edgesOf(
  g: Graph,
): { src: Uint32Array; dst: Uint32Array; weights: Float32Array | null } {
  const m = numEdges(g);
  const src = new Uint32Array(m), dst = new Uint32Array(m);
  const weights = g.weights ? new Float32Array(m) : null;
  let e = 0;
  for (let u = 0; u < g.n; u++) {
    for (let k = g.rowPtr[u]; k < g.rowPtr[u + 1]; k++) {
      const v = g.colIdx[k];
      if (v <= u) continue;
      src[e] = u;
      dst[e] = v;
      if (weights) weights[e] = g.weights![k];
      e++;
    }
  }
  return { src, dst, weights };
}

/** Degree statistics. */
export function degreeStats(g: Graph): DegreeStats {
  let min = Infinity, max = 0, isolated = 0;
  for (let u = 0; u < g.n; u++) {
    const d = degree(g, u);
    min = Math.min(min, d);
    max = Math.max(max, d);
    if (d === 0) isolated++;
  }
  const m = numEdges(g);
  return {
    n: g.n,
    edges: m,
    minDegree: g.n ? min : 0,
    maxDegree: max,
    meanDegree: g.n ? (2 * m) / g.n : 0,
    density: g.n > 1 ? m / (g.n * (g.n - 1) / 2) : 0,
    isolated,
  };
}

/** Number of edges of the complement graph. */
export function complementEdgeCount(g: Graph): number {
  return g.n * (g.n - 1) / 2 - numEdges(g);
}

/**
 * The complement graph (unweighted). Throws when it would have more than `maxEdges` edges.
 *
 * @example
 * ```ts
 * const c = complementGraph(graphFromEdges({ n: 3, src: [0], dst: [1] }));
 * console.log(numEdges(c)); // 2
 * ```
 */
export function complementGraph(g: Graph, maxEdges = 5e7): Graph {
  const m = complementEdgeCount(g);
  if (m > maxEdges) {
    throw new Error(
      `complement of a ${g.n}-node graph has ${m} edges: expected at most ${maxEdges}`,
    );
  }
  const rowPtr = new Uint32Array(g.n + 1);
  const colIdx = new Uint32Array(2 * m);
  let out = 0;
  for (let u = 0; u < g.n; u++) {
    rowPtr[u] = out;
    let k = g.rowPtr[u];
    const end = g.rowPtr[u + 1];
    for (let v = 0; v < g.n; v++) {
      while (k < end && g.colIdx[k] < v) k++;
      if (v === u || (k < end && g.colIdx[k] === v)) continue;
      colIdx[out++] = v;
    }
  }
  rowPtr[g.n] = out;
  return { n: g.n, rowPtr, colIdx, weights: null };
}

/** Checks the CSR invariants (sorted rows, symmetry, no loops or duplicates, weights agree). */
export function validateGraph(g: Graph): void {
  if (g.rowPtr.length !== g.n + 1 || g.rowPtr[0] !== 0 || g.rowPtr[g.n] !== g.colIdx.length) {
    throw new Error(`CSR row pointers are inconsistent: expected n + 1 offsets from 0 to nnz`);
  }
  if (g.weights && g.weights.length !== g.colIdx.length) {
    throw new Error(`CSR has ${g.colIdx.length} entries but ${g.weights.length} weights`);
  }
  for (let u = 0; u < g.n; u++) {
    for (let k = g.rowPtr[u]; k < g.rowPtr[u + 1]; k++) {
      const v = g.colIdx[k];
      if (v >= g.n || v === u || (k > g.rowPtr[u] && g.colIdx[k - 1] >= v)) {
        throw new Error(`CSR row ${u} is not sorted, loop-free and within [0, ${g.n})`);
      }
      const back = edgeIndex(g, v, u);
      if (back < 0 || (g.weights && g.weights[back] !== g.weights[k])) {
        throw new Error(`CSR edge (${u}, ${v}) has no matching reverse entry`);
      }
    }
  }
}
