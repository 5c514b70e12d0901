import { assert, assertEquals, assertRejects } from "../../_assert.ts";
import {
  assignmentFromSet,
  cnfToMisGraph,
  edgesOf,
  erdosRenyi,
  type Graph,
  GraphFormatError,
  loadGraph,
  misExact,
  numEdges,
  parseCnf,
  parseDimacs,
  parseEdgeList,
  parseMetis,
  satisfiedClauses,
  validateGraph,
  writeDimacs,
  writeEdgeList,
  writeMetis,
} from "../../../src/models/co/mod.ts";
import { petersen, weightedSmall } from "./_graphs.ts";

const dir = new URL("../../testdata/graphs/", import.meta.url).pathname;

function sameGraph(a: Graph, b: Graph) {
  assertEquals(a.n, b.n);
  assertEquals(Array.from(a.rowPtr), Array.from(b.rowPtr));
  assertEquals(Array.from(a.colIdx), Array.from(b.colIdx));
  assertEquals(a.weights ? Array.from(a.weights) : null, b.weights ? Array.from(b.weights) : null);
}

Deno.test("DIMACS: the Petersen fixture loads as the Petersen graph", async () => {
  const g = await loadGraph(dir + "petersen.col");
  validateGraph(g);
  sameGraph(g, petersen());
});

Deno.test("DIMACS .clq with edges listed both ways: 8 nodes, 12 edges", async () => {
  const g = await loadGraph(dir + "clique5.clq");
  assertEquals([g.n, numEdges(g)], [8, 12]);
});

Deno.test("edge list: weighted, comments, blank lines, 0-based and 1-based", async () => {
  const g = await loadGraph(dir + "weighted.edges");
  validateGraph(g);
  assertEquals([g.n, numEdges(g)], [6, 7]);
  const e = edgesOf(g);
  assertEquals(Array.from(e.weights!), [1.5, -0.5, 1, 2, 0.25, 1, 3]);
  const one = parseEdgeList("1 2\n2 3\n", { base: 1, n: 4 });
  assertEquals([one.n, Array.from(one.colIdx)], [4, [1, 0, 2, 1]]);
});

Deno.test("METIS: edge weights (fmt 001) and vertex weights skipped (fmt 011)", async () => {
  const g = await loadGraph(dir + "small.graph");
  validateGraph(g);
  const e = edgesOf(g);
  assertEquals(Array.from(e.src), [0, 0, 1, 1, 2, 3]);
  assertEquals(Array.from(e.dst), [1, 2, 2, 3, 4, 4]);
  assertEquals(Array.from(e.weights!), [1, 2, 3, 1, 4, 2]);
  const v = await loadGraph(dir + "vertex_weights.graph");
  assertEquals(Array.from(edgesOf(v).weights!), [5, 6]);
});

Deno.test("round trips: DIMACS, edge list and METIS writers read back identically", () => {
  for (const g of [petersen(), weightedSmall(), erdosRenyi({ n: 40, p: 0.2, seed: 3 })]) {
    sameGraph(parseDimacs(writeDimacs(g, "round trip\nsecond line")), g);
    sameGraph(parseEdgeList(writeEdgeList(g, 1), { base: 1, n: g.n }), g);
    sameGraph(parseEdgeList(writeEdgeList(g)), g);
    sameGraph(parseMetis(writeMetis(g)), g);
  }
  // f32 weights that need 9 significant digits survive.
  const odd = { n: 2, src: [0], dst: [1], weights: [Math.fround(0.1)] };
  const g = parseEdgeList(writeEdgeList(parseEdgeList("0 1 0.1")));
  assertEquals(g.weights![0], odd.weights[0]);
});

function lineError(fn: () => unknown, file: string, line: number, what: RegExp) {
  let caught: unknown = null;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert(caught instanceof GraphFormatError, `expected a GraphFormatError, got ${caught}`);
  assertEquals([caught.file, caught.line], [file, line]);
  assert(caught.message.startsWith(`${file}:${line}: `), caught.message);
  assert(what.test(caught.message), caught.message);
  assert(/; expected /.test(caught.message) && !caught.message.includes("\n"), caught.message);
}

