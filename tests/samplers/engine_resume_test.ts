/**
 * Resuming from a block checkpoint: the blocks after it give exactly the bits of the
 * uninterrupted run (traces, acceptance, final states), on both twins and across them, also
 * while the shared parameter is still adapting.
 */
import { assertEquals, assertThrows } from "../_assert.ts";
import { gpuOrSkip } from "../_gpu.ts";
import { isingModel, pottsModel } from "../../src/models/discrete/mod.ts";
import type { DiscreteModel } from "../../src/models/discrete/model.ts";
import {
  type BlockTrace,
  type EngineCheckpoint,
  type RunOptions,
  runSampler,
} from "../../src/samplers/engine.ts";
import type { DiscreteSampler } from "../../src/samplers/sampler.ts";
import { dmalaSampler } from "../../src/samplers/dmala.ts";
import { rwmSampler } from "../../src/samplers/rwm.ts";
import { gwgSampler } from "../../src/samplers/gwg.ts";
import type { GpuContext } from "../../src/gpu/mod.ts";

/** Runs and keeps every block (copied: GPU blocks are views of a reused buffer). */
async function blocks(
  model: DiscreteModel,
  sampler: DiscreteSampler,
  opts: RunOptions,
  gpu: GpuContext | null,
) {
  const seen: BlockTrace[] = [];
  const result = await runSampler(model, sampler, {
    ...opts,
    checkpoints: true,
    onBlock: (b) => {
      seen.push({
        ...b,
        energies: b.energies.slice(),
        hamming: b.hamming.slice(),
        params: b.params.slice(),
      });
    },
  }, gpu);
  return { result, seen };
}

function sameBlocks(a: BlockTrace[], b: BlockTrace[], what: string): void {
  assertEquals(a.length, b.length, `${what}: blocks`);
  for (let k = 0; k < a.length; k++) {
    assertEquals(a[k].start, b[k].start, `${what}: block ${k} start`);
    assertEquals([...a[k].energies], [...b[k].energies], `${what}: block ${k} energies`);
    assertEquals([...a[k].hamming], [...b[k].hamming], `${what}: block ${k} hamming`);
    assertEquals([...a[k].params], [...b[k].params], `${what}: block ${k} params`);
    assertEquals([...a[k].acceptSum], [...b[k].acceptSum], `${what}: block ${k} acceptance`);
  }
}

const CASES: [DiscreteModel, DiscreteSampler, RunOptions][] = [
  // Adaptation runs through the first blocks (burn-in 0.5 of 48 steps, blocks of 8).
  [isingModel({ size: 4, seed: 3 }), rwmSampler(), { chains: 6, steps: 48, seed: 4 }],
  [isingModel({ size: 3, seed: 1 }), dmalaSampler(), { chains: 5, steps: 48, seed: 8 }],
  [pottsModel({ size: 3, numCategories: 3, seed: 2 }), gwgSampler(), {
    chains: 4,
    steps: 40,
    seed: 2,
    adapt: "always",
  }],
];

for (const [model, sampler, base] of CASES) {
  const opts = { ...base, blockSteps: 8 };
  const what = `${model.name} x ${sampler.name}`;
  Deno.test(`resume: ${what} continues bit for bit from every block (CPU twin and WebGPU)`, async () => {
    const gpu = await gpuOrSkip(`${what} resume on WebGPU`);
    for (const backend of gpu ? [null, gpu] : [null]) {
      const full = await blocks(model, sampler, opts, backend);
      for (const cut of [1, 3]) {
        const from = full.seen[cut - 1].checkpoint as EngineCheckpoint;
        const rest = await blocks(model, sampler, { ...opts, resumeFrom: from }, backend);
        const label = `${what} on ${backend ? "webgpu" : "cpu"} from block ${cut}`;
        sameBlocks(rest.seen, full.seen.slice(cut), label);
        assertEquals([...rest.result.acceptance], [...full.result.acceptance], label);
        assertEquals([...rest.result.finalStates], [...full.result.finalStates], label);
      }
      if (backend) {
        // A checkpoint of one twin resumes on the other with the same bits.
        const cpu = await blocks(model, sampler, opts, null);
        const from = cpu.seen[2].checkpoint as EngineCheckpoint;
        const rest = await blocks(model, sampler, { ...opts, resumeFrom: from }, backend);
        sameBlocks(rest.seen, full.seen.slice(3), `${what}: cpu checkpoint on webgpu`);
      }
    }
  });
}

Deno.test("resume: a checkpoint that does not fit the run is refused with a reason", () => {
  const model = isingModel({ size: 3, seed: 1 });
  const states = new Uint32Array(2 * 9);
  const good = { step: 8, states, param: 1, acceptTotal: new Float64Array(2) };
  const opts = { chains: 2, steps: 32, seed: 1, blockSteps: 8 };
  const run = (r: EngineCheckpoint, extra: Partial<RunOptions> = {}) =>
    runSampler(model, rwmSampler(), { ...opts, ...extra, resumeFrom: r }, null);
  assertThrows(() => run({ ...good, states: new Uint32Array(3) }), Error, "chains x sites = 18");
  assertThrows(() => run({ ...good, acceptTotal: new Float64Array(1) }), Error, "acceptTotal");
  assertThrows(() => run({ ...good, step: 40 }), Error, "[0, 32]");
  assertThrows(() => run(good, { initialState: states }), Error, "either initialState");
  return run({ ...good, step: 5 }).then(
    () => {
      throw new Error("a step inside a block was accepted");
    },
    (e: Error) => assertEquals(e.message.includes("not a block boundary"), true),
  );
});
