import { assert, assertClose, assertEquals, assertRejects } from "../_assert.ts";
import { gpuOrSkip } from "../_gpu.ts";
import { chiSquare, chiSquareQuantile } from "../_stats.ts";
import { normals, simulate, stepNormals } from "../../src/dynamics/mod.ts";
import {
  doubleWell,
  gaussianMixture,
  mullerBrown,
  tripleWell1d,
} from "../../src/models/continuous/mod.ts";
import { harmonic } from "./_potentials.ts";

function meanVar(xs: ArrayLike<number>): [number, number] {
  let m = 0;
  for (let i = 0; i < xs.length; i++) m += xs[i];
  m /= xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i] - m) ** 2;
  return [m, v / (xs.length - 1)];
}

Deno.test("euler-maruyama on OU matches the exact discrete-time mean and variance", async () => {
  const k = 2, beta = 2, dt = 0.02, n = 40, N = 4000, x0 = 1.5;
  const r = await simulate(harmonic(k), {
    starts: [[x0]],
    trajectoriesPerStart: N,
    steps: n,
    stride: n,
    dt,
    beta,
    seed: 11,
  }, null);
  const last = r.frames!.subarray(N);
  const a = 1 - k * dt, s2 = 2 * dt / beta;
  const mean = a ** n * x0, variance = s2 * (1 - a ** (2 * n)) / (1 - a * a);
  const [m, v] = meanVar(last);
  assertClose(m, mean, 4 * Math.sqrt(variance / N), "EM mean");
  assertClose(v, variance, 4 * variance * Math.sqrt(2 / (N - 1)), "EM variance");
});

Deno.test("BAOAB samples the exact configurational variance 1/(beta k) of a harmonic well", async () => {
  // At this dt Euler-Maruyama would give 1/(beta k (1 - k dt / 2)) = 0.208 instead of 0.125.
  const k = 4, beta = 2, N = 4000;
  const r = await simulate(harmonic(k), {
    starts: [[0]],
    trajectoriesPerStart: N,
    steps: 200,
    stride: 200,
    dt: 0.2,
    beta,
    integrator: "baoab",
    gamma: 1,
    seed: 5,
  }, null);
  const [m, v] = meanVar(r.frames!.subarray(N));
  const exact = 1 / (beta * k);
  assertClose(m, 0, 4 * Math.sqrt(exact / N), "BAOAB mean");
  assertClose(v, exact, 4 * exact * Math.sqrt(2 / (N - 1)), "BAOAB variance");
});

/** Bin probabilities of exp(-beta V) on [lo, hi] by the midpoint rule on a fine grid. */
function exactBins(v: (x: number) => number, beta: number, lo: number, hi: number, bins: number) {
  const sub = 400, p = new Float64Array(bins), w = (hi - lo) / (bins * sub);
  for (let b = 0; b < bins; b++) {
    for (let s = 0; s < sub; s++) p[b] += Math.exp(-beta * v(lo + (b * sub + s + 0.5) * w));
  }
  const z = p.reduce((a, c) => a + c, 0);
  return p.map((x) => x / z);
}

function histogram(xs: ArrayLike<number>, lo: number, hi: number, bins: number) {
  const c = new Float64Array(bins);
  for (let i = 0; i < xs.length; i++) {
    const b = Math.floor((xs[i] - lo) / (hi - lo) * bins);
    c[Math.min(Math.max(b, 0), bins - 1)]++;
  }
  return c;
}

