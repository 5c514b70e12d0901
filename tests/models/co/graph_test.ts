import { assert, assertEquals, assertThrows } from "../../_assert.ts";
import {
  complementGraph,
  degreeStats,
  edgesOf,
  graphFromEdges,
  hasEdge,
  numEdges,
  validateGraph,
} from "../../../src/models/co/mod.ts";
import { petersen } from "./_graphs.ts";

Deno.test("graphFromEdges: drops loops and duplicates, symmetrises, sorts rows", () => {
  const g = graphFromEdges({ n: 4, src: [2, 0, 1, 1, 3, 2], dst: [0, 1, 0, 1, 2, 0] });
  validateGraph(g);
  assertEquals(numEdges(g), 3);
  assertEquals(Array.from(g.rowPtr), [0, 2, 3, 5, 6]);
  assertEquals(Array.from(g.colIdx), [1, 2, 0, 0, 3, 2]);
  assert(hasEdge(g, 3, 2) && hasEdge(g, 2, 3) && !hasEdge(g, 1, 1) && !hasEdge(g, 1, 3));
  assertEquals(g.weights, null);
});

Deno.test("graphFromEdges: a duplicated weighted edge keeps its first weight in both rows", () => {
  const g = graphFromEdges({ n: 3, src: [0, 1, 1], dst: [1, 0, 2], weights: [2.5, 7, -1] });
  validateGraph(g);
  assertEquals(Array.from(g.weights!), [2.5, 2.5, -1, -1]);
  const e = edgesOf(g);
  assertEquals([Array.from(e.src), Array.from(e.dst), Array.from(e.weights!)], [
    [0, 1],
    [1, 2],
    [2.5, -1],
  ]);
});

Deno.test("graphFromEdges: rejects bad endpoints and weights with one-line errors", () => {
  assertThrows(() => graphFromEdges({ n: 2, src: [0], dst: [2] }), /outside \[0, 2\)/);
  assertThrows(() => graphFromEdges({ n: 2, src: [0], dst: [1], weights: [NaN] }), /finite/);
  assertThrows(() => graphFromEdges({ n: 2, src: [0, 1], dst: [1] }), /differ in length/);
});

Deno.test("degreeStats and complement of the Petersen graph", () => {
  const g = petersen();
  const s = degreeStats(g);
  assertEquals([s.n, s.edges, s.minDegree, s.maxDegree, s.meanDegree, s.isolated], [
    10,
    15,
    3,
    3,
    3,
    0,
  ]);
  assertEquals(s.density, 15 / 45);
  const c = complementGraph(g);
  validateGraph(c);
  assertEquals(numEdges(c), 30);
  for (let u = 0; u < 10; u++) {
    for (let v = 0; v < 10; v++) if (u !== v) assertEquals(hasEdge(c, u, v), !hasEdge(g, u, v));
  }
});
