import { assert, assertEquals } from "../../_assert.ts";
import {
  barabasiAlbert,
  degreeStats,
  erdosRenyi,
  generateGraph,
  greedyMis,
  misProblem,
  numEdges,
  validateGraph,
} from "../../../src/models/co/mod.ts";

Deno.test("Erdos-Renyi: n in range, edge count within 5 sd of its mean, seeded", () => {
  const a = erdosRenyi({ nMin: 700, nMax: 800, p: 0.05, seed: 1 });
  const b = erdosRenyi({ nMin: 700, nMax: 800, p: 0.05, seed: 1 });
  const c = erdosRenyi({ nMin: 700, nMax: 800, p: 0.05, seed: 2 });
  validateGraph(a);
  assert(a.n >= 700 && a.n <= 800);
  const pairs = a.n * (a.n - 1) / 2, mean = pairs * 0.05, sd = Math.sqrt(pairs * 0.05 * 0.95);
  assert(Math.abs(numEdges(a) - mean) < 5 * sd, `${numEdges(a)} edges vs mean ${mean}`);
  assertEquals(Array.from(a.colIdx), Array.from(b.colIdx));
  assert(a.n !== c.n || numEdges(a) !== numEdges(c));
  assertEquals(numEdges(erdosRenyi({ n: 7, p: 1, seed: 0 })), 21);
  assertEquals(numEdges(erdosRenyi({ n: 7, p: 0, seed: 0 })), 0);
});

Deno.test("Erdos-Renyi: the pair distribution is uniform (each pair's frequency)", () => {
  // 2000 graphs on 6 nodes, p = 0.3: each of 15 pairs appears ~ Binomial(2000, 0.3).
  const counts = new Float64Array(36);
  for (let s = 0; s < 2000; s++) {
    const g = erdosRenyi({ n: 6, p: 0.3, seed: s });
    for (let u = 0; u < 6; u++) {
      for (let k = g.rowPtr[u]; k < g.rowPtr[u + 1]; k++) counts[u * 6 + g.colIdx[k]]++;
    }
  }
  const sd = Math.sqrt(2000 * 0.3 * 0.7);
  for (let u = 0; u < 6; u++) {
    for (let v = u + 1; v < 6; v++) {
      assert(Math.abs(counts[u * 6 + v] - 600) < 4.5 * sd, `pair ${u},${v}: ${counts[u * 6 + v]}`);
    }
  }
});

Deno.test("Erdos-Renyi at scale: 10,000 nodes and about 1,000,000 edges", () => {
  const g = erdosRenyi({ n: 10_000, p: 0.02, seed: 5 });
  const s = degreeStats(g);
  assertEquals(s.n, 10_000);
  // mean 999,900, sd ~ 990
  assert(s.edges > 995_000 && s.edges < 1_005_000, `${s.edges} edges`);
  assert(s.minDegree > 100 && s.maxDegree < 320);
  // The problems run on it: the energy of the greedy MIS is minus its size.
  const x = greedyMis(g);
  const size = x.reduce((a, b) => a + b, 0);
  const p = misProblem(g);
  assertEquals(p.energy(x, 0), -size);
  assert(p.isFeasible(x) && size > 200, `greedy MIS size ${size}`);
});

Deno.test("Barabasi-Albert: m (n - m) edges, degree >= m, seeded and config-driven", () => {
  const g = barabasiAlbert({ n: 300, m: 4, seed: 3 });
  validateGraph(g);
  assertEquals(numEdges(g), 4 * 296);
  const s = degreeStats(g);
  assert(s.minDegree >= 4 && s.maxDegree > 20, `degrees ${s.minDegree}..${s.maxDegree}`);
  const h = generateGraph({ kind: "barabasi_albert", seed: 3 });
  assert(h.n >= 16 && h.n <= 20);
  assertEquals(numEdges(h), 4 * (h.n - 4));
  const e = generateGraph({ kind: "erdos_renyi", nMin: 50, nMax: 50, p: 0.1 });
  assertEquals(e.n, 50);
});
