/**
 * Buffer helpers: storage and uniform buffers, and explicit batched readback.
 * @module
 */
import { assertAlive, type GpuContext } from "./device.ts";
import { GpuOperationError } from "./errors.ts";

/** Typed arrays that can be uploaded as buffer contents. */
export type BufferData = Float32Array | Uint32Array | Int32Array | Uint8Array;

const STORAGE = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

function padded(byteLength: number): number {
  return Math.max(16, Math.ceil(byteLength / 16) * 16);
}

/**
 * Creates a storage buffer filled with `data`, or zeroed with `data` bytes when given a size.
 *
 * @example
 * ```ts
 * import { acquireGpu } from "./device.ts";
 * import { createStorage, readBuffer } from "./buffers.ts";
 * const gpu = await acquireGpu();
 * if (gpu) {
 *   const buf = createStorage(gpu, new Float32Array([1, 2, 3]), "xs");
 *   console.log(new Float32Array(await readBuffer(gpu, buf, 12)));
 * }
 * ```
 */
export function createStorage(
  gpu: GpuContext,
  data: BufferData | number,
  label: string,
): GPUBuffer {
  assertAlive(gpu);
  const bytes = typeof data === "number" ? data : data.byteLength;
  const buffer = gpu.device.createBuffer({ label, size: padded(bytes), usage: STORAGE });
  if (typeof data !== "number" && data.byteLength > 0) writeBuffer(gpu, buffer, data);
  return buffer;
}

/** Creates a uniform buffer of `byteLength` bytes (rounded up to 16). */
export function createUniform(gpu: GpuContext, byteLength: number, label: string): GPUBuffer {
  assertAlive(gpu);
  return gpu.device.createBuffer({
    label,
    size: padded(byteLength),
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
}

/** Queues a write of `data` at `offset`; it lands before the next submit. */
export function writeBuffer(gpu: GpuContext, buffer: GPUBuffer, data: BufferData, offset = 0) {
  assertAlive(gpu);
  // writeBuffer needs a multiple of 4 bytes; u8 data is padded with zeros.
  if (data.byteLength % 4 !== 0) {
    const tmp = new Uint8Array(Math.ceil(data.byteLength / 4) * 4);
    tmp.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    gpu.device.queue.writeBuffer(buffer, offset, tmp);
    return;
  }
  gpu.device.queue.writeBuffer(buffer, offset, data.buffer, data.byteOffset, data.byteLength);
}

/** One region to read back. */
export interface ReadRequest {
  buffer: GPUBuffer;
  byteLength: number;
  offset?: number;
}

/**
 * Copies several buffer regions into staging buffers in one submit and maps them together:
 * one round trip (~10 ms on a software adapter) however many regions.
 */
export async function readBuffers(
  gpu: GpuContext,
  requests: ReadRequest[],
): Promise<ArrayBuffer[]> {
  assertAlive(gpu);
  const { device } = gpu;
  const encoder = device.createCommandEncoder({ label: "readback" });
  const staging = requests.map((r) => {
    const size = padded(r.byteLength);
    const s = device.createBuffer({
      label: "staging",
      size,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    encoder.copyBufferToBuffer(r.buffer, r.offset ?? 0, s, 0, Math.ceil(r.byteLength / 4) * 4);
    return s;
  });
  device.pushErrorScope("validation");
  device.queue.submit([encoder.finish()]);
  const err = await device.popErrorScope();
  if (err) throw new GpuOperationError("readback", err.message.split("\n")[0]);
  try {
    await Promise.all(staging.map((s) => s.mapAsync(GPUMapMode.READ)));
  } catch (e) {
    assertAlive(gpu);
    throw new GpuOperationError("readback", (e as Error).message.split("\n")[0]);
  }
  return staging.map((s, i) => {
    const copy = s.getMappedRange(0, padded(requests[i].byteLength)).slice(
      0,
      requests[i].byteLength,
    );
    s.unmap();
    s.destroy();
    return copy;
  });
}

/** Reads back one buffer region. */
export async function readBuffer(
  gpu: GpuContext,
  buffer: GPUBuffer,
  byteLength: number,
  offset = 0,
): Promise<ArrayBuffer> {
  const [out] = await readBuffers(gpu, [{ buffer, byteLength, offset }]);
  return out;
}
