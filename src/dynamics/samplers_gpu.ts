/**
 * The WebGPU runner of the continuous samplers: compiles the size-generic program of
 * `samplers_wgsl.ts` for a potential and sampler kind, uploads the chains (chain-minor), runs
 * burn-in and blocks of kept steps, and reads the draws back per block. Each chain adapts its own
 * step size by dual averaging, so no reduction across chains is needed and one dispatch runs
 * many steps (on llvmpipe as many as its loop budget allows).
 * @module
 */
import {
  assembleProgram,
  DispatchBatch,
  type GpuContext,
  GpuRunner,
  type Program,
  readBuffers,
  synchronize,
} from "../gpu/mod.ts";
import { hasLoopLimit, LLVMPIPE_LOOP_LIMIT } from "../gpu/limits.ts";
import { rngWgsl } from "../wgsl/mod.ts";
import { type DynamicsPotential, gradientLoopCost } from "./langevin.ts";
import {
  type ContinuousSampleResult,
  type ContinuousSamplerName,
  energyGrad,
  KIND,
  result,
  type Setup,
} from "./samplers_setup.ts";
import {
  SMP_BINDINGS,
  SMP_HELPERS,
  SMP_MAIN,
  SMP_PARAMS,
  SMP_SLOTS,
  SMP_STEPS,
} from "./samplers_wgsl.ts";
import { transposeInto } from "./work_layout.ts";

const WG = 64;

/** Estimated WGSL loop iterations of one sampler step of one chain (llvmpipe budget). */
export function samplerLoopsPerStep(
  p: DynamicsPotential,
  sampler: ContinuousSamplerName,
  leapfrogSteps: number,
): number {
  const d = p.dim, grad = gradientLoopCost(p) + d;
  const noise = Math.ceil(d / 4) * 18 + 1;
  const adapt = 8;
  if (sampler === "hmc") return noise + leapfrogSteps * (grad + 2 * d + 1) + 3 * d + adapt + 1;
  return noise + grad + 3 * d + adapt + 1;
}

/** Most steps one dispatch may run: unbounded without a loop limit, 0 when one step cannot fit. */
export function samplerChunk(
  gpu: GpuContext,
  p: DynamicsPotential,
  sampler: ContinuousSamplerName,
  leapfrogSteps: number,
): number {
  if (!hasLoopLimit(gpu)) return 0x7fffffff;
  const per = samplerLoopsPerStep(p, sampler, leapfrogSteps);
  return Math.max(0, Math.floor((0.9 * LLVMPIPE_LOOP_LIMIT - 4 * p.dim) / per));
}

