/**
 * Chunked, resumable appending of rows to a `.npy` file, for traces too long to hold in memory.
 *
 * How it works: rows go to `<path>.partial`, a valid `.npy` file whose header is padded to a
 * fixed length (room for any row count up to 2^53), so the header can be rewritten in place.
 * Each `flush()` writes buffered rows, syncs them, then rewrites the header with the new row
 * count and syncs again, so the header never counts rows that are not on disk. `close()`
 * flushes and renames the partial file to `<path>`.
 *
 * Reading while writing: the partial file always holds a valid array of the flushed rows,
 * possibly followed by unflushed bytes. Read it with `readNpyFile(partialPathOf(path),
 * { allowTrailing: true })`, `readNpyRows(...)`, or NumPy's `np.load` (which ignores the tail).
 *
 * Resuming: `NpyAppender.open(path, dtype, rowShape, { resume: true })` continues an existing
 * partial file (dropping any unflushed tail) or, if only the finished `<path>` exists, copies it
 * into a new partial file first, so the finished file stays intact until the next `close()`.
 * One writer per file at a time.
 * @module
 */

import {
  dirnameOf,
  randomHex,
  renameFile,
  syncBestEffort,
  syncDirBestEffort,
  writeAll,
} from "./atomic.ts";
import { readHeaderFrom } from "./npy_file.ts";
import {
  dtypeOf,
  encodeNpyHeader,
  formatShape,
  NPY_ITEM_SIZE,
  type NpyDtype,
  type NpyHeader,
  type NpyTypedArray,
  reservedHeaderLength,
  shapeSize,
  typedBytes,
} from "./npy.ts";

/** Options for {@linkcode NpyAppender.open}. */
export type NpyAppenderOptions = {
  /** Continue an existing partial or finished file instead of refusing (default false). */
  resume?: boolean;
  /** Bytes buffered in memory before they are written to the file (default 4 MiB). */
  bufferBytes?: number;
  /**
   * With `resume`: keep exactly this many rows, dropping any after them (a run resumed from a
   * checkpoint discards rows written after it). Refused if fewer rows are on disk.
   */
  keepRows?: number;
  /** Called after each flush (and at close) with the number of rows now on disk. */
  onFlush?: (rows: number) => void | Promise<void>;
};

