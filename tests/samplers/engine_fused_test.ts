import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { gpuOrSkip } from "../_gpu.ts";
import { bernoulliModel, isingModel } from "../../src/models/discrete/mod.ts";
import {
  blockGibbsSampler,
  defaultBlockSteps,
  dlmcSampler,
  dmalaSampler,
  FUSED_MAX_CHAINS,
  gwgSampler,
  pasSampler,
  type RunOptions,
  runSampler,
  rwmSampler,
} from "../../src/samplers/mod.ts";
import type { DiscreteModel } from "../../src/models/discrete/model.ts";
import type { DiscreteSampler } from "../../src/samplers/sampler.ts";
import type { GpuContext } from "../../src/gpu/mod.ts";
import { assertSameRun } from "./_exact.ts";

/** The fused and the per-step adapting programs must both replay the CPU twin bit for bit. */
async function fusedReplaysCpu(
  gpu: GpuContext,
  model: DiscreteModel,
  sampler: DiscreteSampler,
  opts: RunOptions,
) {
  const cpu = await runSampler(model, sampler, opts, null);
  for (const fuseAdaptation of [true, false]) {
    const r = await runSampler(model, sampler, { ...opts, fuseAdaptation }, gpu);
    assertSameRun(r, cpu, `${sampler.name} fused=${fuseAdaptation}`);
  }
  // The parameter really adapts, so the test covers the in-kernel update.
  assert(new Set(cpu.params).size > 1, `${sampler.name}: parameter never changed`);
}

Deno.test("engine: fused in-kernel adaptation replays the CPU twin for every adaptive sampler", async () => {
  const gpu = await gpuOrSkip("fused adaptation");
  if (!gpu) return;
  // 150 chains: more than the fused workgroup's 128 invocations, so invocations loop over
  // chains; blocks of 32 with a partial last block; adaptation always (DISCS).
  const model = isingModel({ size: 4, seed: 3 });
  const opts = { chains: 150, steps: 70, seed: 5, blockSteps: 32, adapt: "always" as const };
  for (
    const sampler of [
      rwmSampler(),
      gwgSampler(),
      pasSampler(),
      dmalaSampler(),
      dlmcSampler(),
      dlmcSampler({ solver: "euler_forward" }),
    ]
  ) {
    await fusedReplaysCpu(gpu, model, sampler, opts);
  }
});

Deno.test("engine: fused adaptation freezes after burn-in and splits under the loop limit", async () => {
  const gpu = await gpuOrSkip("fused adaptation, burn-in and loop limit");
  if (!gpu) return;
  // Burn-in adaptation: adapting blocks stop at step 40, then multi-step blocks follow.
  await fusedReplaysCpu(gpu, isingModel({ size: 3, seed: 1 }), rwmSampler(), {
    chains: 40,
    steps: 80,
    seed: 2,
    blockSteps: 25,
  });
  // RWM on D = 2000 declares ~4,000 loop iterations per step, so on llvmpipe one fused
  // dispatch holds only a few steps: the block is split across several dispatches.
  await fusedReplaysCpu(gpu, bernoulliModel({ numSites: 2000, sigma: 1, seed: 4 }), rwmSampler(), {
    chains: 20,
    steps: 60,
    seed: 8,
    blockSteps: 60,
    adapt: "always",
  });
});

Deno.test("engine: fused adaptation refuses more chains than one workgroup loops over", async () => {
  const gpu = await gpuOrSkip("fused adaptation chain limit");
  if (!gpu) return;
  const model = bernoulliModel({ numSites: 4, seed: 1 });
  await assertRejects(
    () =>
      runSampler(model, rwmSampler(), {
        chains: FUSED_MAX_CHAINS + 1,
        steps: 2,
        seed: 1,
        fuseAdaptation: true,
      }, gpu),
    /fuseAdaptation runs at most 1024 chains, got 1025/,
  );
});

Deno.test("engine: default block length follows the work per step", () => {
  const ising = isingModel({ size: 50 });
  // Block Gibbs: 20 loop iterations x 100 chains per step -> capped at 8192 steps per block.
  assertEquals(defaultBlockSteps(ising, blockGibbsSampler(), 100), 8192);
  // GWG: 6 D C = 30,000 iterations x 100 chains -> floor at 64.
  assertEquals(defaultBlockSteps(ising, gwgSampler(), 100), 64);
  // DMALA on 12x12: 720 x 100 = 72,000 -> 2^24 / 72,000 = 233 -> 128 (a power of two).
  assertEquals(defaultBlockSteps(isingModel({ size: 12 }), dmalaSampler(), 100), 128);
  // More chains, shorter blocks: the trace buffer stays bounded.
  assertEquals(defaultBlockSteps(ising, blockGibbsSampler(), 4096), 128);
});
