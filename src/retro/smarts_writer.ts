/**
 * Canonical SMARTS for a labelled subgraph: atoms ranked by iterated neighbourhood refinement
 * (Weisfeiler-Lehman style, ties broken and refined again), then written by a depth-first walk
 * from the lowest rank with ring closures. The same labelled graph gives the same string whatever
 * its input atom order, which is what de-duplicates a template library.
 * @module
 */

/** A labelled subgraph: `label[i]` is atom i's SMARTS without brackets' map part handled by caller. */
export interface LabelledGraph {
  /** Atom SMARTS (already bracketed). */
  labels: string[];
  /** Neighbours of each atom inside the subgraph: [atom, bond symbol]. */
  nbrs: [number, string][][];
}

/**
 * Canonical ranks 0..n-1 of the atoms of `g` (equal labels and neighbourhoods rank by refinement;
 * the remaining ties by a deterministic split).
 */
export function canonicalRanks(g: LabelledGraph): number[] {
  const n = g.labels.length;
  let ranks = rankBy(g.labels);
  for (;;) {
    ranks = refine(g, ranks);
    const seen = new Set(ranks);
    if (seen.size === n) return ranks;
    // Break the lowest tied class: its first member goes first, then refine again.
    const counts = new Map<number, number>();
    for (const r of ranks) counts.set(r, (counts.get(r) ?? 0) + 1);
    const tied = Math.min(...[...counts].filter(([, c]) => c > 1).map(([r]) => r));
    const first = ranks.indexOf(tied);
    ranks = ranks.map((r, i) => (r > tied || (r === tied && i !== first) ? r * 2 + 1 : r * 2));
    ranks = rankBy(ranks.map((r) => r.toString().padStart(8, "0")));
  }
}

function rankBy(keys: string[]): number[] {
  const sorted = [...new Set(keys)].sort();
  const index = new Map(sorted.map((k, i) => [k, i]));
  return keys.map((k) => index.get(k)!);
}

function refine(g: LabelledGraph, start: number[]): number[] {
  let ranks = start;
  let classes = new Set(ranks).size;
  for (;;) {
    const keys = ranks.map((r, i) =>
      r.toString().padStart(6, "0") + "|" +
      g.nbrs[i].map(([j, b]) => b + ranks[j].toString().padStart(6, "0")).sort().join(",")
    );
    const next = rankBy(keys);
    const nextClasses = new Set(next).size;
    if (nextClasses === classes) return next;
    ranks = next;
    classes = nextClasses;
  }
}

/**
 * Writes the components of `g` as SMARTS strings (one per connected component, each walked
 * depth-first from its lowest-ranked atom, neighbours in rank order), sorted.
 */
export function writeComponents(g: LabelledGraph, ranks: number[]): string[] {
  const n = g.labels.length;
  const order = [...Array(n).keys()].sort((a, b) => ranks[a] - ranks[b]);
  const seen = new Array<boolean>(n).fill(false);
  const parts: string[] = [];
  for (const root of order) {
    if (seen[root]) continue;
    // Pass 1: DFS tree and ring-closure (back) edges.
    const children = new Map<number, [number, string][]>();
    const closures = new Map<number, [number, string][]>(); // earlier atom -> later atoms
    const discovered: number[] = [];
    const treeEdge = new Set<string>();
    const visit = (i: number, parent: number) => {
      seen[i] = true;
      discovered.push(i);
      children.set(i, []);
      const nb = [...g.nbrs[i]].sort((a, b) => ranks[a[0]] - ranks[b[0]]);
      for (const [j, bond] of nb) {
        if (j === parent && treeEdge.has(key(i, j))) continue;
        if (!seen[j]) {
          treeEdge.add(key(i, j));
          children.get(i)!.push([j, bond]);
          visit(j, i);
        } else if (!treeEdge.has(key(i, j)) && !closureKnown(closures, i, j)) {
          // j was discovered earlier: a ring bond closed at i.
          if (!closures.has(j)) closures.set(j, []);
          closures.get(j)!.push([i, bond]);
        }
      }
    };
    visit(root, -1);
    // Pass 2: write, allocating ring digits at the earlier atom.
    const open = new Map<string, number>();
    const used = new Set<number>();
    const write = (i: number): string => {
      let s = g.labels[i];
      for (const [j, bond] of closuresAt(closures, i)) {
        const k = key(i, j);
        if (open.has(k)) {
          const d = open.get(k)!;
          s += bond + ringDigit(d);
          used.delete(d);
          open.delete(k);
        } else {
          let d = 1;
          while (used.has(d)) d++;
          used.add(d);
          open.set(k, d);
          s += ringDigit(d);
        }
      }
      const kids = children.get(i)!;
      kids.forEach(([j, bond], idx) => {
        const sub = bond + write(j);
        s += idx < kids.length - 1 ? `(${sub})` : sub;
      });
      return s;
    };
    parts.push(write(root));
  }
  return parts.sort();
}

function key(a: number, b: number): string {
  return a < b ? `${a},${b}` : `${b},${a}`;
}

function closureKnown(closures: Map<number, [number, string][]>, i: number, j: number): boolean {
  return (closures.get(j) ?? []).some(([x]) => x === i) ||
    (closures.get(i) ?? []).some(([x]) => x === j);
}

/** Ring bonds at atom i, in the order they are met: those it opens and those it closes. */
function closuresAt(closures: Map<number, [number, string][]>, i: number): [number, string][] {
  const out: [number, string][] = [...(closures.get(i) ?? [])];
  for (const [earlier, list] of closures) {
    for (const [later, bond] of list) if (later === i) out.push([earlier, bond]);
  }
  return out;
}

function ringDigit(d: number): string {
  return d < 10 ? String(d) : `%${d}`;
}
