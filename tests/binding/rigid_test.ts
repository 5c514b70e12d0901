import { assert, assertClose } from "../_assert.ts";
import { chiSquare, chiSquareQuantile } from "../_stats.ts";

import {
  centroid,
  cross,
  expSO3,
  inertia,
  kabsch,
  logSO3,
  matMul3,
  matVec3,
  rigidMotion,
  rmsd,
  solve3,
  transpose3,
} from "../../src/binding/rigid.ts";
import {
  igso3AngleDensity,
  Igso3Sampler,
  igso3Score,
  igso3Series,
  igso3SeriesL,
} from "../../src/binding/igso3.ts";
import { SplitMix32 } from "../../src/random/splitmix.ts";
import { uniformIn, uniformIndex, unitVector3 } from "../../src/random/seeded_draws.ts";

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

Deno.test("expSO3 is a proper rotation, rotates about its axis by its angle, and matches known cases", () => {
  // Quarter turn about z sends x to y.
  assert(maxAbsDiff(matVec3(expSO3([0, 0, Math.PI / 2]), [1, 0, 0]), [0, 1, 0]) < 1e-15);
  const rng = new SplitMix32(1);
  for (let k = 0; k < 50; k++) {
    const w = [rng.normal(), rng.normal(), rng.normal()].map((v) => v * 1.2);
    const r = expSO3(w);
    assert(maxAbsDiff(matMul3(r, transpose3(r)), [1, 0, 0, 0, 1, 0, 0, 0, 1]) < 1e-14);
    assert(maxAbsDiff(matVec3(r, w), w) < 1e-14, "the axis is fixed");
    const t = Math.hypot(...w);
    assertClose((r[0] + r[4] + r[8] - 1) / 2, Math.cos(t), 1e-14, "trace gives the angle");
    // Compare with the matrix exponential by a long Taylor series of [w]x.
    const K = [0, -w[2], w[1], w[2], 0, -w[0], -w[1], w[0], 0];
    let term = [1, 0, 0, 0, 1, 0, 0, 0, 1], sum = term.slice();
    for (let n = 1; n < 40; n++) {
      term = matMul3(term, K).map((v) => v / n);
      sum = sum.map((v, i) => v + term[i]);
    }
    assert(maxAbsDiff(r, sum) < 1e-12, "Rodrigues equals the power series");
  }
});

Deno.test("logSO3 inverts expSO3, including angles near 0 and near pi", () => {
  const rng = new SplitMix32(2);
  for (const scale of [1e-9, 1e-3, 1, 2.5, Math.PI - 1e-5]) {
    for (let k = 0; k < 30; k++) {
      const axis = unitVector3(rng);
      const t = scale === 1 ? uniformIn(rng, 0, Math.PI - 0.01) : scale;
      const w = axis.map((a) => a * t);
      const back = logSO3(expSO3(w));
      assert(maxAbsDiff(back, w) < 1e-7 + 1e-9, `round trip at angle ${t}: ${back} vs ${w}`);
      assert(maxAbsDiff(expSO3(back), expSO3(w)) < 1e-12);
    }
  }
});

