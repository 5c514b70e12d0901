/**
 * Chain offsets: a run of chains [a, b) with `chainOffset: a` gives exactly the columns a..b-1 of
 * the full run (traces, acceptance, final states) when nothing couples the chains, on both
 * twins; coupled samplers are refused.
 */
import { assertEquals, assertThrows } from "../_assert.ts";
import { gpuOrSkip } from "../_gpu.ts";
import { isingModel, pottsModel } from "../../src/models/discrete/mod.ts";
import { runSampler } from "../../src/samplers/engine.ts";
import { dmalaSampler } from "../../src/samplers/dmala.ts";
import { gwgSampler } from "../../src/samplers/gwg.ts";
import { ptSampler } from "../../src/samplers/pt.ts";
import type { DiscreteModel } from "../../src/models/discrete/model.ts";
import type { DiscreteSampler } from "../../src/samplers/sampler.ts";
import type { GpuContext } from "../../src/gpu/mod.ts";

/** Columns [a, b) of a step-major [steps, chains] trace. */
function columns(t: Float32Array, chains: number, a: number, b: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < t.length / chains; s++) {
    for (let c = a; c < b; c++) out.push(t[s * chains + c]);
  }
  return out;
}

async function checkSplit(
  model: DiscreteModel,
  sampler: DiscreteSampler,
  gpu: GpuContext | null,
): Promise<void> {
  const opts = { chains: 7, steps: 40, seed: 11, adapt: "off" as const, blockSteps: 16 };
  const full = await runSampler(model, sampler, opts, gpu);
  const d = model.numSites;
  for (const [a, b] of [[0, 3], [3, 7], [5, 6]]) {
    const part = await runSampler(model, sampler, { ...opts, chains: b - a, chainOffset: a }, gpu);
    const what = `${model.name} x ${sampler.name} chains ${a}-${b} on ${gpu ? "webgpu" : "cpu"}`;
    assertEquals([...part.energies], columns(full.energies, 7, a, b), `${what}: energies`);
    assertEquals([...part.hamming], columns(full.hamming, 7, a, b), `${what}: hamming`);
    assertEquals([...part.acceptance], [...full.acceptance.subarray(a, b)], `${what}: acceptance`);
    assertEquals([...part.finalStates], [...full.finalStates.subarray(a * d, b * d)], what);
  }
}

Deno.test("chain offset: chain ranges reproduce the full run's columns (CPU twin and WebGPU)", async () => {
  const gpu = await gpuOrSkip("chain offset on WebGPU");
  const cases: [DiscreteModel, DiscreteSampler][] = [
    [isingModel({ size: 4, seed: 2 }), dmalaSampler()],
    [pottsModel({ size: 3, numCategories: 3, seed: 1 }), gwgSampler()],
  ];
  for (const [model, sampler] of cases) {
    await checkSplit(model, sampler, null);
    if (gpu) await checkSplit(model, sampler, gpu);
  }
});

Deno.test("chain offset: coupled samplers and bad offsets are refused", () => {
  const model = isingModel({ size: 3, seed: 1 });
  const o = { chains: 4, steps: 4, seed: 1 };
  assertThrows(
    () =>
      runSampler(model, ptSampler(gwgSampler(), { replicas: 2 }), {
        ...o,
        chainOffset: 4,
      }, null),
    Error,
    "couples its chains",
  );
  assertThrows(
    () => runSampler(model, gwgSampler(), { ...o, chainOffset: -1 }, null),
    Error,
    "chainOffset",
  );
  assertThrows(
    () => runSampler(model, gwgSampler(), { ...o, chainOffset: 0.5 }, null),
    Error,
    "chainOffset",
  );
});
