import { assert, assertEquals } from "../../_assert.ts";
import { gpuOrSkip } from "../../_gpu.ts";
import { PottsConfig, pottsModel } from "../../../src/models/discrete/potts.ts";
import { enumerateLogProbs } from "../../../src/models/discrete/model.ts";
import {
  checkCpu,
  checkRwmExact,
  checkWgsl,
  randomStates,
  sameBitsOnBothBackends,
} from "./_harness.ts";

type Potts = ReturnType<typeof pottsModel>;

function edges(p: number, periodic: boolean): [number, number][] {
  const out: [number, number][] = [];
  for (let r = 0; r < p; r++) {
    for (let c = 0; c < p; c++) {
      if (c + 1 < p || periodic) out.push([r * p + c, r * p + (c + 1) % p]);
      if (r + 1 < p || periodic) out.push([r * p + c, ((r + 1) % p) * p + c]);
    }
  }
  return out;
}

function reference(m: Potts) {
  const es = edges(m.size, m.periodic), c = m.numCategories;
  return (x: Uint32Array) => {
    let e = 0;
    for (const [a, b] of es) if (x[a] === x[b]) e -= m.lambda;
    for (let i = 0; i < x.length; i++) e += m.field[i * c + x[i]];
    return e;
  };
}

/** One-hot relaxation: -lambda sum_<ij> X_i . X_j + sum b . X. */
function relaxed(m: Potts) {
  const es = edges(m.size, m.periodic), c = m.numCategories;
  return (X: Float64Array) => {
    let e = 0;
    for (const [a, b] of es) {
      for (let k = 0; k < c; k++) e -= m.lambda * X[a * c + k] * X[b * c + k];
    }
    for (let j = 0; j < X.length; j++) e += m.field[j] * X[j];
    return e;
  };
}

Deno.test("potts: DISCS defaults and the mu term only shifts the energy", () => {
  const m = pottsModel();
  assertEquals([m.numSites, m.numCategories, m.lambda], [900, 4, 1]);
  assertEquals(PottsConfig.parse({ name: "potts" }).numCategories, 4);
  const a = enumerateLogProbs(pottsModel({ size: 2, numCategories: 3, seed: 1, mu: 0 }));
  const b = enumerateLogProbs(pottsModel({ size: 2, numCategories: 3, seed: 1, mu: 2 }));
  for (let s = 0; s < a.length; s++) assert(Math.abs(a[s] - b[s]) < 1e-5, `state ${s}`);
});

Deno.test("potts: energy, delta and grad against float64 references", () => {
  for (const [c, periodic] of [[3, false], [4, true], [2, false]] as const) {
    const m = pottsModel({ size: 5, numCategories: c, seed: c, periodic });
    checkCpu(m, reference(m), relaxed(m));
  }
});

Deno.test("potts: delta(i, v) = grad(i, v) - grad(i, x_i) exactly (multilinear)", () => {
  const m = pottsModel({ size: 4, numCategories: 5, seed: 3, lambda: 0.7 });
  const xs = randomStates(m, 10, 2);
  for (let s = 0; s < 10; s++) {
    for (let i = 0; i < 16; i++) {
      for (let v = 0; v < 5; v++) {
        const x = xs[s * 16 + i];
        const g = Math.fround(m.grad(xs, s * 16, i, v) - m.grad(xs, s * 16, i, x));
        assertEquals(m.delta(xs, s * 16, i, v), v === x ? 0 : g);
      }
    }
  }
});

Deno.test("potts: WGSL twin matches the CPU functions", async () => {
  const gpu = await gpuOrSkip("potts WGSL twin");
  if (!gpu) return;
  for (const [c, periodic] of [[4, false], [3, true], [2, false]] as const) {
    const r = await checkWgsl(gpu, pottsModel({ size: 6, numCategories: c, seed: 6, periodic }));
    assertEquals(r.identical, r.total);
  }
});

// The lattice is square (as in DISCS), so the enumerable instances are 2 x 2 with C = 3
// (81 states) and 3 x 3 with C = 2 (512 states; its strong fields need ~150 steps to mix: 200 are run).
const small = () => pottsModel({ size: 2, numCategories: 3, seed: 2 });
const binary = () => pottsModel({ size: 3, numCategories: 2, seed: 5 });
const binaryRun = { steps: 200, radius: 2.5 };

Deno.test("potts 2x2 C=3 and 3x3 C=2: RWM is exact on the CPU twin", async () => {
  await checkRwmExact(small(), null);
  await checkRwmExact(binary(), null, binaryRun);
});

Deno.test("potts 2x2 C=3 and 3x3 C=2: RWM is exact on WebGPU", async () => {
  const gpu = await gpuOrSkip("potts RWM on WebGPU");
  if (!gpu) return;
  await checkRwmExact(small(), gpu);
  await checkRwmExact(binary(), gpu, binaryRun);
});

Deno.test("potts: RWM on WebGPU and on the CPU twin, same seed", async () => {
  const gpu = await gpuOrSkip("potts CPU = GPU bits");
  if (!gpu) return;
  assert(
    await sameBitsOnBothBackends(pottsModel({ size: 4, numCategories: 3, seed: 3 }), gpu),
    "CPU and GPU runs differ",
  );
});