/** The partial-file path an appender writes to before `close()` renames it to `path`. */
export function partialPathOf(path: string): string {
  return `${path}.partial`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Appends rows of a fixed shape to a `.npy` file in chunks (see the module doc for the file
 * protocol, partial reads and resuming).
 *
 * @example
 * ```ts
 * import { NpyAppender } from "./npy_appender.ts";
 * const dir = await Deno.makeTempDir();
 * const app = await NpyAppender.open(`${dir}/trace.npy`, "f32", [4]);
 * await app.append(new Float32Array(8), 2); // two rows of 4
 * await app.flush(); // readers of trace.npy.partial now see 2 rows
 * await app.close(); // trace.npy has shape (2, 4)
 * ```
 */
export class NpyAppender {
  readonly path: string;
  readonly partialPath: string;
  readonly dtype: NpyDtype;
  readonly rowShape: readonly number[];
  readonly #rowBytes: number;
  readonly #headerLength: number;
  readonly #onFlush?: (rows: number) => void | Promise<void>;
  #file: Deno.FsFile | undefined;
  #buffer: Uint8Array;
  #buffered = 0;
  #rowsOnDisk: number;
  #rowsFlushed: number;
  #pending: Promise<unknown> = Promise.resolve();

  private constructor(
    path: string,
    dtype: NpyDtype,
    rowShape: readonly number[],
    file: Deno.FsFile,
    headerLength: number,
    rows: number,
    options: NpyAppenderOptions,
  ) {
    this.path = path;
    this.partialPath = partialPathOf(path);
    this.dtype = dtype;
    this.rowShape = [...rowShape];
    this.#rowBytes = shapeSize(rowShape) * NPY_ITEM_SIZE[dtype];
    this.#headerLength = headerLength;
    this.#file = file;
    this.#rowsOnDisk = rows;
    this.#rowsFlushed = rows;
    this.#onFlush = options.onFlush;
    const size = options.bufferBytes ?? 4 << 20;
    if (!Number.isSafeInteger(size) || size < 1) {
      throw new Error(`bufferBytes ${size} invalid: expected a positive integer`);
    }
    this.#buffer = new Uint8Array(size);
  }

  /**
   * Opens `path` for appending rows of `rowShape`. Without `resume`, refuses if `path` or its
   * partial file already exists; with `resume`, continues from either (dtype and row shape must
   * match).
   */
  static async open(
    path: string,
    dtype: NpyDtype,
    rowShape: readonly number[],
    options: NpyAppenderOptions = {},
  ): Promise<NpyAppender> {
    const keep = options.keepRows;
    if (keep !== undefined && !(Number.isSafeInteger(keep) && keep >= 0)) {
      throw new Error(`keepRows ${keep} invalid: expected an integer >= 0`);
    }
    const app = await NpyAppender.#open(path, dtype, rowShape, options);
    if (keep !== undefined) {
      try {
        await app.#serial(() => app.#truncateTo(keep));
      } catch (e) {
        await app.abandon();
        throw e;
      }
    }
    return app;
  }

  static async #open(
    path: string,
    dtype: NpyDtype,
    rowShape: readonly number[],
    options: NpyAppenderOptions,
  ): Promise<NpyAppender> {
    if (!(dtype in NPY_ITEM_SIZE)) {
      throw new Error(`unsupported dtype '${dtype}': expected one of f32,f64,i32,u32,u8`);
    }
    shapeSize(rowShape);
    const partial = partialPathOf(path);
    const reserve = reservedHeaderLength(dtype, rowShape);
    const havePartial = await exists(partial);
    const haveFinal = await exists(path);
    if (!options.resume && (havePartial || haveFinal)) {
      const which = havePartial ? partial : path;
      throw new Error(
        `${which} already exists: refusing to overwrite (pass resume: true to append to it)`,
      );
    }
    if (havePartial) {
      const file = await Deno.open(partial, { read: true, write: true });
      try {
        const header = await readHeaderFrom(file, partial);
        checkCompatible(partial, header, dtype, rowShape);
        if (header.dataOffset === reserve) {
          const rows = header.shape[0];
          const rowBytes = shapeSize(rowShape) * NPY_ITEM_SIZE[dtype];
          // Rows written after the last flush were never counted: drop them.
          await file.truncate(reserve + rows * rowBytes);
          return new NpyAppender(path, dtype, rowShape, file, reserve, rows, options);
        }
      } catch (e) {
        file.close();
        throw e;
      }
      file.close();
      // A partial file with a foreign header layout: re-copy it with a reserved header.
      const rows = await copyWithReservedHeader(partial, dtype, rowShape, reserve);
      const f = await Deno.open(partial, { read: true, write: true });
      return new NpyAppender(path, dtype, rowShape, f, reserve, rows, options);
    }
    if (haveFinal) {
      const rows = await copyWithReservedHeader(path, dtype, rowShape, reserve);
      const f = await Deno.open(partial, { read: true, write: true });
      return new NpyAppender(path, dtype, rowShape, f, reserve, rows, options);
    }
    // The empty partial file appears whole (header written, synced, renamed into place), so a
    // crash never leaves a partial file without a complete header.
    const tmp = `${partial}.${randomHex(6)}.tmp`;
    try {
      {
        using f = await Deno.open(tmp, { write: true, createNew: true });
        await writeAll(f, encodeNpyHeader(dtype, [0, ...rowShape], reserve));
        await syncBestEffort(f);
      }
      await renameFile(tmp, partial);
    } catch (e) {
      await Deno.remove(tmp).catch(() => {});
      throw e;
    }
    const file = await Deno.open(partial, { read: true, write: true });
    return new NpyAppender(path, dtype, rowShape, file, reserve, 0, options);
  }

  /** Rows appended so far, flushed or not. */
  get rows(): number {
    return this.#rowsOnDisk + this.#buffered / this.#rowBytesOrOne();
  }

  /** Rows that the file's header counts (what a reader of the partial file sees). */
  get flushedRows(): number {
    return this.#rowsFlushed;
  }

  /** Whether `close()` has run. */
  get closed(): boolean {
    return this.#file === undefined;
  }

  #rowBytesOrOne(): number {
    return this.#rowBytes || 1;
  }

  /** Runs operations one at a time, in call order, even if the caller does not await. */
  #serial<T>(op: () => Promise<T>): Promise<T> {
    const next = this.#pending.catch(() => {}).then(op);
    this.#pending = next;
    return next;
  }

  #openFile(): Deno.FsFile {
    if (!this.#file) throw new Error(`${this.path}: appender is closed: expected an open appender`);
    return this.#file;
  }

  /**
   * Appends the first `nRows` rows of `rows` (a typed array of this appender's dtype, C order,
   * with at least `nRows * prod(rowShape)` elements; extra elements are ignored).
   */
  append(rows: NpyTypedArray, nRows: number): Promise<void> {
    return this.#serial(async () => {
      this.#openFile();
      const got = dtypeOf(rows);
      if (got !== this.dtype) {
        throw new Error(
          `${this.path}: append got ${got ?? "a non-typed array"}, expected ${this.dtype} rows`,
        );
      }
      const perRow = shapeSize(this.rowShape);
      if (!Number.isSafeInteger(nRows) || nRows < 0 || rows.length < nRows * perRow) {
        throw new Error(
          `${this.path}: cannot append ${nRows} rows of ${formatShape(this.rowShape)} from ` +
            `${rows.length} elements: expected nRows >= 0 and at least ${nRows * perRow} elements`,
        );
      }
      if (this.#rowBytes === 0) {
        // Rows of zero elements occupy no bytes; only the count changes.
        this.#rowsOnDisk += nRows;
        return;
      }
      const bytes = typedBytes(rows).subarray(0, nRows * this.#rowBytes);
      if (this.#buffered + bytes.length <= this.#buffer.length) {
        this.#buffer.set(bytes, this.#buffered);
        this.#buffered += bytes.length;
        return;
      }
      await this.#drain();
      if (bytes.length <= this.#buffer.length) {
        this.#buffer.set(bytes, 0);
        this.#buffered = bytes.length;
      } else {
        await this.#writeAtEnd(bytes);
      }
    });
  }

  async #writeAtEnd(bytes: Uint8Array): Promise<void> {
    const file = this.#openFile();
    await file.seek(this.#headerLength + this.#rowsOnDisk * this.#rowBytes, Deno.SeekMode.Start);
    await writeAll(file, bytes);
    this.#rowsOnDisk += bytes.length / this.#rowBytes;
  }

  async #drain(): Promise<void> {
    if (this.#buffered === 0) return;
    await this.#writeAtEnd(this.#buffer.subarray(0, this.#buffered));
    this.#buffered = 0;
  }

  async #flushNow(): Promise<void> {
    const file = this.#openFile();
    await this.#drain();
    await syncBestEffort(file);
    const header = encodeNpyHeader(
      this.dtype,
      [this.#rowsOnDisk, ...this.rowShape],
      this.#headerLength,
    );
    await file.seek(0, Deno.SeekMode.Start);
    // Same length as before, rewritten in place by one small write: never torn by a crash.
    await writeAll(file, header, { tearable: false });
    await syncBestEffort(file);
    this.#rowsFlushed = this.#rowsOnDisk;
    await this.#onFlush?.(this.#rowsFlushed);
  }

  /** Drops every row after the first `rows` (header first, so no reader counts missing rows). */
  async #truncateTo(rows: number): Promise<void> {
    if (rows > this.#rowsOnDisk) {
      throw new Error(
        `${this.partialPath} holds ${this.#rowsOnDisk} rows: expected at least ${rows}`,
      );
    }
    if (rows === this.#rowsOnDisk) return;
    const file = this.#openFile();
    this.#rowsOnDisk = rows;
    await this.#flushNow();
    await file.truncate(this.#headerLength + rows * this.#rowBytes);
    await syncBestEffort(file);
  }

  /** Writes buffered rows and updates the header, so readers and a later resume see them. */
  flush(): Promise<void> {
    return this.#serial(() => this.#flushNow());
  }

  /** Flushes, closes, and renames the partial file to `path` (replacing an older `path`). */
  close(): Promise<void> {
    return this.#serial(async () => {
      if (!this.#file) return;
      await this.#flushNow();
      this.#file.close();
      this.#file = undefined;
      await renameFile(this.partialPath, this.path);
      await syncDirBestEffort(dirnameOf(this.path));
    });
  }

  /**
   * Closes the file without renaming it: flushed rows stay in the partial file for a later
   * `open(..., { resume: true })`; rows appended since the last flush are dropped on resume.
   */
  abandon(): Promise<void> {
    return this.#serial(() => {
      this.#file?.close();
      this.#file = undefined;
      return Promise.resolve();
    });
  }
}

