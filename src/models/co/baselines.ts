/**
 * Classical baselines to compare the samplers against: greedy minimum-degree MIS and max-cut
 * by greedy construction plus one-flip local search.
 * @module
 */
import { degree, type Graph } from "./graph.ts";
import { cutWeight } from "./maxcut.ts";

/**
 * Greedy MIS: repeatedly take a node of minimum remaining degree and delete its neighbours.
 *
 * @example
 * ```ts
 * import { graphFromEdges } from "./graph.ts";
 * import { greedyMis } from "./baselines.ts";
 * const x = greedyMis(graphFromEdges({ n: 3, src: [0, 1], dst: [1, 2] }));
 * console.log(Array.from(x)); // [1, 0, 1]
 * ```
 */
export function greedyMis(g: Graph): Uint32Array {
  const n = g.n;
  const x = new Uint32Array(n);
  const alive = new Uint8Array(n).fill(1);
  const deg = Int32Array.from({ length: n }, (_, u) => degree(g, u));
  // Bucket queue over remaining degrees, with lazy deletion of stale entries.
  const buckets: number[][] = Array.from({ length: n + 1 }, () => []);
  for (let u = n - 1; u >= 0; u--) buckets[deg[u]].push(u);
  let d = 0;
  for (;;) {
    while (d <= n && buckets[d].length === 0) d++;
    if (d > n) break;
    const u = buckets[d].pop()!;
    if (!alive[u] || deg[u] !== d) continue;
    x[u] = 1;
    alive[u] = 0;
    const removed: number[] = [];
    for (let k = g.rowPtr[u]; k < g.rowPtr[u + 1]; k++) {
      const v = g.colIdx[k];
      if (alive[v]) removed.push(v);
      alive[v] = 0;
    }
    // Removing u's live neighbours lowers the degrees of their surviving neighbours.
    for (const v of removed) {
      for (let q = g.rowPtr[v]; q < g.rowPtr[v + 1]; q++) {
        const w = g.colIdx[q];
        if (!alive[w]) continue;
        deg[w]--;
        buckets[deg[w]].push(w);
        d = Math.min(d, deg[w]);
      }
    }
  }
  return x;
}

/**
 * One-flip local search for max-cut from a start assignment (default: greedy, each node joins
 * the side opposite most of its already placed neighbours): flip any node whose flip increases
 * the cut until none does. Returns a 1-flip local optimum.
 *
 * @example
 * ```ts
 * import { graphFromEdges } from "./graph.ts";
 * import { maxCutLocalSearch } from "./baselines.ts";
 * const { cut } = maxCutLocalSearch(graphFromEdges({ n: 3, src: [0, 1], dst: [1, 2] }));
 * console.log(cut); // 2
 * ```
 */
export function maxCutLocalSearch(
  g: Graph,
  start?: ArrayLike<number>,
): { x: Uint32Array; cut: number } {
  const n = g.n;
  const w = (k: number) => (g.weights ? g.weights[k] : 1);
  const x = new Uint32Array(n);
  if (start) { for (let i = 0; i < n; i++) x[i] = start[i] === 1 ? 1 : 0; }
  else {
    const placed = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      let side = 0;
      for (let k = g.rowPtr[i]; k < g.rowPtr[i + 1]; k++) {
        const j = g.colIdx[k];
        if (placed[j]) side += x[j] === 0 ? w(k) : -w(k);
      }
      x[i] = side > 0 ? 1 : 0;
      placed[i] = 1;
    }
  }
  // gain[i] = cut change of flipping i = sum over same-side neighbours - other-side neighbours.
  const gain = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let k = g.rowPtr[i]; k < g.rowPtr[i + 1]; k++) {
      gain[i] += x[g.colIdx[k]] === x[i] ? w(k) : -w(k);
    }
  }
  const eps = 1e-9;
  let improved = true;
  while (improved) {
    improved = false;
    for (let i = 0; i < n; i++) {
      if (gain[i] <= eps) continue;
      x[i] ^= 1;
      gain[i] = -gain[i];
      for (let k = g.rowPtr[i]; k < g.rowPtr[i + 1]; k++) {
        const j = g.colIdx[k];
        gain[j] += x[j] === x[i] ? 2 * w(k) : -2 * w(k);
      }
      improved = true;
    }
  }
  return { x, cut: cutWeight(g, x) };
}
