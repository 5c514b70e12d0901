/**
 * Engine anatomy: warm starts from given states, blocks streamed through `onBlock` (bounded
 * memory), per-block f32 acceptance sums combined in f64, on both twins, bit for bit.
 */
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { gpuOrSkip } from "../_gpu.ts";
import { bernoulliModel, isingModel, pottsModel } from "../../src/models/discrete/mod.ts";
import { type BlockTrace, planBlocks, runSampler } from "../../src/samplers/engine.ts";
import { blockGibbsSampler } from "../../src/samplers/block_gibbs.ts";
import { dmalaSampler } from "../../src/samplers/dmala.ts";
import { rwmSampler } from "../../src/samplers/rwm.ts";
import { philox4x32Words, seedToKey } from "../../src/random/philox.ts";
import { assertSameRun } from "./_exact.ts";

const ising = isingModel({ size: 4, seed: 3 });

/** The engine's default initial states: site i of chain ch is Philox word (i, ~0, ch, ...) % C. */
function defaultStates(chains: number, d: number, c: number, seed: number): Uint32Array {
  const key = seedToKey(seed), w = new Uint32Array(4), x = new Uint32Array(chains * d);
  for (let ch = 0; ch < chains; ch++) {
    for (let i = 0; i < d; i++) {
      x[ch * d + i] = philox4x32Words(i, 0xffffffff, ch, 0xfffffff0, key[0], key[1], w)[0] % c;
    }
  }
  return x;
}

Deno.test("warm start: the default states given explicitly replay the default run (CPU twin)", async () => {
  const opts = { chains: 3, steps: 20, seed: 5, blockSteps: 8 };
  const plain = await runSampler(ising, rwmSampler(), opts, null);
  const initialState = defaultStates(3, ising.numSites, 2, 5);
  const warm = await runSampler(ising, rwmSampler(), { ...opts, initialState }, null);
  assertSameRun(plain, warm, "given default states");
  // Other states give another run, and the input is not modified.
  const ones = new Uint32Array(3 * ising.numSites).fill(1);
  const other = await runSampler(ising, rwmSampler(), { ...opts, initialState: ones }, null);
  assert(other.energies[0] !== plain.energies[0] || other.hamming[0] !== plain.hamming[0]);
  assert(ones.every((v) => v === 1));
});

Deno.test("warm start: WebGPU and the CPU twin give the same bits from given states", async () => {
  const gpu = await gpuOrSkip("warm start identity");
  if (!gpu) return;
  const potts = pottsModel({ size: 3, numCategories: 3, seed: 1 });
  for (const [model, sampler] of [[ising, dmalaSampler()], [potts, rwmSampler()]] as const) {
    const chains = 5, d = model.numSites;
    const initialState = Uint32Array.from(
      { length: chains * d },
      (_, k) => (k * 7) % 3 % model.numCategories,
    );
    const opts = { chains, steps: 24, seed: 9, blockSteps: 16, initialState };
    const cpu = await runSampler(model, sampler, opts, null);
    const web = await runSampler(model, sampler, opts, gpu);
    assertSameRun(web, cpu, `${model.name} x ${sampler.name} warm`);
  }
});

Deno.test("warm start: bad initial states are refused with a reason", () => {
  const opts = { chains: 2, steps: 4, seed: 1 };
  assertThrows(
    () => runSampler(ising, rwmSampler(), { ...opts, initialState: new Uint32Array(5) }, null),
    /chains x sites = 32/,
  );
  const bad = new Uint32Array(32);
  bad[7] = 2;
  assertThrows(
    () => runSampler(ising, rwmSampler(), { ...opts, initialState: bad }, null),
    /initialState\[7\] is 2/,
  );
});

/** Runs with onBlock and returns the blocks and the result. */
async function streamed(
  gpu: Parameters<typeof runSampler>[3],
  opts: Parameters<typeof runSampler>[2],
) {
  const blocks: BlockTrace[] = [];
  const result = await runSampler(ising, dmalaSampler(), {
    ...opts,
    onBlock: (b) => {
      blocks.push(b);
    },
  }, gpu);
  return { blocks, result };
}

