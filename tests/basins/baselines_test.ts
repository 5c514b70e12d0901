import { assert, assertClose, assertEquals, assertThrows } from "../_assert.ts";
import { invert, matMul, symmetricEigen } from "../../src/linalg/dense.ts";
import { kMeans } from "../../src/basins/kmeans.ts";
import {
  connectedSets,
  countMatrix,
  nonReversibleMle,
  reversibleMle,
  reversibleSpectrum,
  spectralGapCount,
} from "../../src/basins/msm.ts";
import { pcca } from "../../src/basins/pcca.ts";
import { fitTica } from "../../src/basins/tica.ts";
import { spectralClustering } from "../../src/basins/spectral.ts";
import { runBaselines } from "../../src/basins/baselines.ts";
import {
  adjustedRandIndex,
  normalizedMutualInfo,
  pairPrecisionRecall,
} from "../../src/basins/metrics.ts";
import { drunkardsWalk, MarkovChain } from "../../src/dynamics/mod.ts";
import { SplitMix32 } from "../../src/random/splitmix.ts";

Deno.test("metrics: ARI and NMI match scikit-learn's documented values", () => {
  // sklearn docs: adjusted_rand_score([0, 0, 1, 2], [0, 0, 1, 1]) = 0.57
  assertClose(adjustedRandIndex([0, 0, 1, 2], [0, 0, 1, 1]), 0.5714285714285714, 1e-12);
  assertClose(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 1]), 1, 1e-12);
  // sklearn docs: adjusted_rand_score([0, 0, 0, 0], [0, 1, 2, 3]) = 0.0
  assertClose(adjustedRandIndex([0, 0, 0, 0], [0, 1, 2, 3]), 0, 1e-12);
  assertClose(adjustedRandIndex([0, 0, 1, 1], [1, 1, 0, 0]), 1, 1e-12);
  assertClose(normalizedMutualInfo([0, 0, 1, 1], [1, 1, 0, 0]), 1, 1e-12);
  assertClose(normalizedMutualInfo([0, 0, 0, 0], [0, 1, 2, 3]), 0, 1e-12);
  const pr = pairPrecisionRecall([0, 0, 0], [0, 0, 1]);
  assertClose(pr.precision, 1 / 3, 1e-12);
  assertClose(pr.recall, 1, 1e-12);
});

Deno.test("linalg: symmetric eigenpairs reconstruct the matrix; inverse", () => {
  const n = 30, rng = new SplitMix32(1);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rng.normal();
  }
  const e = symmetricEigen(a, n);
  for (let c = 1; c < n; c++) assert(e.values[c] <= e.values[c - 1]);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < n; c++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k] * e.vectors[k * n + c];
      assertClose(s, e.values[c] * e.vectors[i * n + c], 1e-10);
    }
  }
  const id = matMul(a, invert(a, n), n, n, n);
  for (let i = 0; i < n * n; i++) assertClose(id[i], i % (n + 1) === 0 ? 1 : 0, 1e-9);
});

Deno.test("kMeans separates three well-separated blobs and is seeded", () => {
  const rng = new SplitMix32(2), x = new Float64Array(300 * 2);
  const c = [[0, 0], [10, 0], [0, 10]];
  for (let r = 0; r < 300; r++) {
    for (let j = 0; j < 2; j++) x[r * 2 + j] = c[r % 3][j] + rng.normal();
  }
  const m = kMeans(x, 2, { k: 3, seed: 4 });
  assertClose(adjustedRandIndex(m.labels, Int32Array.from({ length: 300 }, (_, r) => r % 3)), 1, 0);
  assertEquals(Array.from(kMeans(x, 2, { k: 3, seed: 4 }).labels), Array.from(m.labels));
  assertThrows(() => kMeans(x, 2, { k: 0, seed: 1 }), /k must be/);
});

