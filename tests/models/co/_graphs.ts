/** Small graphs shared by the CO tests. */
import { type Graph, graphFromEdges } from "../../../src/models/co/mod.ts";

/** The Petersen graph (independence number 4, max cut 12, triangle-free). */
export function petersen(): Graph {
  const src = [0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 5, 7, 9, 6, 8];
  const dst = [1, 2, 3, 4, 0, 5, 6, 7, 8, 9, 7, 9, 6, 8, 5];
  return graphFromEdges({ n: 10, src, dst });
}

/** A small weighted graph with a negative weight. */
export function weightedSmall(): Graph {
  return graphFromEdges({
    n: 7,
    src: [0, 1, 2, 3, 4, 5, 0, 6, 2],
    dst: [1, 2, 3, 4, 5, 0, 3, 1, 6],
    weights: [1.5, 2, 0.25, 1, 3, 1, -0.5, 0.75, 2.5],
  });
}

/** Every binary state of n sites (site 0 fastest), as one reused array. */
export function* allStates(n: number, c = 2): Generator<Uint32Array> {
  const x = new Uint32Array(n);
  for (let s = 0; s < c ** n; s++) {
    let r = s;
    for (let i = 0; i < n; i++) {
      x[i] = r % c;
      r = Math.floor(r / c);
    }
    yield x;
  }
}
