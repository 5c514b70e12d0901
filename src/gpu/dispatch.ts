/**
 * Batched dispatch: many compute passes encoded into one command buffer and one submit, since
 * each CPU-GPU synchronisation costs ~10 ms on a software adapter.
 * @module
 */
import { assertAlive, type GpuContext } from "./device.ts";
import { GpuOperationError } from "./errors.ts";
import type { CompiledProgram } from "./pipeline_cache.ts";

/**
 * Creates bind groups for a compiled program from buffers listed in declaration order.
 * `buffers[g][b]` binds `@group(g) @binding(b)`.
 */
export function bindGroups(
  gpu: GpuContext,
  compiled: CompiledProgram,
  buffers: readonly (readonly GPUBuffer[])[],
): GPUBindGroup[] {
  const groups = compiled.program.groups;
  if (buffers.length !== groups.length) {
    throw new Error(
      `program '${compiled.program.label}' has ${groups.length} bind groups, got buffers for ${buffers.length}`,
    );
  }
  return buffers.map((list, g) => {
    if (list.length !== groups[g].length) {
      throw new Error(
        `program '${compiled.program.label}' group ${g} has ${
          groups[g].length
        } bindings, got ${list.length} buffers`,
      );
    }
    return gpu.device.createBindGroup({
      label: `${compiled.program.label}/g${g}`,
      layout: compiled.layouts[g],
      entries: list.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
  });
}

/** Records dispatches and submits them together. */
export class DispatchBatch {
  readonly #gpu: GpuContext;
  readonly #encoder: GPUCommandEncoder;
  #pass: GPUComputePassEncoder | null = null;
  #count = 0;

  constructor(gpu: GpuContext, label = "batch") {
    assertAlive(gpu);
    this.#gpu = gpu;
    this.#encoder = gpu.device.createCommandEncoder({ label });
  }

  /** Number of dispatches recorded so far. */
  get count(): number {
    return this.#count;
  }

  /**
   * Records one dispatch of `workgroups` workgroups (x dimension, split into y when above the
   * per-dimension limit; kernels then use `id.x + id.y * nwg.x * WG`).
   */
  dispatch(compiled: CompiledProgram, groups: readonly GPUBindGroup[], workgroups: number) {
    this.#pass ??= this.#encoder.beginComputePass();
    this.#pass.setPipeline(compiled.pipeline);
    groups.forEach((g, i) => this.#pass!.setBindGroup(i, g));
    const max = this.#gpu.device.limits.maxComputeWorkgroupsPerDimension;
    const x = Math.min(workgroups, max);
    this.#pass.dispatchWorkgroups(x, Math.ceil(workgroups / x));
    this.#count++;
  }

  /** Records a buffer copy (ends the current compute pass). */
  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number) {
    this.#endPass();
    this.#encoder.copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
  }

  #endPass() {
    if (this.#pass) {
      this.#pass.end();
      this.#pass = null;
    }
  }

  /** Submits everything recorded; validation errors become one-line errors. */
  async submit(): Promise<void> {
    this.#endPass();
    const { device } = this.#gpu;
    device.pushErrorScope("validation");
    device.pushErrorScope("out-of-memory");
    try {
      device.queue.submit([this.#encoder.finish()]);
    } catch (e) {
      // Keep the device's error-scope stack balanced for whoever submits next.
      await device.popErrorScope();
      await device.popErrorScope();
      throw new GpuOperationError("dispatch", (e as Error).message.split("\n")[0]);
    }
    const oom = await device.popErrorScope();
    const invalid = await device.popErrorScope();
    assertAlive(this.#gpu);
    const err = oom ?? invalid;
    if (err) throw new GpuOperationError("dispatch", err.message.split("\n")[0]);
  }
}

/** Waits until the queue has finished all submitted work (explicit synchronisation for timing). */
export async function synchronize(gpu: GpuContext): Promise<void> {
  await gpu.device.queue.onSubmittedWorkDone();
  assertAlive(gpu);
}