Deno.test("streaming: blocks arrive in order and concatenate to the kept traces (both twins)", async () => {
  const gpu = await gpuOrSkip("streamed blocks");
  const opts = { chains: 4, steps: 40, seed: 2, blockSteps: 16, adapt: "always" as const };
  const full = await runSampler(ising, dmalaSampler(), opts, null);
  for (const device of gpu ? [null, gpu] : [null]) {
    const { blocks, result } = await streamed(device, opts);
    const what = device ? "webgpu" : "cpu";
    assertEquals(blocks.map((b) => [b.start, b.length]), [[0, 16], [16, 16], [32, 8]], what);
    // Streamed runs keep no traces; the blocks hold them.
    assertEquals([result.energies.length, result.hamming.length, result.params.length], [0, 0, 0]);
    const cat = (pick: (b: BlockTrace) => Float32Array) =>
      blocks.flatMap((b) => Array.from(pick(b)));
    assertEquals(cat((b) => b.energies), Array.from(full.energies), `${what}: energies`);
    assertEquals(cat((b) => b.hamming), Array.from(full.hamming), `${what}: hamming`);
    assertEquals(cat((b) => b.params), Array.from(full.params), `${what}: params`);
    assertEquals(Array.from(result.finalStates), Array.from(full.finalStates), what);
    // Acceptance: per-block f32 sums over post-burn-in steps, combined in f64.
    const kept = 40 - 20;
    const combined = Array.from(
      { length: 4 },
      (_, ch) => blocks.reduce((s, b) => s + b.acceptSum[ch], 0) / kept,
    );
    assertEquals(Array.from(result.acceptance), combined, `${what}: acceptance`);
    assertEquals(Array.from(full.acceptance), combined, `${what}: acceptance of the kept run`);
    // Blocks before burn-in end contribute nothing.
    assert(blocks[0].acceptSum.every((a) => a === 0), `${what}: burn-in block sums`);
  }
});

Deno.test("streaming: a throw in onBlock stops the run after the finished blocks", async () => {
  let seen = 0;
  const run = runSampler(ising, rwmSampler(), {
    chains: 2,
    steps: 64,
    seed: 1,
    blockSteps: 8,
    onBlock: () => {
      if (++seen === 3) throw new Error("stop here");
    },
  }, null);
  let message = "";
  await run.catch((e) => (message = (e as Error).message));
  assertEquals([message, seen], ["stop here", 3]);
});

Deno.test("streaming: a long run with onBlock keeps resident traces bounded", async () => {
  // 100,000 steps x 16 chains: kept traces would hold 2 x 6.4 MB of energies and Hamming
  // statistics plus 0.4 MB of parameters; streamed, each block is dropped after the callback.
  const model = bernoulliModel({ numSites: 4, seed: 1 });
  const steps = 100_000, chains = 16, blockSteps = 1024;
  let rows = 0, biggest = 0;
  const result = await runSampler(model, blockGibbsSampler({ blockSize: 1 }), {
    chains,
    steps,
    seed: 3,
    blockSteps,
    onBlock: (b) => {
      rows += b.length;
      biggest = Math.max(
        biggest,
        b.energies.byteLength + b.hamming.byteLength + b.params.byteLength,
      );
    },
  }, null);
  assertEquals(rows, steps);
  assertEquals(planBlocks(steps, blockSteps, 0).length, Math.ceil(steps / blockSteps));
  // Retained by the result: no traces at all; the largest block in flight is one block.
  const retained = result.energies.byteLength + result.hamming.byteLength +
    result.params.byteLength;
  assertEquals(retained, 0);
  assertEquals(biggest, blockSteps * chains * 8 + blockSteps * 4);
});

Deno.test("tempering: a chain's beta factor equals running it at the product temperature", async () => {
  const gpu = await gpuOrSkip("per-chain inverse temperature");
  const f = Math.fround;
  for (const device of gpu ? [null, gpu] : [null]) {
    for (const sampler of [dmalaSampler(), blockGibbsSampler()]) {
      const opts = { chains: 1, steps: 24, seed: 6, blockSteps: 8, beta: 0.75 };
      const tempered = await runSampler(ising, sampler, {
        ...opts,
        chainBetas: Float32Array.of(0.4),
      }, device);
      const product = await runSampler(ising, sampler, { ...opts, beta: f(0.75 * 0.4) }, device);
      assertSameRun(tempered, product, `${sampler.name} ${device ? "webgpu" : "cpu"}`);
    }
  }
});

Deno.test("tempering: WebGPU and the CPU twin agree with per-chain betas; bad factors refused", async () => {
  const opts = { chains: 4, steps: 32, seed: 8, blockSteps: 16, adapt: "always" as const };
  const chainBetas = Float32Array.of(1, 0.5, 0.25, 2);
  assertThrows(
    () => runSampler(ising, rwmSampler(), { ...opts, chainBetas: Float32Array.of(1, 2) }, null),
    /one per chain/,
  );
  assertThrows(
    () =>
      runSampler(ising, rwmSampler(), { ...opts, chainBetas: Float32Array.of(1, NaN, 1, 1) }, null),
    /chainBetas\[1\] is NaN/,
  );
  const gpu = await gpuOrSkip("per-chain inverse temperature identity");
  if (!gpu) return;
  for (const sampler of [dmalaSampler(), rwmSampler()]) {
    const cpu = await runSampler(ising, sampler, { ...opts, chainBetas }, null);
    const web = await runSampler(ising, sampler, { ...opts, chainBetas }, gpu);
    assertSameRun(web, cpu, `${sampler.name} tempered`);
  }
});