Deno.test("double-well and triple-well stationary histograms match exp(-beta V)", async () => {
  const cases = [
    { p: doubleWell(), beta: 2, starts: [[-1], [1]], lo: -2.2, hi: 2.2, steps: 2000, dt: 2e-3 },
    // Within-well equilibrium only: the barriers are 7 kT and more, crossings are rare.
    { p: tripleWell1d(), beta: 4, starts: [[3.16]], lo: 0, hi: 6, steps: 2000, dt: 1e-3 },
  ];
  for (const c of cases) {
    const N = 1000, bins = 16;
    const r = await simulate(c.p, {
      starts: c.starts,
      trajectories: N,
      steps: c.steps,
      stride: c.steps / 4,
      dt: c.dt,
      beta: c.beta,
      seed: 21,
    }, null);
    const xs = r.frames!.subarray(N * 1); // frames 1..4 pooled (mildly correlated)
    if (c.p.name.startsWith("triple")) {
      // Compare the well the walkers stay in: the 3.158 well between the maxima 1.564 and 4.456.
      const inWell = Array.from(xs).filter((x) => x > 1.6 && x < 4.4);
      assert(xs.length - inWell.length < 0.01 * xs.length, "many crossings of a 7 kT barrier");
      const p = exactBins((x) => c.p.energy(Float64Array.of(x)), c.beta, 1.6, 4.4, bins);
      const { stat, dof } = chiSquare(histogram(inWell.slice(-N), 1.6, 4.4, bins), p);
      assert(stat < chiSquareQuantile(dof, 4), `triple well chi2 ${stat} on ${dof} dof`);
    } else {
      const p = exactBins((x) => c.p.energy(Float64Array.of(x)), c.beta, c.lo, c.hi, bins);
      const last = xs.subarray(xs.length - N); // the final frame: independent trajectories
      const { stat, dof } = chiSquare(histogram(last, c.lo, c.hi, bins), p);
      assert(stat < chiSquareQuantile(dof, 4), `double well chi2 ${stat} on ${dof} dof`);
    }
  }
});

Deno.test("a reflecting box keeps every frame inside on both backends", async () => {
  const gpu = await gpuOrSkip("reflecting box on webgpu");
  const box = { lo: [-0.5], hi: [0.7] };
  for (const backend of gpu ? [null, gpu] : [null]) {
    for (const integrator of ["euler-maruyama", "baoab"] as const) {
      const r = await simulate(doubleWell(), {
        starts: [[0]],
        trajectoriesPerStart: 200,
        steps: 400,
        stride: 4,
        dt: 0.01,
        beta: 0.5,
        integrator,
        box,
        seed: 4,
      }, backend);
      for (const x of r.frames!) assert(x >= -0.5 && x <= 0.7, `${integrator}: ${x} left the box`);
    }
  }
});

Deno.test("GPU and CPU trajectories agree for the same seed over short horizons", async () => {
  const gpu = await gpuOrSkip("GPU vs CPU trajectories");
  if (!gpu) return;
  const p = mullerBrown({ scale: 0.1 });
  for (const integrator of ["euler-maruyama", "baoab"] as const) {
    const o = {
      starts: [[-0.5, 1.4], [0.6, 0.0]],
      trajectoriesPerStart: 70,
      steps: 60,
      stride: 20,
      dt: 1e-3,
      beta: 1,
      integrator,
      seed: 9,
    };
    const c = await simulate(p, o, null);
    const before = gpu.cache.compiles;
    const g = await simulate(p, o, gpu);
    await simulate(p, o, gpu);
    assert(gpu.cache.compiles - before <= 1, "one program compiles once");
    let err = 0;
    for (let i = 0; i < c.frames!.length; i++) {
      err = Math.max(err, Math.abs(c.frames![i] - g.frames![i]));
    }
    assert(err < 1e-4, `${integrator}: max |cpu - gpu| = ${err}`);
    // A different seed changes the paths: the comparison can fail.
    const other = await simulate(p, { ...o, seed: 10 }, gpu);
    assert(
      Math.abs(other.frames![other.frames!.length - 1] - c.frames![c.frames!.length - 1]) > 1e-4,
    );
  }
});

Deno.test("frames go to the callback in blocks and the options are validated", async () => {
  const seen: number[] = [];
  const r = await simulate(
    doubleWell(),
    {
      starts: Float64Array.of(-1, 1),
      trajectoriesPerStart: 3,
      steps: 30,
      stride: 10,
      dt: 1e-3,
      beta: 1,
      seed: 1,
    },
    null,
    (_b, first, count) => {
      for (let f = 0; f < count; f++) seen.push(first + f);
    },
  );
  assert(r.frames === null && seen.join() === "0,1,2,3");
  assert(Array.from(r.startIndex).join() === "0,0,0,1,1,1");
  const base = { starts: [[0]], steps: 30, stride: 10, dt: 1e-3, beta: 1, seed: 1 };
  await assertRejects(() => simulate(doubleWell(), { ...base, stride: 7 }, null), /multiple/);
  await assertRejects(() => simulate(doubleWell(), { ...base, starts: [[0, 1]] }, null), /dim/);
  await assertRejects(() => simulate(doubleWell(), { ...base, beta: 0 }, null), /beta/);
});

