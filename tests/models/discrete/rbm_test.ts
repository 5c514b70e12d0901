import { assertEquals, assertThrows } from "../../_assert.ts";
import { gpuOrSkip } from "../../_gpu.ts";
import { RbmConfig, rbmModel } from "../../../src/models/discrete/rbm.ts";
import { checkCpu, checkRwmExact, checkWgsl, sameBitsOnBothBackends } from "./_harness.ts";

type Rbm = ReturnType<typeof rbmModel>;

/** Input to hidden unit j from one-hot-relaxed visibles X (`[D, C]`), float64. */
function activation(m: Rbm, X: Float64Array, j: number): number {
  const d = m.numSites, c = m.numCategories;
  let a = m.hiddenBias[j];
  for (let i = 0; i < d; i++) {
    if (m.binary) a += m.weights[j * d + i] * X[i * 2 + 1];
    else for (let k = 0; k < c; k++) a += m.weights[(j * d + i) * c + k] * X[i * c + k];
  }
  return a;
}

function visibleTerm(m: Rbm, X: Float64Array): number {
  const d = m.numSites, c = m.numCategories;
  let s = 0;
  for (let i = 0; i < d; i++) {
    if (m.binary) s += m.visibleBias[i] * X[i * 2 + 1];
    else for (let k = 0; k < c; k++) s += m.visibleBias[i * c + k] * X[i * c + k];
  }
  return s;
}

function oneHot(x: Uint32Array, c: number): Float64Array {
  const X = new Float64Array(x.length * c);
  for (let i = 0; i < x.length; i++) X[i * c + x[i]] = 1;
  return X;
}

/** E(v) = -log sum_h exp(-E(v, h)) by enumerating all 2^H hidden states (independent of softplus). */
function reference(m: Rbm) {
  return (x: Uint32Array) => {
    const X = oneHot(x, m.numCategories);
    const a = Array.from({ length: m.numHidden }, (_, j) => activation(m, X, j));
    let z = 0;
    for (let h = 0; h < 2 ** m.numHidden; h++) {
      let s = 0;
      for (let j = 0; j < m.numHidden; j++) if ((h >> j) & 1) s += a[j];
      z += Math.exp(s);
    }
    return -visibleTerm(m, X) - Math.log(z);
  };
}

function relaxed(m: Rbm) {
  return (X: Float64Array) => {
    let e = -visibleTerm(m, X);
    for (let j = 0; j < m.numHidden; j++) e -= Math.log1p(Math.exp(activation(m, X, j)));
    return e;
  };
}

Deno.test("rbm: config defaults, random instance and explicit parameters", () => {
  const cfg = RbmConfig.parse({ name: "rbm" });
  assertEquals([cfg.numVisible, cfg.numHidden, cfg.numCategories], [784, 25, 2]);
  const m = rbmModel({ numVisible: 6, numHidden: 3, seed: 1 });
  assertEquals([m.numSites, m.numHidden, m.weights.length, m.binary], [6, 3, 18, true]);
  // Visible-major [D, H] weights give the same model after transposition.
  const vm = new Float32Array(18);
  for (let i = 0; i < 6; i++) for (let j = 0; j < 3; j++) vm[i * 3 + j] = m.weights[j * 6 + i];
  const e = rbmModel({
    weights: vm,
    weightsOrder: "visible-major",
    visibleBias: m.visibleBias,
    hiddenBias: m.hiddenBias,
  });
  const x = Uint32Array.of(1, 0, 1, 1, 0, 1);
  assertEquals(e.energy(x, 0), m.energy(x, 0));
  assertThrows(() => rbmModel({ weights: [1] }), /together/);
  assertThrows(
    () => rbmModel({ weights: [1, 2, 3], visibleBias: [0, 0], hiddenBias: [0] }),
    /weights has 3 entries: expected 2/,
  );
});

Deno.test("rbm: binary energy, delta and grad against hidden-state enumeration", () => {
  const m = rbmModel({ numVisible: 10, numHidden: 5, seed: 2 });
  checkCpu(m, reference(m), relaxed(m), { gradTol: 2e-4 });
});

Deno.test("rbm: categorical energy, delta and grad against hidden-state enumeration", () => {
  const m = rbmModel({ numVisible: 7, numHidden: 4, numCategories: 4, seed: 3 });
  checkCpu(m, reference(m), relaxed(m), { gradTol: 2e-4 });
});

Deno.test("rbm: WGSL twin matches the CPU functions", async () => {
  const gpu = await gpuOrSkip("rbm WGSL twin");
  if (!gpu) return;
  for (const c of [2, 3]) {
    const m = rbmModel({ numVisible: 20, numHidden: 6, numCategories: c, seed: 6 });
    const r = await checkWgsl(gpu, m);
    console.log(`rbm C=${c}: ${r.identical}/${r.total} WGSL values bit-identical to the CPU twin`);
  }
});

const small = () => rbmModel({ numVisible: 8, numHidden: 4, seed: 4 });

Deno.test("rbm 8 visible: RWM is exact on the CPU twin", async () => {
  await checkRwmExact(small(), null, {});
});

Deno.test("rbm 8 visible: RWM is exact on WebGPU", async () => {
  const gpu = await gpuOrSkip("rbm RWM on WebGPU");
  if (gpu) await checkRwmExact(small(), gpu, {});
});

Deno.test("rbm: RWM on WebGPU and on the CPU twin, same seed", async () => {
  const gpu = await gpuOrSkip("rbm CPU = GPU bits");
  if (!gpu) return;
  const same = await sameBitsOnBothBackends(
    rbmModel({ numVisible: 12, numHidden: 4, seed: 3 }),
    gpu,
  );
  // Rounding here depends on the adapter (fused multiply-adds), so a difference is reported.
  console.log(`rbm: RWM runs bit-identical on WebGPU and the CPU twin: ${same}`);
});