Deno.test("malformed files: GraphFormatError names the file and the line", async () => {
  for (
    const [name, line, what] of [
      ["bad_node.col", 5, /node 11 out of range; expected 1\.\.10/],
      ["bad_count.col", 3, /found 2 edge lines; expected 3/],
      ["bad_token.edges", 3, /node is 'x'; expected an integer/],
      ["bad_asym.graph", 4, /not symmetric/],
      ["bad_unterminated.cnf", 3, /clause not terminated/],
    ] as const
  ) {
    const text = await Deno.readTextFile(dir + name);
    const fmt = name.endsWith(".col")
      ? parseDimacs
      : name.endsWith(".edges")
      ? parseEdgeList
      : name.endsWith(".graph")
      ? parseMetis
      : parseCnf;
    lineError(() => fmt(text, { name }), name, line, what);
  }
  await assertRejects(() => loadGraph(dir + "bad_node.col"), GraphFormatError);
});

Deno.test("malformed text: each parser's checks", () => {
  const cases: [() => unknown, number, RegExp][] = [
    [() => parseDimacs("e 1 2\n"), 1, /edge before the 'p' line/],
    [() => parseDimacs("p edge 3 1\np edge 3 1\n"), 2, /second 'p' line/],
    [() => parseDimacs("p cnf 3 1\n"), 1, /bad problem line/],
    [() => parseDimacs("p edge 3 1\ne 1\n"), 2, /edge line has 1 fields/],
    [() => parseDimacs("p edge 3 1\nq 1 2\n"), 2, /unknown line type 'q'/],
    [() => parseDimacs("c nothing\n"), 1, /no 'p' line/],
    [() => parseDimacs("p edge 3 1\ne 1 2 heavy\n"), 2, /weight is 'heavy'/],
    [() => parseEdgeList("0 1\n1 2 3\n"), 2, /earlier lines 2/],
    [() => parseEdgeList("0 1 2 3\n"), 1, /4 fields/],
    [() => parseEdgeList("1 2\n0 1\n", { base: 1 }), 2, /node 0 out of range/],
    [() => parseMetis("3 1\n2\n1\n\n4\n"), 5, /more node lines/],
    [() => parseMetis("3 1 2\n"), 1, /fmt '2'/],
    [() => parseMetis("2 1\n2\n"), 2, /only 1 node lines/],
    [() => parseMetis("2 1\n1\n1\n"), 2, /self loop/],
    [() => parseMetis("2 1 001\n2\n1 1\n"), 2, /'neighbour weight' pairs/],
    [() => parseCnf("1 2 0\n"), 1, /clause before the 'p' line/],
    [() => parseCnf("p cnf 2 1\n1 3 0\n"), 2, /variable above 2/],
    [() => parseCnf("p cnf 2 2\n1 2 0\n"), 2, /found 1 clauses/],
    [() => parseCnf("p cnf 2 1\n0\n"), 2, /empty clause/],
  ];
  for (const [fn, line, what] of cases) lineError(fn, "<input>", line, what);
});

Deno.test("CNF -> MIS graph: MIS = #clauses iff satisfiable (known answers)", async () => {
  const sat = parseCnf(await Deno.readTextFile(dir + "sat.cnf"));
  assertEquals([sat.numVars, sat.clauses.length], [5, 8]);
  assertEquals(satisfiedClauses(sat, [0, 1, 0, 1, 0, 1]), 8);
  const g = cnfToMisGraph(sat);
  assertEquals(g.graph.n, 24);
  // 8 triangles (24 edges) plus complementary pairs: x1 2x2, x2 3x3, x3 3x2, x4 2x3, x5 2x2.
  assertEquals(numEdges(g.graph), 24 + (4 + 9 + 6 + 6 + 4));
  const mis = misExact(g.graph);
  assertEquals(mis.value, 8);
  assertEquals(satisfiedClauses(sat, assignmentFromSet(g, mis.x, sat.numVars)), 8);

  const unsat = parseCnf(await Deno.readTextFile(dir + "unsat.cnf"));
  const u = cnfToMisGraph(unsat);
  assertEquals(misExact(u.graph).value, 3);
  const viaLoader = await loadGraph(dir + "unsat.cnf");
  assertEquals(misExact(viaLoader).value, 3);
});