/** Why the GPU cannot run this potential and sampler (null when it can). */
export function samplerGpuRefusal(
  gpu: GpuContext,
  p: DynamicsPotential,
  sampler: ContinuousSamplerName,
  leapfrogSteps: number,
): string | null {
  if (!/\bfn\s+model_grad_energy\s*\(/.test(p.wgsl.code)) {
    return `sampleContinuous: ${p.name} has no WGSL twin (model_grad_energy); use the CPU backend`;
  }
  if (samplerChunk(gpu, p, sampler, leapfrogSteps) < 1) {
    const per = samplerLoopsPerStep(p, sampler, leapfrogSteps);
    return `sampleContinuous: one ${sampler} step of ${p.name} needs about ${per} loop ` +
      `iterations per GPU invocation, over the software adapter's limit of ` +
      `${LLVMPIPE_LOOP_LIMIT}; use the CPU backend`;
  }
  return null;
}

/**
 * The sampler program of a potential, before compilation; its text depends on the potential's
 * WGSL and the sampler kind only, never on the dimension.
 */
export function samplerProgram(p: DynamicsPotential, sampler: ContinuousSamplerName): Program {
  return assembleProgram({
    label: `${p.wgsl.key}/${sampler}`,
    groups: [
      SMP_BINDINGS,
      ...(p.wgsl.params
        ? [[{ name: "model_params", kind: "read" as const, type: "array<f32>" }]]
        : []),
    ],
    constants: {
      WG: { type: "u32", value: WG },
      SAMPLER_KIND: { type: "u32", value: KIND[sampler] },
      POT_FIXED_DIM: { type: "u32", value: p.wgsl.fixedDim ?? 0 },
    },
    snippets: [SMP_PARAMS.wgsl(), rngWgsl(), SMP_HELPERS, p.wgsl.code, SMP_STEPS],
    body: SMP_MAIN,
    workgroupSize: WG,
  });
}

/** Runs every chain on WebGPU (the caller has checked {@link samplerGpuRefusal}). */
export async function gpuRun(
  p: DynamicsPotential,
  s: Setup,
  gpu: GpuContext,
  blockSteps: number,
): Promise<ContinuousSampleResult> {
  const { m, dim, burnIn } = s;
  const chunk = samplerChunk(gpu, p, s.kind, s.L);
  const compiled = await gpu.cache.get(gpu.device, samplerProgram(p, s.kind));
  // Initial U and grad U on the CPU (f32), shared with the CPU twin.
  const g = new Float32Array(m * dim), u = new Float32Array(m), da = new Float32Array(4 * m);
  for (let c = 0; c < m; c++) {
    u[c] = energyGrad(p, s.beta, s.x0.subarray(c * dim, c * dim + dim), g.subarray(c * dim));
    da[4 * c] = s.eps0;
  }
  const work = new Float32Array(SMP_SLOTS.count * dim * m);
  transposeInto(s.x0, m, dim, work, SMP_SLOTS.x * dim * m);
  transposeInto(g, m, dim, work, SMP_SLOTS.g * dim * m);
  const block = Math.max(1, Math.min(s.steps, blockSteps));
  // Every buffer belongs to the runner, released in the finally whatever fails.
  const runner = new GpuRunner(gpu, "continuous-sampler");
  try {
    const buf = {
      smp_work: runner.storage("smp_work", work),
      smp_u: runner.storage("smp_u", u),
      smp_da: runner.storage("smp_da", da),
      smp_acc: runner.storage("smp_acc", m * 4),
      smp_step: runner.storage("smp_step", m * 4),
      smp_out: runner.storage("smp_out", block * m * dim * 4),
      params: runner.uniform("params", SMP_PARAMS),
      ...(p.wgsl.params ? { model_params: runner.storage("model_params", p.wgsl.params) } : {}),
    };
    const groups = runner.bindGroups(compiled, buf);
    const workgroups = Math.ceil(m / WG);
    const values = {
      key_lo: s.key[0],
      key_hi: s.key[1],
      chains: m,
      burn_in: burnIn,
      block_end: 0,
      out0: 0,
      chunk: Math.min(chunk, 0x7fffffff),
      leapfrog: s.L,
      beta: s.beta,
      mu: s.mu,
      target_acc: s.target,
      adapt: s.adapt ? 1 : 0,
      dim,
    };
    const run = async (start: number, end: number) => {
      runner.writeUniform(buf.params, SMP_PARAMS, {
        ...values,
        block_end: end,
        out0: Math.max(start, burnIn),
      });
      const batch = new DispatchBatch(gpu, "continuous-sampler");
      const dispatches = Math.ceil((end - start) / Math.min(chunk, end - start));
      for (let k = 0; k < dispatches; k++) batch.dispatch(compiled, groups, workgroups);
      await batch.submit();
    };
    await synchronize(gpu);
    const t0 = performance.now();
    if (burnIn > 0) await run(0, burnIn);
    const samples = new Float32Array(s.steps * m * dim);
    for (let k0 = 0; k0 < s.steps; k0 += block) {
      const count = Math.min(block, s.steps - k0);
      await run(burnIn + k0, burnIn + k0 + count);
      const [data] = await readBuffers(gpu, [{
        buffer: buf.smp_out,
        byteLength: count * m * dim * 4,
      }]);
      samples.set(new Float32Array(data), k0 * m * dim);
    }
    const [accData, daData] = await readBuffers(gpu, [
      { buffer: buf.smp_acc, byteLength: m * 4 },
      { buffer: buf.smp_da, byteLength: 4 * m * 4 },
    ]);
    const seconds = (performance.now() - t0) / 1000;
    return result(
      s,
      "webgpu",
      samples,
      new Float32Array(accData),
      new Float32Array(daData),
      seconds,
    );
  } finally {
    runner.release();
  }
}
