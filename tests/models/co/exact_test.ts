import { assert, assertClose, assertEquals, assertThrows } from "../../_assert.ts";
import {
  bruteForcePenalised,
  erdosRenyi,
  exactReference,
  greedyMis,
  isClique,
  isIndependentSet,
  maxCliqueExact,
  maxCliqueProblem,
  maxCutExact,
  maxCutLocalSearch,
  maxCutProblem,
  misExact,
  misProblem,
  partitionExact,
  partitionProblem,
  partSizes,
} from "../../../src/models/co/mod.ts";
import { allStates, petersen, weightedSmall } from "./_graphs.ts";

Deno.test("exact MIS and max clique agree with brute force on random graphs", () => {
  for (let seed = 0; seed < 12; seed++) {
    const g = erdosRenyi({ nMin: 6, nMax: 12, p: 0.15 + 0.05 * (seed % 8), seed });
    const mis = misExact(g), clq = maxCliqueExact(g);
    assert(isIndependentSet(g, mis.x) && isClique(g, clq.x));
    assertEquals(mis.x.reduce((a, b) => a + b, 0), mis.value);
    // lambda = 2 makes the brute-force maximiser of the penalised objective feasible.
    assertEquals(bruteForcePenalised(misProblem(g, { penalty: 2 })).value, mis.value);
    assertEquals(bruteForcePenalised(maxCliqueProblem(g, { penalty: 2 })).value, clq.value);
  }
  assertEquals(misExact(petersen()).value, 4);
  assertEquals(maxCliqueExact(petersen()).value, 2);
});

Deno.test("exact MIS on a 90-node graph: independent, and greedy is no better", () => {
  const g = erdosRenyi({ n: 90, p: 0.1, seed: 4 });
  const mis = misExact(g);
  assert(isIndependentSet(g, mis.x));
  const greedy = greedyMis(g).reduce((a, b) => a + b, 0);
  assert(greedy <= mis.value && greedy >= mis.value - 6, `greedy ${greedy}, exact ${mis.value}`);
  assertEquals(exactReference(misProblem(g)), mis.value);
});

Deno.test("exact max-cut (Gray code) agrees with brute force, weighted and unweighted", () => {
  for (const g of [petersen(), weightedSmall(), erdosRenyi({ n: 11, p: 0.5, seed: 8 })]) {
    let best = -Infinity;
    const p = maxCutProblem(g);
    for (const x of allStates(g.n)) best = Math.max(best, p.objective(x));
    const ex = maxCutExact(g);
    assertClose(ex.value, best, 1e-9, "max cut");
    assertClose(p.objective(ex.x), best, 1e-9, "max cut witness");
  }
  assertEquals(maxCutExact(petersen()).value, 12);
  assertThrows(() => maxCutExact(erdosRenyi({ n: 30, p: 0.1, seed: 1 })), /at most 26/);
});

Deno.test("exact balanced partition agrees with brute force", () => {
  const g = weightedSmall();
  for (const k of [2, 3]) {
    const p = partitionProblem(g, { numParts: k });
    let best = Infinity;
    for (const x of allStates(g.n, k)) if (p.isFeasible(x)) best = Math.min(best, p.objective(x));
    const ex = partitionExact(g, k);
    assertClose(ex.value, best, 1e-9, `K=${k}`);
    assert(p.isFeasible(ex.x), `sizes ${partSizes(ex.x, k)}`);
  }
});

Deno.test("baselines: greedy MIS is maximal; local search is a 1-flip optimum >= W/2", () => {
  for (let seed = 0; seed < 5; seed++) {
    const g = erdosRenyi({ n: 60, p: 0.1, seed });
    const x = greedyMis(g);
    assert(isIndependentSet(g, x));
    for (let i = 0; i < g.n; i++) {
      if (x[i]) continue;
      let blocked = false;
      for (let k = g.rowPtr[i]; k < g.rowPtr[i + 1]; k++) blocked ||= x[g.colIdx[k]] === 1;
      assert(blocked, `greedy MIS not maximal at ${i}`);
    }
    const { x: cutX, cut } = maxCutLocalSearch(g);
    const p = maxCutProblem(g);
    for (let i = 0; i < g.n; i++) {
      assert(p.delta(cutX, 0, i, 1 - cutX[i]) >= 0, "not a local optimum");
    }
    assert(cut >= g.colIdx.length / 4, `cut ${cut} below half the edges`);
  }
  const small = erdosRenyi({ n: 16, p: 0.4, seed: 2 });
  assert(maxCutLocalSearch(small).cut <= maxCutExact(small).value);
});
