import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { gpuOrSkip } from "../_gpu.ts";
import { bernoulliModel } from "../../src/models/discrete/bernoulli.ts";
import { isingModel } from "../../src/models/discrete/ising.ts";
import { pottsModel } from "../../src/models/discrete/potts.ts";
import type { DiscreteModel } from "../../src/models/discrete/model.ts";
import { runSampler } from "../../src/samplers/engine.ts";
import { swSampler } from "../../src/samplers/sw.ts";
import { samplerModelProblem } from "../../src/samplers/registry.ts";
import { SampleConfig } from "../../src/samplers/sample_config.ts";
import { SolveConfig } from "../../src/co/config.ts";
import { ConfigError, parseConfig } from "../../src/io/config.ts";
import type { GpuContext } from "../../src/gpu/mod.ts";
import { assertExact, assertSameRun, meanAcceptance } from "./_exact.ts";

const BETA_C = Math.log(1 + Math.SQRT2) / 2;

/**
 * Small enumerable lattices and the engine's beta (which multiplies the model's lambda): fields,
 * zero field at beta_c (lambda 0.5, beta 2 beta_c), periodic, Potts with C <= 4 and C > 4.
 */
const CASES: [string, () => DiscreteModel, number][] = [
  ["Ising 3x3, DISCS field", () => isingModel({ size: 3, seed: 1 }), 1],
  ["Ising 3x3, zero field at beta_c", () => isingModel({ size: 3, mu: 0, sigma: 0 }), BETA_C * 2],
  ["Ising 3x3 periodic", () => isingModel({ size: 3, mu: 0, sigma: 0.5, periodic: true }), 1.3],
  ["Potts 2x2 C=3, field", () => pottsModel({ size: 2, numCategories: 3, seed: 3 }), 1],
  [
    "Potts 2x2 C=3, zero field",
    () => pottsModel({ size: 2, numCategories: 3, sigma: 0, mu: 0 }),
    1.6,
  ],
  ["Potts 2x2 C=5, field", () => pottsModel({ size: 2, numCategories: 5, lambda: 0.7 }), 1.2],
];

async function exactOnAll(gpu: GpuContext | null) {
  let seed = 11;
  for (const [what, make, beta] of CASES) {
    const model = make();
    // SW relaxes from the uniform start at about 0.6 per step on the strongly coupled torus
    // (an isolated wrong site is its own cluster and is put right half the time): 40 steps.
    const o = { chains: 4096, steps: 40, seed: seed++, beta };
    const r = await assertExact(model, swSampler(), o, gpu);
    assertEquals(meanAcceptance(r), 1, `${what}: every step completes its labelling`);
  }
}

Deno.test("sw: exact against enumeration on Ising and Potts lattices (CPU)", async () => {
  await exactOnAll(null);
});

Deno.test("sw: exact against enumeration on Ising and Potts lattices (WebGPU)", async () => {
  const gpu = await gpuOrSkip("sw exactness on WebGPU");
  if (gpu) await exactOnAll(gpu);
});

Deno.test("sw: a step cut short by the labelling budget keeps the target exact", async () => {
  // Budget 3 per site: on an ordered 3x3 lattice most labellings need more, so about half the
  // steps keep the state; the kernel stays exact since the cut depends on the bonds alone.
  const model = isingModel({ size: 3, lambda: 0.9, sigma: 0.3, seed: 2 });
  const r = await assertExact(model, swSampler({ labelBudget: 3 }), {
    chains: 4096,
    steps: 30,
    seed: 5,
  }, null);
  const a = meanAcceptance(r);
  assert(a > 0.1 && a < 0.9, `budget 3: both completed and cut steps, acceptance ${a}`);
});

Deno.test("sw: strong coupling merges each equal-valued component into one cluster", async () => {
  // beta K = 40: every bond between equal neighbours opens (exp(-40) rounds below 2^-24), so a
  // uniform start stays uniform and takes value 0 or 1 with probability 1/2 each step.
  const model = isingModel({ size: 4, lambda: 20, mu: 0, sigma: 0, periodic: true });
  const chains = 400, d = model.numSites;
  const r = await runSampler(model, swSampler(), {
    chains,
    steps: 3,
    seed: 2,
    initialState: new Uint32Array(chains * d),
  }, null);
  let ones = 0;
  for (let ch = 0; ch < chains; ch++) {
    const s = r.finalStates.subarray(ch * d, (ch + 1) * d);
    assert(s.every((v) => v === s[0]), `chain ${ch} is one cluster`);
    ones += s[0];
  }
  // Binomial(400, 1/2): mean 200, sd 10.
  assert(Math.abs(ones - 200) < 45, `${ones} of 400 chains took value 1`);
  // Zero coupling: no bonds, so a step redraws every site independently (energy 0 throughout).
  const free = isingModel({ size: 4, lambda: 0, mu: 0, sigma: 0 });
  const f = await runSampler(free, swSampler(), { chains: 1, steps: 200, seed: 1 }, null);
  assert(f.hamming.some((h) => h > 0) && f.energies.every((e) => e === 0));
});

