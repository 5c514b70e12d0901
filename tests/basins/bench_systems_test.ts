import { assert, assertClose, assertEquals, assertThrows } from "../_assert.ts";
import { diagPrecision, gaussianTerms } from "../../src/models/continuous/gaussian_terms.ts";
import { numericGradient } from "../../src/models/continuous/potential.ts";
import { labelByDescent } from "../../src/models/continuous/basins_truth.ts";
import { BENCH_LANDSCAPES, waveLift } from "../../src/basins/bench_potentials.ts";
import { BENCH_SYSTEMS, simulateSystem } from "../../src/basins/systems.ts";
import { SplitMix32 } from "../../src/random/splitmix.ts";
import { runBenchCell } from "../../src/basins/evaluate.ts";
import type { Featurizer } from "../../src/basins/features.ts";
import { CLOSE_WELLS_CASE } from "../../src/basins/demo.ts";

Deno.test("gaussianTerms: energy is the formula, gradient matches finite differences", () => {
  const p = gaussianTerms({
    name: "t",
    terms: [
      { amplitude: -2, center: [0.5, -1], precision: [4, 1, 1, 2] },
      { amplitude: 3, center: [0, 0], precision: diagPrecision([0.3, Infinity]) },
    ],
    quartic: [0.1, 0.2],
    minimaGuesses: [[1, -1]],
  });
  const x = Float64Array.of(0.7, -0.4);
  const r = [0.2, 0.6];
  const quad = 4 * r[0] ** 2 + 2 * r[0] * r[1] + 2 * r[1] ** 2;
  const want = -2 * Math.exp(-quad / 2) + 3 * Math.exp(-(0.7 ** 2) / (2 * 0.09)) +
    0.1 * 0.7 ** 4 + 0.2 * 0.4 ** 4;
  assertClose(p.energy(x), want, 1e-12, "energy");
  const rng = new SplitMix32(4);
  for (let k = 0; k < 20; k++) {
    const y = Float64Array.of(2 * rng.normal(), 2 * rng.normal());
    const g = new Float64Array(2);
    p.gradient(y, g);
    const fd = numericGradient(p.energy, y, 1e-6);
    for (let i = 0; i < 2; i++) assertClose(g[i], fd[i], 1e-6 * (1 + Math.abs(fd[i])), "grad");
  }
  assertThrows(() =>
    gaussianTerms({
      name: "bad",
      terms: [{ amplitude: 1, center: [0, 0], precision: [1, 2, 0, 1] }],
      minimaGuesses: [[0, 0]],
    }), /not symmetric/);
});

Deno.test("bench landscapes: minima where built, sites descend to the intended basins", () => {
  const expect: Record<string, { minima: number[][]; siteLabels: number[] }> = {
    "close-wells-valley": {
      minima: [[-0.5, 1.5], [0.5, 1.5], [0, -1.5], [3.5, 1.5]],
      siteLabels: [0, 1, 2, 2, 3],
    },
    "parallel-valleys": {
      minima: [[0, -1.4], [0, 0], [0, 1.4]],
      siteLabels: [0, 0, 1, 1, 2, 2],
    },
    "thin-barrier": { minima: [[-0.25, 0], [0.25, 0], [2.43, 0]], siteLabels: [0, 1, 2] },
    "entropic": { minima: [[-0.85, 0], [0.85, 0]], siteLabels: [0, 1] },
  };
  for (const [name, want] of Object.entries(expect)) {
    const land = BENCH_LANDSCAPES[name];
    const p = land.potential();
    assertEquals(p.minima.length, want.minima.length, name);
    p.minima.forEach((m, i) => {
      for (let j = 0; j < 2; j++) assertClose(m[j], want.minima[i][j], 0.1, `${name} min ${i}`);
      const g = new Float64Array(2);
      p.gradient(m, g);
      assert(Math.hypot(g[0], g[1]) < 1e-6, `${name}: minimum ${i} is stationary`);
    });
    assertEquals(land.sites.map((s) => labelByDescent(p, s)), want.siteLabels, name);
  }
  // The geometry that makes them hard: same-basin sites far apart, other basins close.
  const cwv = BENCH_LANDSCAPES["close-wells-valley"].sites;
  assert(Math.hypot(cwv[2][0] - cwv[3][0], cwv[2][1] - cwv[3][1]) >= 5 * 1.0 - 1e-9);
  // The thin barrier is high (> 5 = 10 kT at beta 2) between minima 0.5 apart.
  const tb = BENCH_LANDSCAPES["thin-barrier"].potential();
  assert(tb.energy(Float64Array.of(0, 0)) - tb.energy(tb.minima[0]) > 5);
  // The entropic wall's gap: the energy barrier through it is below 1 kT (beta 2: 0.5)...
  const en = BENCH_LANDSCAPES["entropic"].potential();
  assert(en.energy(Float64Array.of(0, 0)) - en.energy(en.minima[0]) < 0.5);
  // ...while the wall beside the gap is high.
  assert(en.energy(Float64Array.of(0, 0.5)) - en.energy(en.minima[0]) > 5);
});

Deno.test("waveLift is the formula and the embedding keeps the lifted core exactly", async () => {
  const out = new Float64Array(5);
  waveLift().apply(Float64Array.of(0.3, -2), out);
  assertEquals(
    Array.from(out),
    [0.3, -2, Math.sin(0.6), Math.sin(-4), 0.25 * 0.3 * -2],
  );
  // With sigma 0 the embedded frame is Q1 phi(x): its norm is |phi(x)| (Q1 orthonormal).
  const e = await simulateSystem({
    setup: { ...BENCH_SYSTEMS["close-wells-valley"], frames: 1, stride: 1 },
    candidates: 5,
    trajectories: 1,
    ambientDim: 12,
    noise: "white",
    noiseSigma: 0,
    seed: 2,
  });
  const y = e.embed([1], Int32Array.from({ length: 5 }, (_, i) => i));
  for (let t = 0; t < 5; t++) {
    const x = e.core.subarray((5 + t) * 2, (5 + t) * 2 + 2);
    waveLift().apply(Float64Array.from(x), out);
    const ny = Math.hypot(...y.subarray(t * 12, t * 12 + 12));
    assertClose(ny, Math.hypot(...out), 1e-4, "norm");
  }
  assertEquals(Array.from(e.labelsTrue), [0, 1, 2, 2, 3]);
});

Deno.test("issue 18 case: the default (pooled later frames) recovers all 4 basins; the last frame alone merges the close wells", async () => {
  // Two close narrow wells, a long valley sampled at both ends, a wide well; wave-lifted into
  // D = 100 with slow OU noise; 10 frames; 16 trajectories per candidate, as in the issue.
  const cell = (featurizer: Featurizer) =>
    runBenchCell({
      ...CLOSE_WELLS_CASE,
      hidden: [...CLOSE_WELLS_CASE.hidden],
      baselines: [],
      featurizer,
    });
  const auto = await cell({ kind: "auto" });
  auto.detection.assigner?.dispose();
  assertEquals(Array.from(auto.ensemble.labelsTrue), [0, 1, 2, 2, 3, 0, 1, 2, 2, 3]);
  assertEquals(auto.featurizer, "window:5:-1:1");
  assertEquals(auto.methods[0].ari, 1);
  assertEquals(auto.detection.basins, 4);
  const last = await cell({ kind: "snapshot", frame: -1 });
  last.detection.assigner?.dispose();
  const l = last.detection.labels;
  // The close wells (candidates 0 and 1) end in one basin.
  assertEquals(l[0], l[1]);
  assert(last.methods[0].ari < 0.95);
});
