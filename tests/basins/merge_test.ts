import { assert, assertEquals } from "../_assert.ts";
import { mergeCandidates } from "../../src/basins/merge.ts";
import { detectBasins } from "../../src/basins/detect.ts";
import type { SampleSet } from "../../src/basins/c2st.ts";
import { MarkovChain } from "../../src/dynamics/mod.ts";

/**
 * A reducible 9-state chain: closed classes {0,1,2}, {3,4,5}, {6,7,8}, each a lazy random walk
 * (aperiodic, mixing within a few steps), no transitions between classes.
 */
function reducibleChain(): MarkovChain {
  const n = 9, p = new Float64Array(n * n);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) p[(3 * c + i) * n + 3 * c + j] = i === j ? 0.5 : 0.25;
    }
  }
  return new MarkovChain(p, n);
}

/** Exact Bayes risk between the laws of X_t from x and from y: (1 - TV) / 2. */
function exactRisk(chain: MarkovChain, t: number, x: number, y: number): number {
  const n = chain.n;
  const dist = (s: number) => {
    let v = new Float64Array(n);
    v[s] = 1;
    for (let k = 0; k < t; k++) {
      const w = new Float64Array(n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) w[j] += v[i] * chain.p[i * n + j];
      v = w;
    }
    return v;
  };
  const a = dist(x), b = dist(y);
  let tv = 0;
  for (let i = 0; i < n; i++) tv += 0.5 * Math.abs(a[i] - b[i]);
  return 0.5 * (1 - tv);
}

Deno.test("merging with exact risks recovers the closed classes of a reducible chain", async () => {
  const chain = reducibleChain();
  const r = await mergeCandidates(9, (a, b) => {
    // Group risk: the mean of exact candidate risks (exact when laws within a group agree).
    let s = 0;
    for (const i of a) for (const j of b) s += exactRisk(chain, 20, i, j);
    return Promise.resolve({ risk: s / (a.length * b.length), se: 0, nTest: 0 });
  });
  assertEquals(Array.from(r.labels), [0, 0, 0, 1, 1, 1, 2, 2, 2]);
  assertEquals(r.basins, 3);
  assertEquals(r.history.filter((h) => h.accepted).length, 6);
  assertEquals(r.linkage.length, 8 * 4);
  assertEquals(r.riskEvaluations, 36 + 7 + 6 + 5 + 4 + 3 + 2);
  assert(r.risk[0 * 9 + 3] < 1e-12 && Math.abs(r.risk[0 * 9 + 1] - 0.5) < 1e-6);
});

/** One-hot samples of X_t for `perState` trajectories from every state. */
function chainSamples(chain: MarkovChain, t: number, perState: number, seed: number): SampleSet {
  const n = chain.n;
  const starts = Int32Array.from({ length: n * perState }, (_, i) => Math.floor(i / perState));
  const paths = chain.simulate({ trajectories: starts.length, starts, steps: t, seed });
  const x = new Float32Array(starts.length * n);
  for (let r = 0; r < starts.length; r++) x[r * n + paths[r * (t + 1) + t]] = 1;
  return {
    dim: n,
    x,
    candidate: starts,
    trajectory: Int32Array.from(starts, (_, i) => i),
    numCandidates: n,
  };
}

Deno.test("the C2ST merge procedure recovers the basins of a reducible chain exactly", async () => {
  const chain = reducibleChain();
  const s = chainSamples(chain, 20, 120, 5);
  const net = {
    seed: 2,
    backend: "cpu" as const,
    hidden: [16],
    maxEpochs: 40,
    patience: 5,
    batchSize: 128,
  };
  for (const design of ["multiclass", "multiclass-rounds"] as const) {
    const r = await detectBasins(s, { ...net, design });
    assertEquals(Array.from(r.labels), [0, 0, 0, 1, 1, 1, 2, 2, 2], design);
    // Different classes have disjoint supports: the estimated risk is exactly 0.
    assertEquals(r.risk[0 * 9 + 8], 0);
    // The assigner puts a one-hot state of class 2 into basin 2.
    const q = new Float32Array(9);
    q[7] = 1;
    assertEquals(await r.assigner!.assignState(q), 2);
    r.assigner!.dispose();
  }
  // Pairwise binary design on a 6-state sub-problem (15 + few trainings).
  const sub: SampleSet = (() => {
    const keep = Array.from(s.candidate.keys()).filter((i) => s.candidate[i] >= 3);
    const x = new Float32Array(keep.length * 9);
    keep.forEach((r, k) => x.set(s.x.subarray(r * 9, r * 9 + 9), k * 9));
    return {
      dim: 9,
      x,
      candidate: Int32Array.from(keep, (r) => s.candidate[r] - 3),
      trajectory: Int32Array.from(keep, (r) => s.trajectory[r]),
      numCandidates: 6,
    };
  })();
  const p = await detectBasins(sub, { ...net, design: "pairwise" });
  assertEquals(Array.from(p.labels), [0, 0, 0, 1, 1, 1]);
});
