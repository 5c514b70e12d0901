import { assert, assertClose, assertEquals, assertThrows } from "../../_assert.ts";
import {
  balanceness,
  bruteForcePenalised,
  type CoProblem,
  edgeCutRatio,
  erdosRenyi,
  evaluateSolution,
  type Graph,
  graphFromEdges,
  hasEdge,
  maxCliqueExact,
  maxCliqueProblem,
  maxCutExact,
  maxCutProblem,
  misExact,
  misProblem,
  partitionCut,
  partitionExact,
  partitionProblem,
  partSizes,
} from "../../../src/models/co/mod.ts";
import { uniformArray } from "../../../src/random/params.ts";
import { allStates, petersen, weightedSmall } from "./_graphs.ts";

/** Float64 reference energies straight from the DISCS formulas. */
function pairs(g: Graph, fn: (u: number, v: number, w: number) => void) {
  for (let u = 0; u < g.n; u++) {
    for (let k = g.rowPtr[u]; k < g.rowPtr[u + 1]; k++) {
      if (g.colIdx[k] > u) fn(u, g.colIdx[k], g.weights ? g.weights[k] : 1);
    }
  }
}
const refMis = (g: Graph, lam: number, x: Uint32Array) => {
  let e = 0;
  for (const v of x) e -= v;
  pairs(g, (u, v) => (e += lam * x[u] * x[v]));
  return e;
};
const refClique = (g: Graph, lam: number, x: Uint32Array) => {
  let s = 0, inside = 0;
  for (const v of x) s += v;
  pairs(g, (u, v) => (inside += x[u] * x[v]));
  return -s + lam * (s * (s - 1) / 2 - inside);
};
const refCut = (g: Graph, x: Uint32Array) => {
  let e = 0;
  pairs(g, (u, v, w) => (e -= x[u] !== x[v] ? w : 0));
  return e;
};
const refPartition = (g: Graph, k: number, lam: number, x: Uint32Array) => {
  let cutK = 0;
  for (let c = 0; c < k; c++) {
    pairs(g, (u, v, w) => (cutK += (x[u] === c) !== (x[v] === c) ? w : 0));
  }
  let bal = 0;
  for (const s of partSizes(x, k)) bal += (s - g.n / k) ** 2;
  return cutK + lam * bal;
};

/** Checks E against a reference, delta = E(y) - E(x) and penalised = -E for every state. */
function checkAllStates(p: CoProblem, ref: (x: Uint32Array) => number, tol = 2e-5) {
  const c = p.numCategories, n = p.numSites;
  const y = new Uint32Array(n);
  for (const x of allStates(n, c)) {
    const e = p.energy(x, 0);
    assert(Math.abs(e - ref(x)) <= tol, `${p.name}: E ${e} vs ${ref(x)} at ${x}`);
    assertClose(p.penalised(x), -ref(x), 1e-9, `${p.name} penalised`);
    for (let i = 0; i < n; i++) {
      for (let v = 0; v < c; v++) {
        y.set(x);
        y[i] = v;
        const d = p.delta(x, 0, i, v);
        assert(Math.abs(d - (ref(y) - ref(x))) <= tol, `${p.name}: delta(${i}, ${v}) at ${x}`);
      }
    }
  }
}

function denseGraph(n: number, seed: number): Graph {
  return erdosRenyi({ n, p: 0.6, seed });
}

Deno.test("MIS: energy and delta match the DISCS formula on all 2^10 states of Petersen", () => {
  const g = petersen();
  for (const lam of [1.001, 2]) {
    checkAllStates(misProblem(g, { penalty: lam }), (x) => refMis(g, lam, x));
  }
});

Deno.test("MIS: grad is the multilinear derivative, delta = (1 - 2 x_i) grad_i exactly", () => {
  const g = erdosRenyi({ n: 9, p: 0.4, seed: 2 });
  const p = misProblem(g);
  for (const x of allStates(9)) {
    for (let i = 0; i < 9; i++) {
      const g1 = p.grad(x, 0, i, 1);
      assertEquals(p.delta(x, 0, i, 1 - x[i]), x[i] === 0 ? g1 : -g1);
    }
  }
});

Deno.test("max clique: both forms equal the DISCS formula bit for bit", () => {
  for (const seed of [1, 2]) {
    const g = denseGraph(9, seed);
    const a = maxCliqueProblem(g, { form: "complement" });
    const b = maxCliqueProblem(g, { form: "direct" });
    assertEquals([a.form, b.form], ["complement", "direct"]);
    checkAllStates(a, (x) => refClique(g, 1, x));
    checkAllStates(b, (x) => refClique(g, 1, x));
    for (const x of allStates(9)) {
      assertEquals(a.energy(x, 0), b.energy(x, 0));
      for (let i = 0; i < 9; i++) assertEquals(a.grad(x, 0, i, 0), b.grad(x, 0, i, 0));
    }
  }
});

Deno.test("max-cut: E = -cut (weighted), delta and grad relation on all states", () => {
  for (const g of [petersen(), weightedSmall()]) {
    const p = maxCutProblem(g);
    checkAllStates(p, (x) => refCut(g, x));
    for (const x of allStates(g.n)) {
      for (let i = 0; i < g.n; i++) {
        const d = p.delta(x, 0, i, 1 - x[i]);
        assertEquals(d, x[i] === 0 ? p.grad(x, 0, i, 0) : -p.grad(x, 0, i, 0));
      }
    }
  }
});