Deno.test("MSM: counts, connected sets, reversible MLE reproduces a reversible chain", () => {
  assertEquals(Array.from(countMatrix([Int32Array.of(0, 1, 1, 0)], 2, 1)), [0, 1, 1, 1]);
  assertEquals(connectedSets(Float64Array.of(1, 0, 0, 0, 1, 1, 0, 0, 1), 3), [[1, 2], [0]]);
  assertEquals(Array.from(nonReversibleMle(Float64Array.of(1, 3, 0, 0), 2)), [0.25, 0.75, 0, 1]);
  // Expected counts pi_i T_ij of a reversible birth-death chain are a fixed point: the MLE is T.
  const t = [[0.8, 0.2, 0], [0.1, 0.7, 0.2], [0, 0.4, 0.6]];
  const pi = [0.2, 0.4, 0.2].map((v) => v / 0.8); // detailed balance: pi0 .2 = pi1 .1, pi1 .2 = pi2 .4
  const c = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) c[i * 3 + j] = 1000 * pi[i] * t[i][j];
  const m = reversibleMle(c, 3);
  for (let i = 0; i < 3; i++) {
    assertClose(m.stationary[i], pi[i], 1e-9);
    for (let j = 0; j < 3; j++) assertClose(m.transition[i * 3 + j], t[i][j], 1e-9);
  }
  // A sampled non-reversible-looking count matrix still yields detailed balance.
  const c2 = Float64Array.of(50, 10, 3, 2, 40, 9, 7, 1, 30);
  const m2 = reversibleMle(c2, 3);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      assertClose(
        m2.stationary[i] * m2.transition[i * 3 + j],
        m2.stationary[j] * m2.transition[j * 3 + i],
        1e-10,
      );
    }
  }
  const sp = reversibleSpectrum(m.transition, m.stationary, 3);
  assertClose(sp.values[0], 1, 1e-12);
  assertEquals(spectralGapCount(Float64Array.of(1, 0.99, 0.98, 0.3, 0.2), 1, 4), 3);
});

Deno.test("PCCA+ on a block-diagonal-plus-epsilon matrix finds the blocks; gap picks 3", () => {
  const n = 9, eps = 0.002, t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      t[i * n + j] = Math.floor(i / 3) === Math.floor(j / 3) ? (1 - 6 * eps) / 3 : eps;
    }
  }
  const m = reversibleMle(t.map((v) => v * 1e4), n);
  const sp = reversibleSpectrum(m.transition, m.stationary, n);
  assertEquals(spectralGapCount(sp.values, 1, 6), 3);
  const r = pcca(m.transition, n, 3, { stationary: m.stationary });
  assertClose(adjustedRandIndex(r.assignments, [0, 0, 0, 1, 1, 1, 2, 2, 2]), 1, 0);
  for (let i = 0; i < n; i++) assert(Math.max(...r.memberships.slice(i * 3, i * 3 + 3)) > 0.95);
});

Deno.test("PCCA+ memberships of the drunkard's walk are its absorption probabilities", () => {
  const w = drunkardsWalk({ gridSize: [5, 5] });
  const r = pcca(w.chain.p, 25, 2);
  const q = w.chain.committor(w.barStates, w.homeStates); // P(home before bar)
  // Membership of the set containing home equals the committor to home.
  const homeSet = r.assignments[w.homeStates[0]];
  for (let s = 0; s < 25; s++) {
    assertClose(r.memberships[s * 2 + homeSet], q[s], 1e-8, `state ${s}`);
  }
  assert(r.assignments[w.barStates[0]] !== homeSet);
});

Deno.test("TICA on a rotated two-component OU process recovers the slow autocorrelation", () => {
  const rng = new SplitMix32(7), n = 20000, lag = 1;
  const a = [Math.exp(-1 / 20), Math.exp(-1 / 1)]; // slow and fast components
  const x = new Float64Array(n * 2), z = [0, 0];
  const th = 0.6, [c, s] = [Math.cos(th), Math.sin(th)];
  for (let t = 0; t < n; t++) {
    for (let k = 0; k < 2; k++) z[k] = a[k] * z[k] + Math.sqrt(1 - a[k] ** 2) * rng.normal();
    x[t * 2] = c * z[0] - s * 3 * z[1];
    x[t * 2 + 1] = s * z[0] + c * 3 * z[1];
  }
  const m = fitTica([x], 2, { lag, scaling: "none" });
  assertClose(m.eigenvalues[0], a[0], 0.02, "slow eigenvalue");
  assertClose(m.eigenvalues[1], a[1], 0.03, "fast eigenvalue");
  // The slow component is z_0 (unit variance), up to sign.
  const y = m.transform(x);
  let cov = 0, vv = 0;
  const rng2 = new SplitMix32(7);
  const zz = [0, 0];
  for (let t = 0; t < n; t++) {
    for (let k = 0; k < 2; k++) zz[k] = a[k] * zz[k] + Math.sqrt(1 - a[k] ** 2) * rng2.normal();
    cov += y[t * 2] * zz[0];
    vv += y[t * 2] ** 2;
  }
  assertClose(Math.abs(cov / n), 1, 0.05, "correlation with z0");
  assertClose(vv / n, 1, 0.05, "unit variance");
});