Deno.test("long strides are split into dispatches under llvmpipe's loop limit", async () => {
  // 100,000 steps in one invocation: llvmpipe stops all its loops silently after 65,535
  // iterations, including the loops that store the state and the frame (measured: frame 0.0,
  // final state still the start 5). Split into dispatches, GPU and CPU agree.
  const gpu = await gpuOrSkip("loop-limit split");
  if (!gpu) return;
  const o = {
    starts: [[5]],
    trajectoriesPerStart: 8,
    steps: 100_000,
    stride: 100_000,
    dt: 2e-4,
    beta: 1e4,
    seed: 2,
  };
  for (const integrator of ["euler-maruyama", "baoab"] as const) {
    const g = await simulate(harmonic(1), { ...o, integrator }, gpu);
    const c = await simulate(harmonic(1), { ...o, integrator }, null);
    for (let i = 0; i < g.frames!.length; i++) {
      assertClose(g.frames![i], c.frames![i], 1e-3, `${integrator} frame value ${i}`);
    }
    assert(Math.abs(g.final[0]) < 0.05, `${integrator}: final ${g.final[0]}`);
  }
});

Deno.test("dim <= 2 steps share one Philox call: grouped normals are distinct and standard", () => {
  const key = [3, 4];
  const a = stepNormals(new Float64Array(2), key, 0, 6, 0);
  const b = stepNormals(new Float64Array(2), key, 0, 7, 0);
  const four = normals(new Float64Array(4), key, 0, 6, 0); // same counter (0, 6, 0, 0)
  assertEquals([...a, ...b], Array.from(four));
  const one = stepNormals(new Float64Array(1), key, 0, 9, 0); // group of step 8, index 1
  assertEquals(one[0], four.length === 4 ? normals(new Float64Array(4), key, 0, 8, 0)[1] : NaN);
  let s = 0, s2 = 0;
  const n = 20000, x = new Float64Array(2);
  for (let k = 0; k < n; k++) {
    stepNormals(x, key, 1, k, 0);
    s += x[0] + x[1];
    s2 += x[0] * x[0] + x[1] * x[1];
  }
  assertClose(s / (2 * n), 0, 4 / Math.sqrt(2 * n), "mean");
  assertClose(s2 / (2 * n), 1, 4 * Math.sqrt(2 / (2 * n)), "variance");
});

Deno.test("a native D = 1000 Gaussian mixture integrates on WebGPU like the CPU twin", async () => {
  const gpu = await gpuOrSkip("D = 1000 Langevin on webgpu");
  if (!gpu) return;
  const p = gaussianMixture({ dim: 1000, k: 3, seed: 2 });
  const start = Array.from(p.minima[0], (v, i) => v + 0.3 * Math.sin(i));
  for (const integrator of ["euler-maruyama", "baoab"] as const) {
    const o = {
      starts: [start],
      trajectoriesPerStart: 5,
      steps: 6,
      stride: 3,
      dt: 1e-2,
      beta: 1,
      integrator,
      seed: 8,
    };
    const c = await simulate(p, o, null);
    const g = await simulate(p, o, gpu);
    assertEquals(g.frames!.length, 3 * 5 * 1000);
    let err = 0, moved = 0;
    for (let i = 0; i < c.frames!.length; i++) {
      err = Math.max(err, Math.abs(c.frames![i] - g.frames![i]));
      moved = Math.max(moved, Math.abs(g.frames![i] - g.frames![i % 5000]));
    }
    // f32 GPU against the f64 twin with the same normals: round-off only.
    assert(err < 1e-4, `${integrator}: max |cpu - gpu| = ${err}`);
    assert(moved > 0.05, `${integrator}: the trajectories moved (${moved})`);
  }
});
