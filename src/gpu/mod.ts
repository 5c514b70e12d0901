/**
 * The GPU runtime: device acquisition, backend choice, program assembly, pipeline cache,
 * buffers, batched dispatch and readback. The only code that touches `GPUDevice`.
 *
 * @example
 * ```ts
 * import { acquireGpu, assembleProgram, bindGroups, createStorage, DispatchBatch, readBuffer }
 *   from "./mod.ts";
 * const gpu = await acquireGpu();
 * if (gpu) {
 *   const program = assembleProgram({
 *     label: "double", workgroupSize: 64, snippets: [],
 *     groups: [[{ name: "data", kind: "storage", type: "array<f32>" }]],
 *     body: `fn main(@builtin(global_invocation_id) id: vec3<u32>) {
 *       if (id.x < arrayLength(&data)) { data[id.x] *= 2.0; } }`,
 *   });
 *   const compiled = await gpu.cache.get(gpu.device, program);
 *   const data = createStorage(gpu, new Float32Array([1, 2, 3, 4]), "data");
 *   const batch = new DispatchBatch(gpu);
 *   batch.dispatch(compiled, bindGroups(gpu, compiled, [[data]]), 1);
 *   await batch.submit();
 *   console.log(new Float32Array(await readBuffer(gpu, data, 16))); // 2 4 6 8
 * }
 * ```
 * @module
 */
export * from "./errors.ts";
export * from "./device.ts";
export * from "./program.ts";
export * from "./pipeline_cache.ts";
export * from "./buffers.ts";
export * from "./dispatch.ts";
export * from "./uniforms.ts";
export * from "./limits.ts";
export * from "./runner.ts";
