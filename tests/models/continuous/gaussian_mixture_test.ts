import { assert, assertClose, assertEquals, assertThrows } from "../../_assert.ts";
import {
  gaussianMixture,
  labelByDescent,
  numericGradient,
} from "../../../src/models/continuous/mod.ts";

/** -log sum_k w_k N(x; mu_k, s_k^2 I), computed directly from the density. */
function naiveEnergy(
  x: Float64Array,
  mus: readonly Float64Array[],
  w: Float64Array,
  s: Float64Array,
): number {
  const d = x.length;
  let dens = 0;
  mus.forEach((mu, k) => {
    let d2 = 0;
    for (let i = 0; i < d; i++) d2 += (x[i] - mu[i]) ** 2;
    dens += w[k] * Math.exp(-d2 / (2 * s[k] ** 2)) / (2 * Math.PI * s[k] ** 2) ** (d / 2);
  });
  return -Math.log(dens);
}

Deno.test("mixture energy equals -log of the mixture density", () => {
  const p = gaussianMixture({ dim: 3, k: 3, seed: 4, widths: [1, 0.7, 1.5], weights: [2, 1, 1] });
  assertClose(p.weights[0], 0.5, 1e-15, "normalised weight");
  for (const m of [...p.centers, Float64Array.of(0.3, -0.2, 1)]) {
    assertClose(p.energy(m), naiveEnergy(m, p.centers, p.weights, p.widths), 1e-12, "V");
  }
  // Far away log-sum-exp stays finite where the naive density underflows.
  assert(Number.isFinite(p.energy(Float64Array.of(200, 0, 0))));
});

Deno.test("mixture gradient matches finite differences in 20 dimensions", () => {
  const p = gaussianMixture({ dim: 20, k: 5, seed: 1 });
  const g = new Float64Array(20);
  for (const c of p.centers) {
    const x = c.map((v, i) => v + 0.7 * Math.sin(i + v));
    p.gradient(x, g);
    const fd = numericGradient((y) => p.energy(y), x);
    for (let i = 0; i < 20; i++) {
      assertClose(g[i], fd[i], 1e-6 * (1 + Math.abs(fd[i])), `dV/dx${i}`);
    }
  }
});

Deno.test("seeded centres are deterministic, separated and give one minimum each", () => {
  const a = gaussianMixture({ dim: 10, k: 6, seed: 5 });
  const b = gaussianMixture({ dim: 10, k: 6, seed: 5 });
  const c = gaussianMixture({ dim: 10, k: 6, seed: 6 });
  assertEquals(a.centers, b.centers);
  assert(a.centers[0][0] !== c.centers[0][0], "a different seed moves the centres");
  for (let i = 0; i < 6; i++) {
    for (let j = 0; j < i; j++) {
      let d = 0;
      for (let t = 0; t < 10; t++) d += (a.centers[i][t] - a.centers[j][t]) ** 2;
      assert(Math.sqrt(d) >= 4, `centres ${i},${j} too close`);
    }
  }
  assertEquals(a.minima.length, 6);
  // Well-separated equal components: each minimum sits at its centre to within e^{-8}-ish pull.
  a.minima.forEach((m, k) => {
    let d = 0;
    for (let t = 0; t < 10; t++) d += (m[t] - a.centers[k][t]) ** 2;
    assert(Math.sqrt(d) < 0.05, `minimum ${k} is ${Math.sqrt(d)} from its centre`);
    assertEquals(labelByDescent(a, a.centers[k]), k);
  });
});

Deno.test("overlapping components merge into one minimum", () => {
  // Two unit Gaussians 1.5 apart (< 2 s): the mixture is unimodal, with the minimum at the middle.
  const p = gaussianMixture({ centers: [[0, 0], [1.5, 0]] });
  assertEquals(p.minima.length, 1);
  assertClose(p.minima[0][0], 0.75, 1e-8, "merged minimum");
  // Three apart (> 2 s): two minima.
  assertEquals(gaussianMixture({ centers: [[0, 0], [3, 0]] }).minima.length, 2);
});

Deno.test("WGSL params pack k, then [c_k, 1/(2 s^2), mu_k] per component", () => {
  const p = gaussianMixture({
    dim: 2,
    centers: [[1, 2], [-3, 4]],
    widths: [1, 2],
    weights: [1, 3],
  });
  const prm = p.wgsl.params!;
  assertEquals(prm.length, 1 + 2 * 4);
  assertEquals(prm[0], 2, "k travels in the parameters, not in the text");
  assertClose(prm[1], Math.log(0.25) - Math.log(2 * Math.PI), 1e-6, "c_0");
  assertClose(prm[6], 1 / 8, 0, "h_1");
  assertEquals(Array.from(prm.slice(7, 9)), [-3, 4]);
  assertEquals(p.wgsl.code, gaussianMixture({ dim: 7, k: 5 }).wgsl.code, "no size in the text");
});

Deno.test("mixture options are validated", () => {
  assertThrows(() => gaussianMixture({ k: 0 }), /k must be a positive integer/);
  assertThrows(() => gaussianMixture({ k: 2, widths: [1] }), /widths must be 2/);
  assertThrows(() => gaussianMixture({ k: 2, weights: [1, -1] }), /weights must be 2/);
  assertThrows(() => gaussianMixture({ dim: 3, centers: [[0, 0]] }), /dimension 2 but dim is 3/);
  assertThrows(() => gaussianMixture({ dim: 1, k: 5, spread: 1 }), /could not place 5 centres/);
});
