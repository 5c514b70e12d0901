import { assert, assertEquals, assertThrows } from "../../_assert.ts";
import { gpuOrSkip } from "../../_gpu.ts";
import { CategoricalConfig, categoricalModel } from "../../../src/models/discrete/categorical.ts";
import { enumerateLogProbs } from "../../../src/models/discrete/model.ts";
import { checkCpu, checkRwmExact, checkWgsl, sameBitsOnBothBackends } from "./_harness.ts";

function reference(theta: Float32Array, c: number) {
  return (x: Uint32Array) => {
    let e = 0;
    for (let i = 0; i < x.length; i++) e -= theta[i * c + x[i]];
    return e;
  };
}

function relaxed(theta: Float32Array) {
  return (X: Float64Array) => {
    let e = 0;
    for (let j = 0; j < X.length; j++) e -= theta[j] * X[j];
    return e;
  };
}

Deno.test("categorical: defaults follow DISCS and the seed fixes theta ~ N(0, 1.5^2)", () => {
  const m = categoricalModel();
  assertEquals([m.numSites, m.numCategories], [2000, 4]);
  let s2 = 0;
  for (const t of m.theta) s2 += t * t;
  // Sample variance of 8000 N(0, 2.25) draws: sd of the estimate ~ 2.25 sqrt(2/8000) = 0.036.
  assert(Math.abs(s2 / m.theta.length - 2.25) < 0.15, `variance ${s2 / m.theta.length}`);
  assertEquals(Array.from(categoricalModel({ seed: 0 }).theta.slice(0, 5)), [
    ...m.theta.slice(0, 5),
  ]);
  assert(categoricalModel({ seed: 1 }).theta[0] !== m.theta[0]);
  assertEquals(CategoricalConfig.parse({ name: "categorical" }), {
    name: "categorical",
    numSites: 2000,
    numCategories: 4,
    sigma: 1.5,
    seed: 0,
  });
  assertThrows(() => categoricalModel({ theta: [1, 2, 3], numCategories: 2 }), /multiple/);
  assertThrows(() => categoricalModel({ numCategories: 1 }), /numCategories/);
});

Deno.test("categorical: energy, delta and grad against float64 references", () => {
  for (const c of [2, 3, 5]) {
    const m = categoricalModel({ numSites: 30, numCategories: c, seed: c });
    checkCpu(m, reference(m.theta, c), relaxed(m.theta));
  }
});

Deno.test("categorical: enumerated joint equals the product of softmax marginals", () => {
  const m = categoricalModel({ numSites: 3, numCategories: 3, seed: 9 });
  const logp = enumerateLogProbs(m);
  const marg = m.marginals();
  for (let s = 0; s < 27; s++) {
    const p = marg[0 * 3 + (s % 3)] * marg[3 + (Math.floor(s / 3) % 3)] *
      marg[6 + Math.floor(s / 9)];
    assert(Math.abs(Math.exp(logp[s]) - p) < 1e-6, `state ${s}`);
  }
});

Deno.test("categorical: WGSL twin matches the CPU functions", async () => {
  const gpu = await gpuOrSkip("categorical WGSL twin");
  if (!gpu) return;
  for (const c of [2, 4]) {
    const r = await checkWgsl(gpu, categoricalModel({ numSites: 50, numCategories: c, seed: 2 }));
    assertEquals(r.identical, r.total);
  }
});

const small = () => categoricalModel({ numSites: 4, numCategories: 3, seed: 4 });

Deno.test("categorical D=4 C=3: RWM is exact on the CPU twin", async () => {
  await checkRwmExact(small(), null);
});

Deno.test("categorical D=4 C=3: the exactness check rejects a different model", async () => {
  const other = categoricalModel({ numSites: 4, numCategories: 3, seed: 5 });
  const r = await checkRwmExact(small(), null, { chains: 1024, steps: 40, target: other });
  assert(!r.passed, `chi2 ${r.stat} on ${r.dof} dof should reject`);
});

Deno.test("categorical D=4 C=3: RWM is exact on WebGPU", async () => {
  const gpu = await gpuOrSkip("categorical RWM on WebGPU");
  if (gpu) await checkRwmExact(small(), gpu);
});

Deno.test("categorical: RWM on WebGPU and on the CPU twin, same seed", async () => {
  const gpu = await gpuOrSkip("categorical CPU = GPU bits");
  if (!gpu) return;
  assert(
    await sameBitsOnBothBackends(
      categoricalModel({ numSites: 12, numCategories: 3, seed: 3 }),
      gpu,
    ),
    "CPU and GPU runs differ",
  );
});
