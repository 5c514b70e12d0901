/**
 * A pipeline cache keyed by the generated WGSL source: one source compiles once per device.
 * @module
 */
import { GpuCompileError } from "./errors.ts";
import { layoutEntries, type Program } from "./program.ts";

/** A compiled program: pipeline and the layouts its bind groups must use. */
export interface CompiledProgram {
  readonly program: Program;
  readonly pipeline: GPUComputePipeline;
  readonly layouts: readonly GPUBindGroupLayout[];
}

/** Caches compiled pipelines by source text and counts compilations (tests read the counts). */
export class PipelineCache {
  #entries = new Map<string, Promise<CompiledProgram>>();
  /** Number of distinct sources compiled so far. */
  compiles = 0;
  /** Number of lookups served from the cache. */
  hits = 0;

  /** Number of cached programs. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Returns the compiled pipeline for a program, compiling it on first use. Compilation errors
   * become a {@link GpuCompileError} with the first compiler message and its line.
   */
  get(device: GPUDevice, program: Program): Promise<CompiledProgram> {
    const cached = this.#entries.get(program.code);
    if (cached) {
      this.hits++;
      return cached;
    }
    this.compiles++;
    const pending = compile(device, program);
    this.#entries.set(program.code, pending);
    pending.catch(() => this.#entries.delete(program.code));
    return pending;
  }
}

async function compile(device: GPUDevice, program: Program): Promise<CompiledProgram> {
  device.pushErrorScope("validation");
  const module = device.createShaderModule({ label: program.label, code: program.code });
  const info = await module.getCompilationInfo();
  const firstError = info.messages.find((m) => m.type === "error");
  if (firstError) {
    await device.popErrorScope();
    throw new GpuCompileError(
      program.label,
      `line ${firstError.lineNum}: ${firstError.message.split("\n")[0]}`,
    );
  }
  const layouts = program.groups.map((g, i) =>
    device.createBindGroupLayout({ label: `${program.label}/g${i}`, entries: layoutEntries(g) })
  );
  let pipeline: GPUComputePipeline;
  try {
    pipeline = await device.createComputePipelineAsync({
      label: program.label,
      layout: device.createPipelineLayout({ bindGroupLayouts: layouts }),
      compute: { module, entryPoint: "main" },
    });
  } catch (e) {
    await device.popErrorScope();
    throw new GpuCompileError(program.label, (e as Error).message.split("\n")[0]);
  }
  const err = await device.popErrorScope();
  if (err) throw new GpuCompileError(program.label, err.message.split("\n")[0]);
  return { program, pipeline, layouts };
}
