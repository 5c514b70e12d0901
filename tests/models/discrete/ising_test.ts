import { assert, assertEquals, assertThrows } from "../../_assert.ts";
import { gpuOrSkip } from "../../_gpu.ts";
import { IsingConfig, isingModel } from "../../../src/models/discrete/ising.ts";
import { insideCircle } from "../../../src/models/discrete/lattice.ts";
import {
  checkCpu,
  checkRwmExact,
  checkWgsl,
  randomStates,
  sameBitsOnBothBackends,
} from "./_harness.ts";

type Ising = ReturnType<typeof isingModel>;

/** Float64 E = -lambda sum_<ij> s_i s_j + sum_i b_i s_i over an explicit edge list. */
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

function reference(m: Ising) {
  const es = edges(m.size, m.periodic);
  return (x: Uint32Array) => {
    let e = 0;
    for (const [a, b] of es) e -= m.lambda * (2 * x[a] - 1) * (2 * x[b] - 1);
    for (let i = 0; i < x.length; i++) e += m.field[i] * (2 * x[i] - 1);
    return e;
  };
}

/** One-hot relaxation: s_i = X_{i,1} - X_{i,0}. */
function relaxed(m: Ising) {
  const es = edges(m.size, m.periodic);
  return (X: Float64Array) => {
    const s = (i: number) => X[2 * i + 1] - X[2 * i];
    let e = 0;
    for (const [a, b] of es) e -= m.lambda * s(a) * s(b);
    for (let i = 0; i < X.length / 2; i++) e += m.field[i] * s(i);
    return e;
  };
}

Deno.test("ising: DISCS defaults, field statistics and the circle rule", () => {
  const m = isingModel();
  assertEquals([m.numSites, m.numCategories, m.lambda, m.periodic], [2500, 2, 0.5, false]);
  // b = U(-1,1) 1.5 + 0.5 sign: inside in [-1, 2), outside in [-2, 1).
  let inside = 0;
  for (let i = 0; i < 2500; i++) {
    const r = Math.floor(i / 50), c = i % 50;
    const b = m.field[i];
    if (insideCircle(r, c, 50, "code")) {
      inside++;
      assert(b >= -1 && b < 2, `inside field ${b}`);
    } else assert(b >= -2 && b < 1, `outside field ${b}`);
  }
  // The code's circle covers half the lattice (area 0.5 p^2), the paper's ~0.39 p^2.
  assert(Math.abs(inside / 2500 - 0.5) < 0.02, `inside fraction ${inside / 2500}`);
  let paper = 0;
  for (let i = 0; i < 2500; i++) {
    paper += Number(insideCircle(Math.floor(i / 50), i % 50, 50, "paper"));
  }
  assert(Math.abs(paper / 2500 - Math.PI / 8) < 0.02, `paper fraction ${paper / 2500}`);
  const free = isingModel({ size: 5, mu: 0, sigma: 0 });
  assert(free.field.every((b) => b === 0));
  assertEquals(IsingConfig.parse({ name: "ising" }).size, 50);
  assertThrows(() => isingModel({ size: 2, periodic: true }), /size >= 3/);
  assertThrows(() => isingModel({ size: 3, field: [1, 2] }), /expected 9/);
});

Deno.test("ising: all-up energy of the field-free lattice is -lambda * #edges", () => {
  for (const periodic of [false, true]) {
    const m = isingModel({ size: 6, mu: 0, sigma: 0, lambda: 0.75, periodic });
    const edgesCount = periodic ? 2 * 36 : 2 * 6 * 5;
    assertEquals(m.energy(new Uint32Array(36).fill(1), 0), -0.75 * edgesCount);
  }
});

Deno.test("ising: energy, delta and grad against float64 references (open and periodic)", () => {
  for (const periodic of [false, true]) {
    const m = isingModel({ size: 7, seed: 3, periodic });
    checkCpu(m, reference(m), relaxed(m));
  }
});

Deno.test("ising: flip delta equals (1 - 2 x_i) grad_i exactly (multilinear energy)", () => {
  for (const periodic of [false, true]) {
    const m = isingModel({ size: 6, seed: 8, lambda: 0.37, periodic });
    const xs = randomStates(m, 20, 4);
    for (let s = 0; s < 20; s++) {
      for (let i = 0; i < 36; i++) {
        const x = xs[s * 36 + i];
        assertEquals(m.delta(xs, s * 36, i, 1 - x), (1 - 2 * x) * m.grad(xs, s * 36, i, 0));
      }
    }
  }
});

Deno.test("ising: WGSL twin matches the CPU functions", async () => {
  const gpu = await gpuOrSkip("ising WGSL twin");
  if (!gpu) return;
  for (const periodic of [false, true]) {
    const r = await checkWgsl(gpu, isingModel({ size: 9, seed: 6, periodic }));
    assertEquals(r.identical, r.total);
  }
});

const small = () => isingModel({ size: 3, seed: 2 });

Deno.test("ising 3x3: RWM is exact on the CPU twin", async () => {
  await checkRwmExact(small(), null);
});

Deno.test("ising 3x3: RWM is exact on WebGPU", async () => {
  const gpu = await gpuOrSkip("ising RWM on WebGPU");
  if (gpu) await checkRwmExact(small(), gpu);
});

Deno.test("ising: RWM on WebGPU and on the CPU twin, same seed", async () => {
  const gpu = await gpuOrSkip("ising CPU = GPU bits");
  if (!gpu) return;
  assert(
    await sameBitsOnBothBackends(isingModel({ size: 6, seed: 3 }), gpu),
    "CPU and GPU runs differ",
  );
});
