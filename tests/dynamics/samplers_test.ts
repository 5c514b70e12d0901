import { assert, assertClose, assertEquals, assertRejects } from "../_assert.ts";
import { gpuOrSkip } from "../_gpu.ts";
import { sampleContinuous } from "../../src/dynamics/mod.ts";
import { essGeyer } from "../../src/diagnostics/mod.ts";
import { quadratic, separableQuartic } from "./_potentials.ts";

// Target N(m, S) with S = [[1, 0.8], [0.8, 1]]: A = S^{-1}.
const m = [1, -1];
const det = 1 - 0.64;
const A = [1 / det, -0.8 / det, -0.8 / det, 1 / det];

/** E[f] = exact within 4.5 Monte Carlo standard errors, ESS over chains (Geyer). */
function checkStat(
  samples: Float32Array,
  steps: number,
  chains: number,
  f: (x0: number, x1: number) => number,
  exact: number,
  what: string,
) {
  const series = Array.from(
    { length: chains },
    (_, c) =>
      Float64Array.from({ length: steps }, (_, s) => {
        const o = (s * chains + c) * 2;
        return f(samples[o], samples[o + 1]);
      }),
  );
  let mean = 0, sq = 0;
  for (const s of series) for (const v of s) (mean += v, sq += v * v);
  const n = steps * chains;
  mean /= n;
  const sd = Math.sqrt(sq / n - mean * mean);
  const ess = essGeyer(series);
  assert(ess > 500, `${what}: ESS ${ess} too small`);
  assertClose(mean, exact, 4.5 * sd / Math.sqrt(ess), what);
}

for (const sampler of ["mala", "hmc"] as const) {
  Deno.test(`${sampler} with per-chain adaptation samples a correlated Gaussian (GPU or twin)`, async () => {
    const gpu = await gpuOrSkip(`${sampler} on webgpu (runs the CPU twin instead)`);
    const chains = gpu ? 128 : 16, steps = 1000;
    const r = await sampleContinuous(quadratic(A, m), {
      sampler,
      chains,
      steps,
      burnIn: 500,
      seed: 21,
      stepSize: 0.5,
      leapfrogSteps: 5,
      start: [3, 3],
    }, gpu);
    assert(r.backend === (gpu ? "webgpu" : "cpu"));
    const meanAcc = r.acceptance.reduce((a, b) => a + b, 0) / chains;
    assertClose(meanAcc, sampler === "mala" ? 0.6 : 0.8, 0.1, "adapted acceptance");
    const spread = Math.max(...r.stepSizes) / Math.min(...r.stepSizes);
    assert(spread > 1 && spread < 3, `per-chain step sizes differ moderately: ${spread}`);
    const s = r.samples;
    checkStat(s, steps, chains, (x) => x, m[0], "mean x0");
    checkStat(s, steps, chains, (_, y) => y, m[1], "mean x1");
    checkStat(s, steps, chains, (x) => (x - m[0]) ** 2, 1, "var x0");
    checkStat(s, steps, chains, (_, y) => (y - m[1]) ** 2, 1, "var x1");
    checkStat(s, steps, chains, (x, y) => (x - m[0]) * (y - m[1]), 0.8, "cov");
  });
}

Deno.test("GPU samplers replay their CPU twin for the same seed", async () => {
  const gpu = await gpuOrSkip("GPU vs CPU samplers");
  if (!gpu) return;
  const p = quadratic(A, m);
  const maxDiff = (a: Float32Array, b: Float32Array) =>
    a.reduce((e, v, i) => Math.max(e, Math.abs(v - b[i])), 0);
  for (const sampler of ["ula", "mala", "hmc"] as const) {
    // Fixed step size: identical normals, uniforms and f32 sampler arithmetic; only the
    // potential's own round-off differs, far below the tolerance.
    const o = {
      sampler,
      chains: 40,
      steps: 30,
      burnIn: 30,
      seed: 5,
      stepSize: 0.4,
      leapfrogSteps: 4,
      start: [2, -2],
      blockSteps: 7,
      adapt: false,
    };
    const c = await sampleContinuous(p, o, null);
    const g = await sampleContinuous(p, o, gpu);
    const err = maxDiff(c.samples, g.samples);
    assert(err < 1e-4, `${sampler}: max |cpu - gpu| sample = ${err}`);
    assert(maxDiff(c.acceptance, g.acceptance) < 1e-4, `${sampler}: acceptance`);
    const other = await sampleContinuous(p, { ...o, seed: 6 }, gpu);
    assert(maxDiff(other.samples, c.samples) > 1e-2, "another seed differs");
    if (sampler === "ula") continue;
    // Adapting: dual averaging amplifies that round-off (eps swings by 10x in the first
    // steps), so compare a short burn-in: every chain's step size and next draw.
    const a = { ...o, adapt: true, burnIn: 6, steps: 1 };
    const ca = await sampleContinuous(p, a, null);
    const ga = await sampleContinuous(p, a, gpu);
    for (let k = 0; k < o.chains; k++) {
      assertClose(ga.stepSizes[k] / ca.stepSizes[k], 1, 1e-4, `${sampler} step size ${k}`);
    }
    assert(ca.stepSizes.some((e) => Math.abs(e - 0.4) > 0.05), "the step sizes adapted");
    assert(maxDiff(ca.samples, ga.samples) < 1e-3, `${sampler}: adapted draws`);
  }
  await assertRejects(
    () => sampleContinuous(p, { sampler: "hmc", chains: 0, steps: 1, seed: 1 }, gpu),
    /chains/,
  );
});

