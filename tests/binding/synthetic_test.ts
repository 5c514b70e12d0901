import { assert, assertClose } from "../_assert.ts";
import {
  generateSynthetic,
  pearson,
  spearman,
  SyntheticConfig,
  syntheticPotential,
  trueAffinity,
} from "../../src/binding/synthetic.ts";
import { centroid } from "../../src/binding/rigid.ts";
import { SplitMix32 } from "../../src/random/splitmix.ts";
import { uniformIndex } from "../../src/random/seeded_draws.ts";

Deno.test("synthetic potential: forces equal finite differences of U", () => {
  const rng = new SplitMix32(1);
  const pocket = Float64Array.from({ length: 30 }, () => rng.normal() * 4);
  const pt = Int32Array.from({ length: 10 }, () => uniformIndex(rng, 3));
  const lt = Int32Array.from([0, 1, 2, 1]);
  // A pose without clashes (below 2.5 A the r^-12 term makes U too large for float64 FD).
  let x: Float64Array;
  do x = Float64Array.from({ length: 12 }, () => rng.normal() * 1.5); while (
    Array.from({ length: 40 }, (_, k) => {
      const i = k % 4, j = Math.floor(k / 4);
      return Math.hypot(
        x[3 * i] - pocket[3 * j],
        x[3 * i + 1] - pocket[3 * j + 1],
        x[3 * i + 2] - pocket[3 * j + 2],
      );
    }).some((d) => d < 2.5)
  );
  const pot = syntheticPotential(lt, pocket, pt);
  const { forces } = pot(x);
  for (let i = 0; i < x.length; i++) {
    const h = 1e-6, xp = Float64Array.from(x), xm = Float64Array.from(x);
    xp[i] += h;
    xm[i] -= h;
    const fd = -(pot(xp).energy - pot(xm).energy) / (2 * h);
    assertClose(forces[i], fd, 1e-5 * Math.max(1, Math.abs(fd)), `force ${i}`);
  }
});

Deno.test("true affinity: a constant potential c gives dG = c - kT log(V_bound / V_ref) exactly", () => {
  const cfg = SyntheticConfig.parse({ mcSamples: 200, boundRadius: 2, kT: 0.6 });
  const lig = Float64Array.from([0, 0, 0, 1.5, 0, 0]);
  for (const c of [0, -3.5]) {
    const { dG, error } = trueAffinity(
      lig,
      () => ({ energy: c, forces: new Float64Array(6) }),
      cfg,
      new SplitMix32(2),
    );
    const want = c - 0.6 * Math.log(4 / 3 * Math.PI * 8 / 1661);
    assertClose(dG, want, 1e-12, "dG");
    assertClose(error, 0, 1e-12, "no Monte Carlo error for a constant");
  }
  // A potential that is -a inside half the bound ball (x > 0) and 0 elsewhere: Z = V (1 + e^{a/kT})/2.
  const a = 1.2;
  const half = (x: Float64Array) => ({
    energy: centroid(x)[0] > 0 ? -a : 0,
    forces: new Float64Array(6),
  });
  const r = trueAffinity(lig, half, { ...cfg, mcSamples: 20000 }, new SplitMix32(3));
  const want = -0.6 * Math.log((1 + Math.exp(a / 0.6)) / 2 * 4 / 3 * Math.PI * 8 / 1661);
  assertClose(r.dG, want, 4 * r.error, "half-ball dG");
});

Deno.test("synthetic set: crystal poses lie in the bound region, affinities spread, -U at the pose tracks dG", () => {
  const cfg = SyntheticConfig.parse({
    complexes: 12,
    mcSamples: 3000,
    langevinSteps: 400,
    seed: 4,
  });
  const set = generateSynthetic(cfg);
  for (const s of set) {
    const c = centroid(s.example.ligand);
    assert(Math.hypot(...c) <= cfg.boundRadius + 1e-9, "centroid in the bound ball");
    assert(Number.isFinite(s.dG) && s.nativeU < 0, `dG ${s.dG}, U ${s.nativeU}`);
  }
  const dG = set.map((s) => s.dG);
  assert(Math.max(...dG) - Math.min(...dG) > 3, "affinities spread");
  assert(
    pearson(set.map((s) => -s.nativeU), dG.map((v) => -v)) > 0.5,
    "the ceiling is informative",
  );
  // Same seed, same set.
  const again = generateSynthetic(cfg);
  assertClose(again[5].dG, set[5].dG, 0, "reproducible");
});

Deno.test("pearson and spearman on known values", () => {
  assertClose(pearson([1, 2, 3, 4], [2, 4, 6, 8]), 1, 1e-15);
  assertClose(pearson([1, 2, 3], [1, 3, 2]), 0.5, 1e-15);
  assertClose(spearman([1, 2, 3, 4], [1, 8, 27, 64]), 1, 1e-15);
  assertClose(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1, 1e-15);
  // Ties take average ranks: ranks [1.5, 1.5, 3] vs [1, 2, 3].
  assertClose(spearman([5, 5, 7], [1, 2, 3]), pearson([1.5, 1.5, 3], [1, 2, 3]), 1e-15);
});

Deno.test("extra poses: the same crystal pose and dG, rigid copies of the ligand in the bound region", () => {
  const base = { complexes: 3, mcSamples: 300, langevinSteps: 200, seed: 6 };
  const one = generateSynthetic(SyntheticConfig.parse(base));
  const cfg = SyntheticConfig.parse({ ...base, poses: 3, poseSpacing: 50 });
  const three = generateSynthetic(cfg);
  const dist = (x: Float64Array, i: number, j: number) =>
    Math.hypot(x[3 * i] - x[3 * j], x[3 * i + 1] - x[3 * j + 1], x[3 * i + 2] - x[3 * j + 2]);
  three.forEach((s, c) => {
    assertClose(s.dG, one[c].dG, 0, "dG unchanged");
    assert(
      s.example.ligand.every((v, i) => v === one[c].example.ligand[i]),
      "crystal pose unchanged",
    );
    assertClose(one[c].extraPoses.length, 0, 0, "one pose: no extras");
    assertClose(s.extraPoses.length, 2, 0, "poses - 1 extras");
    const x0 = s.example.ligand, n = x0.length / 3;
    for (const x of s.extraPoses) {
      assert(Math.hypot(...centroid(x)) <= cfg.boundRadius + 1e-9, "extra pose in the bound ball");
      assert(x.some((v, i) => Math.abs(v - x0[i]) > 1e-3), "the chain moved");
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) assertClose(dist(x, i, j), dist(x0, i, j), 1e-9, "rigid");
      }
    }
  });
});