function checkCompatible(
  path: string,
  header: NpyHeader,
  dtype: NpyDtype,
  rowShape: readonly number[],
): void {
  const fileRows = header.shape.slice(1);
  if (header.shape.length === 0 || header.dtype !== dtype || !sameShape(fileRows, rowShape)) {
    throw new Error(
      `${path}: cannot resume: file holds ${header.dtype} with shape ${
        formatShape(header.shape)
      }, expected ${dtype} rows of ${formatShape(rowShape)}`,
    );
  }
}

/**
 * Copies the array in `src` into a new partial file for `src`'s final path with a reserved
 * header, via a temporary file renamed into place only once complete, so a crash mid-copy never
 * leaves a partial file that claims fewer rows than `src`. Returns the row count.
 */
async function copyWithReservedHeader(
  src: string,
  dtype: NpyDtype,
  rowShape: readonly number[],
  reserve: number,
): Promise<number> {
  const dest = src.endsWith(".partial") ? src : partialPathOf(src);
  const tmp = `${dest}.${randomHex(6)}.tmp`;
  using input = await Deno.open(src, { read: true });
  const header = await readHeaderFrom(input, src);
  checkCompatible(src, header, dtype, rowShape);
  const rows = header.shape[0];
  let remaining = rows * shapeSize(rowShape) * NPY_ITEM_SIZE[dtype];
  try {
    {
      using out = await Deno.open(tmp, { write: true, createNew: true });
      await writeAll(out, encodeNpyHeader(dtype, [rows, ...rowShape], reserve));
      await input.seek(header.dataOffset, Deno.SeekMode.Start);
      const chunk = new Uint8Array(1 << 20);
      while (remaining > 0) {
        const n = await input.read(chunk.subarray(0, Math.min(chunk.length, remaining)));
        if (n === null) {
          throw new Error(`${src}: truncated .npy file: ${remaining} data bytes missing`);
        }
        await writeAll(out, chunk.subarray(0, n));
        remaining -= n;
      }
      await syncBestEffort(out);
    }
    await renameFile(tmp, dest);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
  return rows;
}