Deno.test("sw: WebGPU and the CPU twin give the same bits (fields, Potts C > 4, cut steps)", async () => {
  const gpu = await gpuOrSkip("sw bit identity on WebGPU");
  if (!gpu) return;
  const models = [
    isingModel({ size: 5, seed: 1 }),
    isingModel({ size: 6, mu: 0, sigma: 0, periodic: true }),
    pottsModel({ size: 4, numCategories: 6, seed: 2 }),
    pottsModel({ size: 5, numCategories: 3, mu: 0, sigma: 0, periodic: true }),
  ];
  // Per-chain inverse temperatures (tempering) and a budget that cuts some steps short.
  const chainBetas = Float32Array.from({ length: 21 }, (_, c) => 0.3 + 0.1 * c);
  for (const model of models) {
    for (const labelBudget of [6, 3]) {
      const o = { chains: 21, steps: 40, seed: 7, blockSteps: 16, chainBetas };
      const a = await runSampler(model, swSampler({ labelBudget }), o, gpu);
      const b = await runSampler(model, swSampler({ labelBudget }), o, null);
      assertSameRun(a, b, `sw budget ${labelBudget} on ${model.name}`);
    }
  }
});

Deno.test("sw: one-line errors for other families and antiferromagnetic couplings", () => {
  const opts = { chains: 2, steps: 2, seed: 1 };
  const bad = isingModel({ size: 3, lambda: -0.5 });
  assertThrows(
    () => runSampler(bad, swSampler(), opts, null),
    ConfigError,
    "sampler sw needs a ferromagnetic coupling: expected ising lambda >= 0, got -0.5",
  );
  assertThrows(
    () => runSampler(pottsModel({ size: 2, lambda: -1 }), swSampler(), opts, null),
    ConfigError,
    "potts lambda >= 0",
  );
  assertThrows(
    () => runSampler(bernoulliModel({ numSites: 4 }), swSampler(), opts, null),
    ConfigError,
    "sampler sw supports models ising, potts: got 'bernoulli'",
  );
  // The registry-derived configurations refuse the pair before anything runs.
  assertEquals(samplerModelProblem("sw", "ising"), null);
  assertEquals(samplerModelProblem("rwm", "fhmm"), null);
  assertThrows(
    () => parseConfig(SampleConfig, { model: { name: "fhmm" }, sampler: { name: "sw" } }, "flags"),
    ConfigError,
    "flags: sampler.name: sampler sw supports models ising, potts: got 'fhmm'",
  );
  assertThrows(
    () =>
      parseConfig(SolveConfig, {
        problem: { name: "maxcut" },
        graph: { kind: "erdos_renyi", nMin: 8, nMax: 8, p: 0.5 },
        sampler: { name: "sw" },
      }, "solve"),
    ConfigError,
    "sampler sw supports models ising, potts: got 'maxcut'",
  );
});

Deno.test("engine reference: the Hamming trace against the all-zero state counts up spins", async () => {
  const gpu = await gpuOrSkip("reference option on WebGPU");
  const model = isingModel({ size: 4, mu: 0, sigma: 0, lambda: 0.4 });
  const d = model.numSites, chains = 5;
  const reference = new Uint32Array(d);
  for (const device of gpu ? [null, gpu] : [null]) {
    const r = await runSampler(
      model,
      swSampler(),
      { chains, steps: 7, seed: 3, reference },
      device,
    );
    assertEquals(Array.from(r.reference), Array.from(reference));
    for (let c = 0; c < chains; c++) {
      const ups = r.finalStates.subarray(c * d, (c + 1) * d).reduce((s, v) => s + v, 0);
      assertEquals(r.hamming[6 * chains + c], ups, `${r.backend} chain ${c}`);
    }
  }
  assertThrows(
    () =>
      runSampler(
        model,
        swSampler(),
        { chains, steps: 2, seed: 1, reference: new Uint32Array(3) },
        null,
      ),
    Error,
    "reference must be a Uint32Array of 16 categories in [0, 2)",
  );
});