Deno.test("kabsch recovers a known rotation and shift, and its RMSD is the minimum", () => {
  const rng = new SplitMix32(3);
  for (let k = 0; k < 20; k++) {
    const n = 5 + uniformIndex(rng, 20);
    const p = Float64Array.from({ length: 3 * n }, () => rng.normal() * 3);
    const w = unitVector3(rng).map((a) => a * uniformIn(rng, 0, Math.PI));
    const r = expSO3(w), t = [rng.normal() * 5, rng.normal(), rng.normal()];
    const q = rigidMotion(p, r, [0, 0, 0], t);
    const fit = kabsch(p, q);
    assert(maxAbsDiff(fit.r, r) < 1e-9, "rotation recovered");
    assert(maxAbsDiff(fit.t, t) < 1e-8, "shift recovered");
    assert(fit.rmsd < 1e-9);
    // With noise, any nearby rotation does worse than the Kabsch one.
    const noisy = q.map((v) => v + 0.3 * rng.normal());
    const best = kabsch(p, noisy);
    for (let j = 0; j < 10; j++) {
      const r2 = matMul3(expSO3(unitVector3(rng).map((a) => a * 0.05)), best.r);
      const moved = rigidMotion(p, r2, [0, 0, 0], [0, 0, 0]);
      const c1 = centroid(moved), c2 = centroid(noisy);
      const aligned = rigidMotion(moved, [1, 0, 0, 0, 1, 0, 0, 0, 1], [0, 0, 0], [
        c2[0] - c1[0],
        c2[1] - c1[1],
        c2[2] - c1[2],
      ]);
      assert(rmsd(aligned, noisy) >= best.rmsd - 1e-12);
    }
  }
  // A mirror image is not reachable by a rotation: Kabsch must not return a reflection.
  const p = Float64Array.from([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
  const mirrored = p.map((v, i) => i % 3 === 2 ? -v : v);
  const fit = kabsch(p, mirrored);
  const det = fit.r[0] * (fit.r[4] * fit.r[8] - fit.r[5] * fit.r[7]) -
    fit.r[1] * (fit.r[3] * fit.r[8] - fit.r[5] * fit.r[6]) +
    fit.r[2] * (fit.r[3] * fit.r[7] - fit.r[4] * fit.r[6]);
  assertClose(det, 1, 1e-12, "det R");
  assert(fit.rmsd > 0.1);
});

Deno.test("inertia and solve3: I w = tau is solved exactly, cross product is antisymmetric", () => {
  const rng = new SplitMix32(4);
  const x = Float64Array.from({ length: 30 }, () => rng.normal());
  const c = centroid(x), I = inertia(x, c);
  const w = [0.3, -1.1, 0.7], tau = matVec3(I, w);
  assert(maxAbsDiff(solve3(I, tau), w) < 1e-12);
  // Rigid rotation with angular velocity w: sum r x v = I w with v = w x r.
  const L = [0, 0, 0];
  for (let i = 0; i < 10; i++) {
    const r = [x[3 * i] - c[0], x[3 * i + 1] - c[1], x[3 * i + 2] - c[2]];
    const l = cross(r, cross(w, r));
    for (let k = 0; k < 3; k++) L[k] += l[k];
  }
  assert(maxAbsDiff(L, tau) < 1e-12);
});

Deno.test("IGSO(3) angle density integrates to 1 for small and large noise", () => {
  for (const sigma of [0.05, 0.1, 0.3, 1, 3]) {
    const n = 20000;
    let s = 0;
    for (let i = 0; i <= n; i++) {
      const t = Math.PI * i / n, w = i === 0 || i === n ? 1 : i % 2 ? 4 : 2;
      s += w * igso3AngleDensity(t, sigma);
    }
    assertClose(s * Math.PI / n / 3, 1, 1e-6, `integral at sigma ${sigma}`);
  }
  // Large noise: f -> 1, the density tends to the Haar angle density (1 - cos t)/pi.
  assertClose(igso3AngleDensity(1.3, 5), (1 - Math.cos(1.3)) / Math.PI, 1e-12);
});

Deno.test("IGSO(3) series derivative and score equal central finite differences", () => {
  for (const sigma of [0.1, 0.25, 0.7]) {
    for (const t of [0.05, 0.3, 1, 2, 3]) {
      const h = 1e-5;
      const fd = (igso3Series(t + h, sigma).f - igso3Series(t - h, sigma).f) / (2 * h);
      const { df } = igso3Series(t, sigma);
      assertClose(df, fd, 1e-6 * Math.max(1, Math.abs(fd)), `df at ${sigma}, ${t}`);
      const logf = (u: number) => Math.log(igso3Series(u, sigma).f);
      const logp = (u: number) => Math.log(igso3AngleDensity(u, sigma));
      const s = igso3Score(t, sigma), sh = igso3Score(t, sigma, { haar: true });
      assertClose(s, (logf(t + h) - logf(t - h)) / (2 * h), 1e-5 * Math.max(1, Math.abs(s)));
      assertClose(sh, (logp(t + h) - logp(t - h)) / (2 * h), 1e-5 * Math.max(1, Math.abs(sh)));
    }
  }
  // The Poisson-summed form equals the l-series where both are accurate.
  for (const sigma of [0.2, 0.5, 0.9]) {
    for (const t of [1e-3, 0.2, 0.5, 1.5, 3.1]) {
      const a = igso3Series(t, sigma), b = igso3SeriesL(t, sigma);
      assertClose(a.f, b.f, 1e-9 * Math.abs(b.f) + 1e-12, `f at ${sigma}, ${t}`);
      assertClose(a.df, b.df, 1e-7 * Math.abs(b.f) + 1e-9, `df at ${sigma}, ${t}`);
    }
  }
  // Small noise: f ~ exp(-t^2 / (4 s^2)) locally, so the score is about -t / (2 s^2).
  assertClose(igso3Score(0.02, 0.1), -0.02 / (2 * 0.01), 0.05);
});

Deno.test("IGSO(3) inverse-CDF samples match the angle density (chi-square)", () => {
  const sampler = new Igso3Sampler([0.15, 0.6]);
  const rng = new SplitMix32(5), N = 20000, bins = 40;
  for (let level = 0; level < 2; level++) {
    const sigma = sampler.sigmas[level];
    const counts = new Array(bins).fill(0);
    for (let i = 0; i < N; i++) {
      counts[Math.min(bins - 1, Math.floor(sampler.sampleAngle(level, rng) / Math.PI * bins))]++;
    }
    const p = Array.from({ length: bins }, (_, b) => {
      let s = 0;
      const m = 200, a = Math.PI * b / bins, w = Math.PI / bins;
      for (let i = 0; i <= m; i++) {
        s += (i === 0 || i === m ? 1 : i % 2 ? 4 : 2) * igso3AngleDensity(a + w * i / m, sigma);
      }
      return s * w / m / 3;
    });
    const { stat, dof } = chiSquare(counts, p);
    assert(stat < chiSquareQuantile(dof, 4), `chi2 ${stat} with ${dof} dof at sigma ${sigma}`);
  }
  // The rotation axis is uniform: mean axis near zero.
  const m = [0, 0, 0];
  for (let i = 0; i < 4000; i++) {
    const { axis } = sampler.sampleRotation(0, rng);
    for (let k = 0; k < 3; k++) m[k] += axis[k] / 4000;
  }
  assert(Math.hypot(...m) < 4 * Math.sqrt(3 / 3 / 4000), `mean axis ${m}`);
});
