import { assert, assertEquals } from "../../_assert.ts";
import {
  erdosRenyi,
  loadGraph,
  misProblem,
  numEdges,
  writeDimacs,
} from "../../../src/models/co/mod.ts";
import { solveAnnealed } from "../../../src/co/solve.ts";
import { rwmSampler } from "../../../src/samplers/rwm.ts";

Deno.test("a graph of 10,000 nodes and ~1,000,000 edges loads from DIMACS and anneals", async () => {
  const g = erdosRenyi({ n: 10_000, p: 0.02, seed: 1 });
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/big.col`, writeDimacs(g));
    const h = await loadGraph(`${dir}/big.col`);
    assertEquals(h.n, 10_000);
    assertEquals(numEdges(h), numEdges(g));
    assert(numEdges(h) > 990_000 && numEdges(h) < 1_010_000, `${numEdges(h)} edges`);
    const problem = misProblem(h);
    const r = await solveAnnealed(problem, rwmSampler(), {
      chains: 4,
      steps: 20,
      seed: 1,
      schedule: { kind: "exp_decay", t0: 1, decay: 0.05, tMin: 1e-5 },
      reference: null,
    }, null);
    assert(problem.isFeasible(r.bestSolution), "the repaired best solution is an independent set");
    assert(r.repairedObjective > 100, `set size ${r.repairedObjective}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