Deno.test("spectral clustering separates two rings that k-means cannot", () => {
  const rng = new SplitMix32(3), n = 200, x = new Float64Array(n * 2), truth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    truth[i] = i % 2;
    const r = truth[i] === 0 ? 1 : 4, th = 2 * Math.PI * rng.uniform();
    x[i * 2] = r * Math.cos(th) + 0.1 * rng.normal();
    x[i * 2 + 1] = r * Math.sin(th) + 0.1 * rng.normal();
  }
  const sc = spectralClustering(x, 2, { k: 2, seed: 1, bandwidth: 0.5 });
  assertClose(adjustedRandIndex(sc.labels, truth), 1, 0);
  assert(adjustedRandIndex(kMeans(x, 2, { k: 2, seed: 1 }).labels, truth) < 0.2);
  // Two (nearly) disconnected components: the second eigenvalue is ~1.
  assert(sc.eigenvalues[1] > 0.999, `lambda_2 = ${sc.eigenvalues[1]}`);
});

Deno.test("spectral clustering above 200 points (leading eigenpairs by subspace iteration) matches the full decomposition", () => {
  // Three blobs: the normalised affinity has three eigenvalues near 1, then a gap.
  const rng = new SplitMix32(5), n = 300, x = new Float64Array(n * 2), truth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    truth[i] = i % 3;
    x[i * 2] = 3 * truth[i] + 0.4 * rng.normal();
    x[i * 2 + 1] = (truth[i] === 1 ? 3 : 0) + 0.4 * rng.normal();
  }
  const sc = spectralClustering(x, 2, { k: "gap", seed: 1, bandwidth: 0.5 });
  assertEquals(sc.k, 3);
  assertClose(adjustedRandIndex(sc.labels, truth), 1, 0);
  // Reference: the same normalised affinity decomposed in full.
  const w = new Float64Array(n * n), deg = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const d2 = (x[2 * i] - x[2 * j]) ** 2 + (x[2 * i + 1] - x[2 * j + 1]) ** 2;
      w[i * n + j] = Math.exp(-d2 / (2 * 0.25));
      deg[i] += w[i * n + j];
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) w[i * n + j] /= Math.sqrt(deg[i] * deg[j]);
  }
  const full = symmetricEigen(w, n);
  for (let c = 0; c < 4; c++) assertClose(sc.eigenvalues[c], full.values[c], 1e-6, `lambda_${c}`);
});

Deno.test("baselines reduce wide frames first: k-means finds a basin split hidden in 400 noisy dimensions", () => {
  // 2 basins (candidates 0-3 at -1, 4-7 at +1 along e_0), 6 frames, N(0, 1) in 400 dims.
  const k = 8, per = 12, nf = 6, dim = 400, nt = k * per, rng = new SplitMix32(8);
  const frames = new Float32Array(nf * nt * dim);
  for (let f = 0; f < nf; f++) {
    for (let t = 0; t < nt; t++) {
      const o = (f * nt + t) * dim;
      for (let j = 0; j < dim; j++) frames[o + j] = rng.normal();
      frames[o] += Math.floor(t / per) < 4 ? -1 : 1;
    }
  }
  const inp = {
    frames,
    numFrames: nf,
    trajectories: nt,
    dim,
    startIndex: Int32Array.from({ length: nt }, (_, t) => Math.floor(t / per)),
    numCandidates: k,
  };
  const truth = [0, 0, 0, 0, 1, 1, 1, 1];
  const [reduced] = runBaselines(inp, { numSets: 2, seed: 1, only: ["kmeans"] });
  assertEquals(adjustedRandIndex(reduced.labels, truth), 1);
  const [raw] = runBaselines(inp, {
    numSets: 2,
    seed: 1,
    only: ["kmeans"],
    reduce: { kind: "none" },
  });
  assert(adjustedRandIndex(raw.labels, truth) < 1, "raw k-means splits along noise");
});

Deno.test("reducible MSM gives a block-diagonal T and PCCA+ splits the closed classes", () => {
  const p = new Float64Array(16);
  p.set([0.5, 0.5, 0, 0, 0.5, 0.5, 0, 0, 0, 0, 0.3, 0.7, 0, 0, 0.7, 0.3]);
  const chain = new MarkovChain(p, 4);
  const paths = chain.simulate({
    trajectories: 40,
    steps: 50,
    starts: Int32Array.from({ length: 40 }, (_, i) => i % 4),
    seed: 1,
  });
  const trajs = Array.from({ length: 40 }, (_, i) => paths.subarray(i * 51, i * 51 + 51));
  const m = reversibleMle(countMatrix(trajs, 4, 1), 4);
  assertEquals(m.transition[0 * 4 + 2], 0);
  const r = pcca(m.transition, 4, 2, { stationary: m.stationary });
  assertClose(adjustedRandIndex(r.assignments, [0, 0, 1, 1]), 1, 0);
});
