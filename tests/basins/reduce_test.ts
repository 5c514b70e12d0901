import { assert, assertClose, assertEquals, assertThrows } from "../_assert.ts";
import {
  defaultReduction,
  fitProjection,
  formatReduction,
  parseReduction,
} from "../../src/basins/reduce.ts";
import {
  fitMultiClass,
  groupRisk,
  type SampleSet,
  splitByTrajectory,
} from "../../src/basins/c2st.ts";
import { SplitMix32 } from "../../src/random/splitmix.ts";

/**
 * Two classes of n rows each in d dims, N(0, I) noise; class 1 is shifted by delta along e_0;
 * e_1 has standard deviation sd1 in both classes (a high-variance direction without signal).
 */
function planted(n: number, d: number, delta: number, sd1: number, seed: number): SampleSet {
  const rng = new SplitMix32(seed);
  const x = new Float32Array(2 * n * d), candidate = new Int32Array(2 * n);
  for (let r = 0; r < 2 * n; r++) {
    candidate[r] = r < n ? 0 : 1;
    for (let j = 0; j < d; j++) x[r * d + j] = rng.normal();
    x[r * d] += r < n ? -delta / 2 : delta / 2;
    x[r * d + 1] *= sd1;
  }
  const trajectory = Int32Array.from({ length: 2 * n }, (_, i) => i);
  return { dim: d, x, candidate, trajectory, numCandidates: 2 };
}

/** Squared norm of the basis rows j in `coords` (= sum of squared cosines onto that plane). */
function captured(basis: Float64Array, width: number, coords: number[]): number {
  let s = 0;
  for (const j of coords) for (let k = 0; k < width; k++) s += basis[j * width + k] ** 2;
  return s;
}

Deno.test("parseReduction and formatReduction round-trip; bad specs throw", () => {
  for (const t of ["none", "means", "pca:16", "means+pca:8"]) {
    assertEquals(formatReduction(parseReduction(t)), t);
  }
  assertThrows(() => parseReduction("pca:0"));
  assertThrows(() => parseReduction("pca"));
  assertEquals(defaultReduction(100).kind, "none");
  assertEquals(formatReduction(defaultReduction(1000)), "means+pca:16");
});

Deno.test("PCA in 500 dims spans a planted plane of variances 5 and 6.25", () => {
  // Class means -2, +2 along e0 (variance 1 + 4), sd 2.5 along e1; n = 4000, D/n = 1/8.
  const s = planted(2000, 500, 4, 2.5, 21);
  const p = fitProjection(s.x, s.candidate, 500, parseReduction("pca:2"), { seed: 1 })!;
  assertEquals(p.width, 2);
  // Spiked covariance (Paul 2007): cos^2 = (1 - g / l^2) / (1 + g / l), g = 1/8, l = 4 and 5.25:
  // 0.962 + 0.972 = 1.93 of 2; sampling fluctuation is a few 0.01.
  const c = captured(p.basis, 2, [0, 1]);
  assertClose(c, 1.93, 0.05, "squared cosines onto the planted plane");
  // Eigenvalues ~ (l + 1)(1 + g / l): 5.25 * 1.024 = 6.4 and 5 * 1.031 = 5.2.
  assertClose(p.variances[0], 6.4, 0.4, "first eigenvalue");
  assertClose(p.variances[1], 5.2, 0.35, "second eigenvalue");
  // Orthonormal columns.
  let dot = 0, n0 = 0;
  for (let j = 0; j < 500; j++) {
    dot += p.basis[2 * j] * p.basis[2 * j + 1];
    n0 += p.basis[2 * j] ** 2;
  }
  assertClose(dot, 0, 1e-9, "column dot");
  assertClose(n0, 1, 1e-9, "column norm");
});

Deno.test("means reduction finds a mean shift that has no variance spike", () => {
  // delta = 3 along e0 in 300 dims, n = 1000 per class: the mean difference carries noise of
  // squared norm 2 * 300 / 1000 = 0.6 next to 9, so cos^2 ~ 9 / 9.6 = 0.94.
  const s = planted(1000, 300, 3, 1, 22);
  const p = fitProjection(s.x, s.candidate, 300, parseReduction("means"), { seed: 1 })!;
  assertEquals(p.width, 1);
  assertClose(captured(p.basis, 1, [0]), 0.94, 0.04, "cos^2 onto e0");
});

Deno.test("C2ST after PCA in 500 dims reaches the Bayes risk Phi(-3/2)", async () => {
  const s = planted(2000, 500, 3, 2.5, 23);
  const fit = await fitMultiClass(s, {
    seed: 3,
    backend: "cpu",
    hidden: [16],
    maxEpochs: 30,
    patience: 4,
    reduce: parseReduction("pca:2"),
  });
  const r = groupRisk(fit, [0], [1]);
  assertEquals(fit.projection!.width, 2);
  fit.classifier.dispose();
  // Bayes risk Phi(-1.5) = 0.0668. The PCA direction from 2,800 training rows has cos^2 ~ 0.89
  // with e0 (spike l = 2.25, g = 0.18), so the projected optimum is Phi(-1.5 * 0.945) = 0.078;
  // allow 3 SE plus 0.03 excess of a trained classifier.
  const bayes = 0.06680720126885807;
  assert(r.risk > bayes - 3 * r.se, `risk ${r.risk} below Bayes ${bayes}`);
  assert(r.risk < bayes + 3 * r.se + 0.03, `risk ${r.risk} far above Bayes ${bayes}`);
});

Deno.test("the reduction is fitted on training rows only", async () => {
  // Held-out rows carry a huge extra variance along e2; training rows carry the e0 signal.
  const s = planted(300, 60, 4, 1, 24);
  const testFraction = 0.3, seed = 5;
  const { test } = splitByTrajectory(s, testFraction, seed);
  for (const i of test) s.x[i * 60 + 2] *= 30;
  const fit = await fitMultiClass(s, {
    seed,
    testFraction,
    backend: "cpu",
    hidden: [8],
    maxEpochs: 5,
    patience: 2,
    reduce: parseReduction("pca:1"),
  });
  const p = fit.projection!;
  fit.classifier.dispose();
  assert(captured(p.basis, 1, [0]) > 0.8, "basis follows the training spike e0");
  assert(captured(p.basis, 1, [2]) < 0.05, "held-out variance leaked into the basis");
});

Deno.test("exported weights of a reduced classifier reproduce its logits on raw rows", async () => {
  const s = planted(200, 40, 3, 1, 25);
  const fit = await fitMultiClass(s, {
    seed: 2,
    backend: "cpu",
    hidden: [8],
    maxEpochs: 3,
    patience: 2,
    reduce: parseReduction("means+pca:3"),
  });
  const q = s.x.subarray(0, 5 * 40);
  const lg = await fit.classifier.logits(q);
  const w = await fit.classifier.exportWeights();
  fit.classifier.dispose();
  assertEquals(w.layers[0].shape, [40, 8]);
  for (let r = 0; r < 5; r++) {
    let h = Array.from({ length: 40 }, (_, j) => (q[r * 40 + j] - w.mean[j]) * w.scale[j]);
    w.layers.forEach((l, li) => {
      const [fi, fo] = l.shape;
      const o = Array.from({ length: fo }, (_, c) => {
        let v = l.b[c];
        for (let i = 0; i < fi; i++) v += h[i] * l.w[i * fo + c];
        return v;
      });
      h = li + 1 < w.layers.length ? o.map((v) => Math.max(0, v)) : o;
    });
    for (let c = 0; c < 2; c++) assertClose(h[c], lg[r * 2 + c], 1e-3, `logit ${r},${c}`);
  }
});
