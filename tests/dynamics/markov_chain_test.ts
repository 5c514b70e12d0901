import { assert, assertClose, assertEquals, assertThrows } from "../_assert.ts";
import { chiSquare, chiSquareQuantile } from "../_stats.ts";
import { drunkardsWalk, MarkovChain } from "../../src/dynamics/mod.ts";

Deno.test("stationary distribution: linear solve, power iteration and simulation agree", () => {
  const mc = new MarkovChain([[0.5, 0.5, 0], [0.25, 0.5, 0.25], [0, 0.5, 0.5]]);
  const pi = mc.stationaryDistribution();
  [0.25, 0.5, 0.25].forEach((v, i) => assertClose(pi[i], v, 1e-12, `pi[${i}]`));
  const pw = mc.powerIteration();
  pi.forEach((v, i) => assertClose(pw[i], v, 1e-10, `power[${i}]`));
  const steps = 30, m = 3000;
  const paths = mc.simulate({ trajectories: m, steps, starts: 0, seed: 3 });
  const counts = [0, 0, 0];
  for (let t = 0; t < m; t++) counts[paths[t * (steps + 1) + steps]]++;
  const { stat, dof } = chiSquare(counts, pi);
  assert(stat < chiSquareQuantile(dof, 4), `chi2 ${stat}`);
  assertEquals(paths[0], 0);
});

Deno.test("reducible chains: classes, closed classes, per-class stationary laws", () => {
  const mc = new MarkovChain([
    [0.5, 0.5, 0, 0],
    [0.2, 0.3, 0.5, 0],
    [0, 0, 0.4, 0.6],
    [0, 0, 0.3, 0.7],
  ]);
  assertEquals(mc.communicatingClasses(), [[0, 1], [2, 3]]);
  assertEquals(mc.closedClasses(), [[2, 3]]);
  assert(!mc.isIrreducible);
  assertThrows(() => mc.stationaryDistribution(), /reducible/);
  const [pi] = mc.stationaryDistributions();
  assertClose(pi[2], 1 / 3, 1e-12);
  assertClose(pi[3], 2 / 3, 1e-12);
  assertThrows(() => new MarkovChain([[0.5, 0.4], [0, 1]]), /sums to/);
  assertThrows(() => new MarkovChain([[1.5, -0.5], [0, 1]]), /probability/);
});

Deno.test("drunkard's walk: absorbing sets, symmetric committor, simulated absorption", () => {
  const w = drunkardsWalk();
  const { chain } = w;
  assertEquals(chain.closedClasses().length, 2);
  assertEquals(chain.p[w.homeStates[0] * chain.n + w.homeStates[0]], 1);
  const q = chain.committor(w.barStates, w.homeStates); // P(home before bar)
  assertEquals(q[w.homeStates[0]], 1);
  assertEquals(q[w.barStates[0]], 0);
  // The reflection (i, j) -> (9 - j, 9 - i) swaps home (0,0) and bar (9,9): q + q' = 1.
  for (let s = 0; s < chain.n; s++) {
    const [i, j] = w.coordinate(s);
    assertClose(q[s] + q[w.state(9 - j, 9 - i)], 1, 1e-10, `symmetry at ${i},${j}`);
  }
  assertClose(q[w.state(0, 9)], 0.5, 1e-10, "anti-diagonal");
  assert(q[w.state(1, 2)] > 0.5);
  // Simulated absorption from (2, 5) against the linear solve.
  const start = w.state(2, 5), m = 2000, steps = 2000;
  const paths = chain.simulate({ trajectories: m, steps, starts: start, seed: 8 });
  let home = 0, absorbed = 0;
  for (let t = 0; t < m; t++) {
    const end = paths[t * (steps + 1) + steps];
    if (w.homeStates.includes(end)) home++;
    if (w.homeStates.includes(end) || w.barStates.includes(end)) absorbed++;
  }
  assert(absorbed > 0.99 * m, `only ${absorbed} of ${m} absorbed`);
  const p = q[start];
  assertClose(home / absorbed, p, 4 * Math.sqrt(p * (1 - p) / absorbed), "absorption");
  // deeptime's exact weights leak out of the sets.
  const leaky = drunkardsWalk({ absorbing: "deeptime" }).chain;
  assert(leaky.p[w.homeStates[0] * leaky.n + w.homeStates[0]] < 1);
  assert(leaky.isIrreducible);
});
