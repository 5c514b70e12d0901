/**
 * The typed GPU runner: one owner for every buffer of a run (created through it, released
 * together in `release()`, which callers put in a `finally` right after creating the runner),
 * bind groups by binding name (checked against the program's declarations), and uniform blocks
 * packed from their {@link UniformLayout}. A process-wide count of live buffers lets tests check
 * that a failed dispatch or submit releases everything.
 * @module
 */
import { type BufferData, createStorage, createUniform, writeBuffer } from "./buffers.ts";
import type { GpuContext } from "./device.ts";
import type { CompiledProgram } from "./pipeline_cache.ts";
import type { UniformLayout } from "./uniforms.ts";

let live = 0;

/**
 * Owns the buffers of one GPU run.
 *
 * @example
 * ```ts
 * import { acquireGpu, assembleProgram, DispatchBatch, GpuRunner } from "./mod.ts";
 * const gpu = await acquireGpu();
 * if (gpu) {
 *   const compiled = await gpu.cache.get(gpu.device, assembleProgram({
 *     label: "double", workgroupSize: 64, snippets: [],
 *     groups: [[{ name: "data", kind: "storage", type: "array<f32>" }]],
 *     body: "fn main(@builtin(global_invocation_id) id: vec3<u32>) { data[id.x] *= 2.0; }",
 *   }));
 *   const runner = new GpuRunner(gpu, "double");
 *   try {
 *     const data = runner.storage("data", new Float32Array([1, 2, 3, 4]));
 *     const batch = new DispatchBatch(gpu);
 *     batch.dispatch(compiled, runner.bindGroups(compiled, { data }), 1);
 *     await batch.submit();
 *   } finally {
 *     runner.release();
 *   }
 * }
 * ```
 */
export class GpuRunner {
  readonly gpu: GpuContext;
  readonly label: string;
  readonly #owned: GPUBuffer[] = [];

  constructor(gpu: GpuContext, label: string) {
    this.gpu = gpu;
    this.label = label;
  }

  /** Buffers created through any runner and not yet released (tests read it). */
  static get liveBuffers(): number {
    return live;
  }

  #own(b: GPUBuffer): GPUBuffer {
    this.#owned.push(b);
    live++;
    return b;
  }

  /** A storage buffer holding `data`, or zeroed with `data` bytes (at least 16). */
  storage(name: string, data: BufferData | number): GPUBuffer {
    return this.#own(createStorage(this.gpu, data, `${this.label}/${name}`));
  }

  /** A uniform buffer for `layout`, optionally filled with `values`. */
  uniform(name: string, layout: UniformLayout, values?: Record<string, number>): GPUBuffer {
    const b = this.#own(createUniform(this.gpu, layout.byteLength, `${this.label}/${name}`));
    if (values) writeBuffer(this.gpu, b, layout.pack(values));
    return b;
  }

  /** A uniform buffer of `byteLength` bytes for a hand-packed struct (prefer {@link uniform}). */
  uniformBytes(name: string, byteLength: number): GPUBuffer {
    return this.#own(createUniform(this.gpu, byteLength, `${this.label}/${name}`));
  }

  /** Writes `values` packed by `layout` into a uniform buffer (lands before the next submit). */
  writeUniform(buffer: GPUBuffer, layout: UniformLayout, values: Record<string, number>): void {
    writeBuffer(this.gpu, buffer, layout.pack(values));
  }

  /**
   * Bind groups of a compiled program from buffers named like its bindings; a missing buffer
   * is an error naming it (extra names are allowed: one map serves several programs).
   */
  bindGroups(compiled: CompiledProgram, buffers: Readonly<Record<string, GPUBuffer>>) {
    return compiled.program.groups.map((group, g) =>
      this.gpu.device.createBindGroup({
        label: `${compiled.program.label}/g${g}`,
        layout: compiled.layouts[g],
        entries: group.map((decl, binding) => {
          const buffer = buffers[decl.name];
          if (!buffer) {
            throw new Error(`program '${compiled.program.label}' binds '${decl.name}': no buffer`);
          }
          return { binding, resource: { buffer } };
        }),
      })
    );
  }

  /** Destroys every buffer this runner created; safe to call more than once. */
  release(): void {
    for (const b of this.#owned.splice(0)) {
      b.destroy();
      live--;
    }
  }
}