Deno.test("ULA has the known O(eps^2) bias on a 1-D Gaussian (CPU twin)", async () => {
  // x' = (1 - eps^2 k / 2) x + eps xi: stationary variance eps^2 / (1 - (1 - eps^2 k / 2)^2).
  const k = 1, eps = 0.8, chains = 32, steps = 2000;
  const r = await sampleContinuous(quadratic([k], [0]), {
    sampler: "ula",
    chains,
    steps,
    burnIn: 100,
    seed: 2,
    stepSize: eps,
    backend: "cpu",
  });
  assertEquals(r.backend, "cpu");
  const a = 1 - eps * eps * k / 2, exact = eps * eps / (1 - a * a);
  let v = 0;
  for (const x of r.samples) v += x * x;
  v /= r.samples.length;
  // Lag-1 correlation a = 0.68: ESS ~ n (1 - a) / (1 + a).
  const ess = r.samples.length * (1 - a) / (1 + a);
  assertClose(v, exact, 4.5 * exact * Math.sqrt(2 / ess), "ULA variance");
  assert(Math.abs(exact - 1) > 10 * exact * Math.sqrt(2 / ess), "bias is detectable");
});

// D = 1000 keeps the vectors in storage; D = 3 uses the register file with the dimension from
// the uniform block, and a fixed D = 2 bakes the dimension in: every path replays the twin.
for (const [dim, fixed] of [[1000, false], [3, false], [2, true]] as const) {
  Deno.test(`samplers at D = ${dim}${fixed ? " (fixed)" : ""} run on WebGPU and replay the CPU twin bit for bit`, async () => {
    const gpu = await gpuOrSkip(`D = ${dim} samplers on webgpu`);
    if (!gpu) return;
    // The potential's f32 arithmetic is the same on both sides, so every bit must agree:
    // samples, acceptance and the adapted step sizes, through burn-in with dual averaging.
    const p = separableQuartic(dim, fixed);
    const start = Array.from({ length: dim }, (_, i) => (i % 3) - 1 + 0.25 * Math.sin(i + 1));
    const chains = dim > 100 ? 6 : 40;
    for (const sampler of ["ula", "mala", "hmc"] as const) {
      const o = {
        sampler,
        chains,
        steps: dim > 100 ? 3 : 20,
        burnIn: dim > 100 ? 3 : 20,
        seed: 4,
        stepSize: dim > 100 ? 0.05 : 0.5,
        leapfrogSteps: 3,
        start,
        blockSteps: 2,
      };
      const c = await sampleContinuous(p, { ...o, backend: "cpu" });
      const g = await sampleContinuous(p, { ...o, backend: "webgpu" }, gpu);
      assertEquals(g.backend, "webgpu");
      assertEquals(g.samples.length, o.steps * chains * dim);
      const firstDiff = c.samples.findIndex((v, i) => !Object.is(v, g.samples[i]));
      assertEquals(firstDiff, -1, `${sampler}: first differing sample value`);
      assertEquals(Array.from(g.acceptance), Array.from(c.acceptance), `${sampler} acceptance`);
      assertEquals(Array.from(g.stepSizes), Array.from(c.stepSizes), `${sampler} step sizes`);
      if (sampler !== "ula") {
        assert(c.acceptance.some((a) => a > 0 && a < 1), `${sampler}: acceptance ${c.acceptance}`);
        assert(c.stepSizes.some((e) => e !== Math.fround(o.stepSize)), `${sampler}: adapted`);
      }
      // The comparison can fail: the draws moved, and another seed moves them elsewhere.
      assert(c.samples.some((v, i) => v !== Math.fround(start[i % dim])), `${sampler} moved`);
      const other = await sampleContinuous(p, { ...o, seed: 5, backend: "webgpu" }, gpu);
      assert(other.samples.some((v, i) => v !== g.samples[i]), `${sampler}: seed matters`);
    }
  });
}

Deno.test("backend choice: cpu, auto without an adapter, webgpu refusals", async () => {
  const p = quadratic([1], [0]);
  const o = { sampler: "mala" as const, chains: 2, steps: 2, seed: 1 };
  assertEquals((await sampleContinuous(p, { ...o, backend: "cpu" })).backend, "cpu");
  assertEquals((await sampleContinuous(p, o, null)).backend, "cpu", "auto with no adapter");
  await assertRejects(
    () => sampleContinuous(p, { ...o, backend: "webgpu" }, null),
    /needs a WebGPU adapter/,
  );
  await assertRejects(
    () => sampleContinuous(p, { ...o, backend: "gpu" as "webgpu" }),
    /backend must be "auto", "webgpu" or "cpu"/,
  );
  await assertRejects(
    () => sampleContinuous(p, { ...o, start: [NaN], backend: "cpu" }),
    /start\[0\] is NaN, expected a finite number/,
  );
  await assertRejects(
    () => sampleContinuous(p, { ...o, targetAcceptance: 1.5, backend: "cpu" }),
    /targetAcceptance must be in \(0, 1\)/,
  );
  const gpu = await gpuOrSkip("webgpu refusal of a CPU-only potential");
  if (!gpu) return;
  const cpuOnly = { ...p, wgsl: { key: "cpu-only", code: "", params: null } };
  await assertRejects(
    () => sampleContinuous(cpuOnly, { ...o, backend: "webgpu" }, gpu),
    /has no WGSL twin/,
  );
  assertEquals((await sampleContinuous(cpuOnly, o, gpu)).backend, "cpu", "auto falls back");
});
