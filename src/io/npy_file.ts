/**
 * `.npy` files on disk: atomic whole-array writes, whole-array reads, and row-range reads that
 * never load more than the rows asked for (for traces that do not fit in memory).
 * @module
 */

import { writeFileAtomic } from "./atomic.ts";
import {
  checkNdArray,
  decodeNpy,
  decodeNpyHeader,
  type DecodeNpyOptions,
  encodeNpyHeader,
  formatShape,
  type NdArray,
  NPY_ITEM_SIZE,
  type NpyHeader,
  shapeSize,
  typedBytes,
  typedFromBytes,
} from "./npy.ts";

/** Prefixes a one-line error with the file it came from. */
function withPath<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
}

/**
 * Writes an array as a `.npy` file atomically (the old file stays intact if this fails).
 *
 * @example
 * ```ts
 * import { writeNpyFile } from "./npy_file.ts";
 * const dir = await Deno.makeTempDir();
 * await writeNpyFile(`${dir}/x.npy`, { dtype: "f64", shape: [2], data: new Float64Array([1, 2]) });
 * ```
 */
export async function writeNpyFile(path: string, arr: NdArray): Promise<void> {
  checkNdArray(arr);
  await writeFileAtomic(path, [encodeNpyHeader(arr.dtype, arr.shape), typedBytes(arr.data)]);
}

/**
 * Reads a whole `.npy` file. Pass `{ allowTrailing: true }` to read the flushed rows of a
 * partially written appender file (see {@linkcode NpyAppender}).
 *
 * @example
 * ```ts
 * import { readNpyFile, writeNpyFile } from "./npy_file.ts";
 * const dir = await Deno.makeTempDir();
 * await writeNpyFile(`${dir}/x.npy`, { dtype: "f64", shape: [2], data: new Float64Array([1, 2]) });
 * const a = await readNpyFile(`${dir}/x.npy`);
 * console.log(a.shape, a.data); // [2] Float64Array [1, 2]
 * ```
 */
export async function readNpyFile(path: string, options: DecodeNpyOptions = {}): Promise<NdArray> {
  const bytes = await Deno.readFile(path);
  return withPath(path, () => decodeNpy(bytes, options));
}

async function readFully(file: Deno.FsFile, out: Uint8Array): Promise<number> {
  let off = 0;
  while (off < out.length) {
    const n = await file.read(out.subarray(off));
    if (n === null) break;
    off += n;
  }
  return off;
}

/** Reads and parses only the header of a `.npy` file. */
export async function readNpyFileHeader(path: string): Promise<NpyHeader> {
  using file = await Deno.open(path, { read: true });
  return await readHeaderFrom(file, path);
}

/** Parses the header of an open file (position afterwards is unspecified). */
export async function readHeaderFrom(file: Deno.FsFile, path: string): Promise<NpyHeader> {
  await file.seek(0, Deno.SeekMode.Start);
  const head = new Uint8Array(12);
  const got = await readFully(file, head);
  const first = withPath(path, () => {
    // Parse just the length field first, then read the whole header.
    try {
      return decodeNpyHeader(head.subarray(0, got));
    } catch (e) {
      if ((e as Error).message.startsWith("truncated")) return undefined;
      throw e;
    }
  });
  if (first) return first;
  const lenBytes = head[6] === 1 ? 2 : 4;
  const view = new DataView(head.buffer);
  const headerLen = lenBytes === 2 ? view.getUint16(8, true) : view.getUint32(8, true);
  const all = new Uint8Array(8 + lenBytes + headerLen);
  await file.seek(0, Deno.SeekMode.Start);
  const n = await readFully(file, all);
  return withPath(path, () => decodeNpyHeader(all.subarray(0, n)));
}

/**
 * Reads rows `[start, start + count)` along the first axis of a `.npy` file without reading the
 * rest. Rows beyond the header's row count are refused, so on a partially written appender file
 * only flushed rows can be read.
 *
 * @example
 * ```ts
 * import { readNpyRows, writeNpyFile } from "./npy_file.ts";
 * const dir = await Deno.makeTempDir();
 * const data = Float32Array.from({ length: 2000 }, (_, i) => i);
 * await writeNpyFile(`${dir}/trace.npy`, { dtype: "f32", shape: [1000, 2], data });
 * const block = await readNpyRows(`${dir}/trace.npy`, 900, 100); // shape [100, 2]
 * console.log(block.shape, block.data[0]); // [100, 2] 1800
 * ```
 */
export async function readNpyRows(path: string, start: number, count: number): Promise<NdArray> {
  using file = await Deno.open(path, { read: true });
  const header = await readHeaderFrom(file, path);
  if (header.shape.length === 0) {
    throw new Error(`${path}: cannot read rows of a 0-d array: expected at least one axis`);
  }
  const total = header.shape[0];
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(count) || start < 0 || count < 0) {
    throw new Error(`${path}: rows [${start}, +${count}) invalid: expected non-negative integers`);
  }
  if (start + count > total) {
    throw new Error(
      `${path}: rows [${start}, ${start + count}) out of range: file has ${total} rows ` +
        `(shape ${formatShape(header.shape)})`,
    );
  }
  const rowShape = header.shape.slice(1);
  const rowBytes = shapeSize(rowShape) * NPY_ITEM_SIZE[header.dtype];
  const buf = new Uint8Array(count * rowBytes);
  await file.seek(header.dataOffset + start * rowBytes, Deno.SeekMode.Start);
  const n = await readFully(file, buf);
  if (n < buf.length) {
    throw new Error(
      `${path}: truncated .npy file: rows [${start}, ${start + count}) need ${buf.length} ` +
        `bytes, found ${n}`,
    );
  }
  return {
    dtype: header.dtype,
    shape: [count, ...rowShape],
    data: typedFromBytes(header.dtype, buf),
  };
}