Deno.test("partition: E = sum_k cut_k + lambda sum_k (n_k - N/K)^2 on all 3^7 states", () => {
  const g = weightedSmall();
  for (const lam of [0.0005, 1]) {
    const p = partitionProblem(g, { numParts: 3, penalty: lam });
    checkAllStates(p, (x) => refPartition(g, 3, lam, x), 1e-4);
    // One-hot gradient: delta(i -> b) = grad_b - grad_a + 2 lambda (cut part exact).
    for (const x of allStates(7, 3)) {
      for (let i = 0; i < 7; i++) {
        const a = x[i], b = (a + 1) % 3;
        const lin = p.grad(x, 0, i, b) - p.grad(x, 0, i, a) + 2 * p.penalty;
        assertClose(p.delta(x, 0, i, b), lin, 1e-4, "partition delta vs grad");
      }
    }
  }
});

Deno.test("the energy's minimum is a feasible optimum (DISCS penalties)", () => {
  const g = petersen();
  const mis = bruteForcePenalised(misProblem(g));
  assertClose(mis.value, 4, 1e-12, "MIS optimum");
  assert(misProblem(g).isFeasible(mis.x));
  for (const seed of [3, 4, 5]) {
    const d = denseGraph(10, seed);
    const omega = maxCliqueExact(d).value;
    // lambda = 1 (DISCS): the best penalised value equals the clique number (ties allowed) ...
    assertClose(bruteForcePenalised(maxCliqueProblem(d)).value, omega, 1e-12, "clique");
    // ... and with lambda > 1 the maximiser itself is a clique.
    const strict = maxCliqueProblem(d, { penalty: 1.001 });
    const best = bruteForcePenalised(strict);
    assert(strict.isFeasible(best.x) && strict.objective(best.x) === omega);
  }
  const w = weightedSmall();
  assertClose(bruteForcePenalised(maxCutProblem(w)).value, maxCutExact(w).value, 1e-9, "cut");
  const part = partitionProblem(w, { numParts: 3, penalty: 10 });
  const bp = bruteForcePenalised(part);
  assert(part.isFeasible(bp.x), `balanced: ${partSizes(bp.x, 3)}`);
  assertClose(part.objective(bp.x), partitionExact(w, 3).value, 1e-9, "partition cut");
});

Deno.test("repair always returns a feasible (and maximal) solution; x is untouched", () => {
  const g = erdosRenyi({ n: 40, p: 0.3, seed: 9 });
  const problems = [
    misProblem(g),
    maxCliqueProblem(g),
    maxCutProblem(g),
    partitionProblem(g, { numParts: 3 }),
  ];
  for (let t = 0; t < 20; t++) {
    const u = uniformArray(t, 7, g.n);
    for (const p of problems) {
      const x = Uint32Array.from(u, (v) => Math.floor(v * p.numCategories));
      const copy = x.slice();
      const r = evaluateSolution(p, x);
      assertEquals(Array.from(x), Array.from(copy));
      assert(p.isFeasible(r.repaired), `${p.name} repair infeasible`);
      if (r.feasible && p.name !== "partition") assert(r.repairedObjective >= r.objective);
      if (p.name === "mis") {
        for (let i = 0; i < g.n; i++) {
          if (r.repaired[i] === 1) continue;
          let free = true;
          for (let k = g.rowPtr[i]; k < g.rowPtr[i + 1]; k++) {
            free &&= r.repaired[g.colIdx[k]] === 0;
          }
          assert(!free, `MIS repair not maximal at ${i}`);
        }
      }
      if (p.name === "maxclique") {
        for (let i = 0; i < g.n; i++) {
          if (r.repaired[i] === 1) continue;
          let all = true;
          for (let j = 0; j < g.n; j++) if (r.repaired[j] === 1) all &&= hasEdge(g, i, j);
          assert(!all, `clique repair not maximal at ${i}`);
        }
      }
      if (p.name === "partition") {
        assertEquals(Array.from(partSizes(r.repaired, 3)).sort(), [13, 13, 14]);
      }
    }
  }
});

Deno.test("partition metrics: balanceness and edge-cut ratio known values", () => {
  const g = graphFromEdges({ n: 6, src: [0, 1, 2, 3, 4, 5], dst: [1, 2, 3, 4, 5, 0] });
  const x = Uint32Array.of(0, 0, 1, 1, 2, 2);
  assertEquals(balanceness(x, 3), 1);
  assertEquals(partitionCut(g, x), 3);
  assertEquals(edgeCutRatio(g, x), 0.5);
  assertEquals(balanceness(Uint32Array.of(0, 0, 0, 0, 0, 0), 3), 0);
});

Deno.test("problem options are checked with one-line errors", () => {
  const g = petersen();
  assertThrows(() => misProblem(g, { penalty: -1 }), /mis penalty must be a finite number >= 0/);
  assertThrows(() => partitionProblem(g, { numParts: 1 }), /numParts must be an integer >= 2/);
  assertThrows(() => misProblem(g).penalised(new Uint32Array(3)), /expected 10/);
  assertEquals(misExact(g).value, 4);
});
