/**
 * NumPy `.npy` encoding and decoding (format version 1.0 written; 1.0, 2.0 and 3.0 read), for
 * little-endian, C-ordered arrays of the dtypes Landscape stores: f32, f64, i32, u32 and u8.
 *
 * Written headers match NumPy's `np.save` byte for byte (including its spare "growth" spaces),
 * so a file from here and one from NumPy are identical for the same array.
 * @module
 */

/** Element types Landscape stores in `.npy` files. */
export type NpyDtype = "f32" | "f64" | "i32" | "u32" | "u8";

/** The typed array that backs each {@linkcode NpyDtype}. */
export type NpyTypedArray =
  | Float32Array
  | Float64Array
  | Int32Array
  | Uint32Array
  | Uint8Array;

/**
 * An n-dimensional array in C (row-major) order: `data.length` is the product of `shape`
 * (1 for a 0-d array, `shape = []`).
 *
 * @example
 * ```ts
 * const a: NdArray = { dtype: "f32", shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) };
 * ```
 */
export type NdArray = {
  dtype: NpyDtype;
  shape: number[];
  data: NpyTypedArray;
};

/** The parsed header of a `.npy` file. */
export type NpyHeader = {
  dtype: NpyDtype;
  shape: number[];
  /** Bytes before the data: magic, version, length field and the header text. */
  dataOffset: number;
  /** Format major version the file was written with (1, 2 or 3). */
  version: number;
};

/** Options for {@linkcode decodeNpy}. */
export type DecodeNpyOptions = {
  /**
   * Accept bytes after the data that the header declares (default false). A partially written
   * appender file has such a tail (rows written but not yet flushed); NumPy's `np.load` ignores
   * it too.
   */
  allowTrailing?: boolean;
};

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const ALIGN = 64;
/** NumPy leaves room for the first axis to grow to this many digits (`GROWTH_AXIS_MAX_DIGITS`). */
const GROWTH_DIGITS = 21;

const DESCR: Record<NpyDtype, string> = {
  f32: "<f4",
  f64: "<f8",
  i32: "<i4",
  u32: "<u4",
  u8: "|u1",
};
const SUPPORTED = Object.values(DESCR).join(",");
const DESCR_TO_DTYPE: Record<string, NpyDtype> = {
  "<f4": "f32",
  "<f8": "f64",
  "<i4": "i32",
  "<u4": "u32",
  "|u1": "u8",
  // One-byte types have no byte order; some writers spell it '<' or '>'.
  "<u1": "u8",
  ">u1": "u8",
};

/** Bytes per element of each dtype. */
export const NPY_ITEM_SIZE: Readonly<Record<NpyDtype, number>> = {
  f32: 4,
  f64: 8,
  i32: 4,
  u32: 4,
  u8: 1,
};

const CTOR = {
  f32: Float32Array,
  f64: Float64Array,
  i32: Int32Array,
  u32: Uint32Array,
  u8: Uint8Array,
} as const;

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function assertLittleEndianHost(): void {
  if (!LITTLE_ENDIAN_HOST) {
    throw new Error(".npy I/O needs a little-endian host: this host is big-endian");
  }
}

/** All NpyDtype names, for validation messages and schemas. */
export const NPY_DTYPES: readonly NpyDtype[] = ["f32", "f64", "i32", "u32", "u8"];

/**
 * Number of elements for a shape (1 for `[]`); throws on negative, fractional or unsafe sizes.
 *
 * @example
 * ```ts
 * shapeSize([2, 3]); // 6
 * shapeSize([]); // 1
 * ```
 */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new Error(`invalid shape [${shape.join(", ")}]: expected non-negative integers`);
    }
    n *= d;
  }
  if (!Number.isSafeInteger(n)) {
    throw new Error(`invalid shape [${shape.join(", ")}]: element count exceeds 2^53`);
  }
  return n;
}

/** The NpyDtype that a typed array stores, or undefined for other arrays. */
export function dtypeOf(data: ArrayBufferView): NpyDtype | undefined {
  for (const dtype of NPY_DTYPES) {
    if (data instanceof CTOR[dtype]) return dtype;
  }
  return undefined;
}

/**
 * Makes an {@linkcode NdArray}, zero-filled when `data` is omitted, and checks that `data` has
 * the right type and length.
 *
 * @example
 * ```ts
 * const z = createNdArray("f64", [3, 2]); // 6 zeros
 * const v = createNdArray("i32", [3], new Int32Array([1, 2, 3]));
 * ```
 */
export function createNdArray(
  dtype: NpyDtype,
  shape: readonly number[],
  data?: NpyTypedArray,
): NdArray {
  const arr: NdArray = {
    dtype,
    shape: [...shape],
    data: data ?? new CTOR[dtype](shapeSize(shape)),
  };
  checkNdArray(arr);
  return arr;
}

/** Throws a one-line error unless `arr` is a consistent {@linkcode NdArray}. */
export function checkNdArray(arr: NdArray): void {
  const ctor = CTOR[arr.dtype];
  if (!ctor) {
    throw new Error(`unsupported dtype '${arr.dtype}': expected one of ${NPY_DTYPES.join(",")}`);
  }
  if (!(arr.data instanceof ctor)) {
    const got = (arr.data as { constructor?: { name?: string } })?.constructor?.name ?? "unknown";
    throw new Error(`dtype '${arr.dtype}' needs a ${ctor.name}, got ${got}`);
  }
  const n = shapeSize(arr.shape);
  if (arr.data.length !== n) {
    throw new Error(
      `shape [${arr.shape.join(", ")}] needs ${n} elements, data has ${arr.data.length}`,
    );
  }
}

function pythonShape(shape: readonly number[]): string {
  if (shape.length === 0) return "()";
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(", ")})`;
}

function headerDict(dtype: NpyDtype, shape: readonly number[]): string {
  return `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': ${pythonShape(shape)}, }`;
}

function wrapHeader(text: string, totalLength: number): Uint8Array {
  const out = new Uint8Array(totalLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const headerLen = totalLength - 10;
  out[8] = headerLen & 0xff;
  out[9] = headerLen >> 8;
  out.fill(0x20, 10, totalLength - 1);
  for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
  out[totalLength - 1] = 0x0a;
  return out;
}

/**
 * The version 1.0 header (magic through the final `\n`) for an array, exactly as `np.save`
 * writes it: the dict, spare spaces for the first axis to grow, and padding to 64 bytes.
 *
 * With `reserveLength`, the header is padded to exactly that many bytes instead (it must be a
 * multiple of 64 and large enough), so that it can be rewritten in place later with a
 * different shape, as the appender does.
 *
 * @example
 * ```ts
 * const h = encodeNpyHeader("f32", [2, 3]);
 * h.length % 64; // 0
 * ```
 */
export function encodeNpyHeader(
  dtype: NpyDtype,
  shape: readonly number[],
  reserveLength?: number,
): Uint8Array {
  shapeSize(shape);
  let text = headerDict(dtype, shape);
  if (reserveLength !== undefined) {
    if (reserveLength % ALIGN !== 0 || reserveLength < text.length + 11) {
      throw new Error(
        `cannot fit .npy header for shape ${pythonShape(shape)} into ${reserveLength} bytes: ` +
          `expected a multiple of 64 of at least ${text.length + 11}`,
      );
    }
    return wrapHeader(text, reserveLength);
  }
  if (shape.length > 0) text += " ".repeat(Math.max(0, GROWTH_DIGITS - String(shape[0]).length));
  // NumPy always adds 1..64 spaces (never 0) before the '\n'.
  const withNewline = text.length + 1;
  const pad = ALIGN - ((10 + withNewline) % ALIGN);
  const total = 10 + withNewline + pad;
  if (total - 10 > 0xffff) {
    throw new Error(`shape ${pythonShape(shape)} gives a header too long for .npy version 1.0`);
  }
  return wrapHeader(text, total);
}

/**
 * The smallest 64-aligned header length that fits the header of an array of `rowShape` rows
 * for any row count up to 2^53 (at least 128 bytes). Used to reserve room for in-place rewrites.
 */
export function reservedHeaderLength(dtype: NpyDtype, rowShape: readonly number[]): number {
  const longest = headerDict(dtype, [Number.MAX_SAFE_INTEGER, ...rowShape]).length + 11;
  return Math.max(128, Math.ceil(longest / ALIGN) * ALIGN);
}

/**
 * Encodes an array as a complete `.npy` v1.0 file.
 *
 * @example
 * ```ts
 * const bytes = encodeNpy({ dtype: "u8", shape: [3], data: new Uint8Array([1, 2, 3]) });
 * bytes.length; // 128 header bytes + 3 data bytes
 * ```
 */
export function encodeNpy(arr: NdArray): Uint8Array {
  assertLittleEndianHost();
  checkNdArray(arr);
  const header = encodeNpyHeader(arr.dtype, arr.shape);
  const out = new Uint8Array(header.length + arr.data.byteLength);
  out.set(header, 0);
  out.set(typedBytes(arr.data), header.length);
  return out;
}

/** A byte view (no copy) of a typed array's elements. */
export function typedBytes(data: ArrayBufferView): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

// ---- header parsing: a tiny reader for the Python dict literal NumPy writes ----

type PyValue = string | boolean | null | number[];

class PyLiteralReader {
  #pos = 0;
  constructor(readonly text: string) {}

  #fail(what: string): never {
    // The header text may hold line breaks; the error stays one line.
    const text = this.text.trim().replace(/\s+/g, " ");
    throw new Error(`bad .npy header: ${what} at character ${this.#pos} of ${text}`);
  }
  #skipSpace(): void {
    while (this.#pos < this.text.length && /\s/.test(this.text[this.#pos])) this.#pos++;
  }
  #peek(): string {
    this.#skipSpace();
    return this.text[this.#pos] ?? "";
  }
  #expect(ch: string): void {
    if (this.#peek() !== ch) this.#fail(`expected '${ch}'`);
    this.#pos++;
  }
  #string(): string {
    const quote = this.#peek();
    if (quote !== "'" && quote !== '"') this.#fail("expected a quoted string");
    const end = this.text.indexOf(quote, this.#pos + 1);
    if (end < 0) this.#fail("unterminated string");
    const s = this.text.slice(this.#pos + 1, end);
    this.#pos = end + 1;
    return s;
  }
  #int(): number {
    this.#skipSpace();
    const m = /^\d+L?/.exec(this.text.slice(this.#pos));
    if (!m) this.#fail("expected a non-negative integer");
    this.#pos += m[0].length;
    const n = Number(m[0].replace("L", ""));
    if (!Number.isSafeInteger(n)) this.#fail(`dimension ${m[0]} exceeds 2^53`);
    return n;
  }
  #tuple(): number[] {
    this.#expect("(");
    const out: number[] = [];
    while (this.#peek() !== ")") {
      out.push(this.#int());
      if (this.#peek() === ",") this.#pos++;
      else if (this.#peek() !== ")") this.#fail("expected ',' or ')' in shape");
    }
    this.#pos++;
    return out;
  }
  #value(): PyValue {
    const ch = this.#peek();
    if (ch === "'" || ch === '"') return this.#string();
    if (ch === "(") return this.#tuple();
    if (ch === "[") {
      throw new Error(
        `unsupported dtype: structured dtypes are not supported: expected one of ${SUPPORTED}`,
      );
    }
    for (const [word, v] of [["True", true], ["False", false], ["None", null]] as const) {
      if (this.text.startsWith(word, this.#pos)) {
        this.#pos += word.length;
        return v;
      }
    }
    this.#fail("expected a string, tuple, True, False or None");
  }
  dict(): Map<string, PyValue> {
    const out = new Map<string, PyValue>();
    this.#expect("{");
    while (this.#peek() !== "}") {
      const key = this.#string();
      this.#expect(":");
      out.set(key, this.#value());
      if (this.#peek() === ",") this.#pos++;
      else if (this.#peek() !== "}") this.#fail("expected ',' or '}'");
    }
    this.#pos++;
    if (this.#peek() !== "") this.#fail("unexpected text after the dict");
    return out;
  }
}

function parseHeaderText(text: string): { dtype: NpyDtype; shape: number[] } {
  const dict = new PyLiteralReader(text).dict();
  // Keys and values come from the file: printed with JSON escapes so the error stays one line.
  const keys = [...dict.keys()].sort().map((k) => JSON.stringify(k).slice(1, -1)).join(",");
  if (keys !== "descr,fortran_order,shape") {
    throw new Error(
      `bad .npy header: keys are {${keys}}, expected exactly {descr, fortran_order, shape}`,
    );
  }
  const descr = dict.get("descr");
  if (typeof descr !== "string") throw new Error("bad .npy header: 'descr' must be a string");
  const dtype = DESCR_TO_DTYPE[descr];
  if (!dtype) {
    throw new Error(
      `unsupported dtype '${JSON.stringify(descr).slice(1, -1)}': expected one of ${SUPPORTED}`,
    );
  }
  const fortran = dict.get("fortran_order");
  if (typeof fortran !== "boolean") {
    throw new Error("bad .npy header: 'fortran_order' must be True or False");
  }
  const shape = dict.get("shape");
  if (!Array.isArray(shape)) throw new Error("bad .npy header: 'shape' must be a tuple");
  if (fortran && shape.filter((d) => d !== 1).length > 1) {
    throw new Error("unsupported .npy layout: fortran_order is True, expected C order");
  }
  shapeSize(shape);
  return { dtype, shape };
}

/**
 * Parses the header at the start of `bytes` (which may hold just the first few hundred bytes
 * of a file). Throws a one-line error for anything that is not a supported `.npy` header.
 *
 * @example
 * ```ts
 * const bytes = encodeNpy({ dtype: "f64", shape: [2], data: new Float64Array([1, 2]) });
 * decodeNpyHeader(bytes); // { dtype: "f64", shape: [2], dataOffset: 128, version: 1 }
 * ```
 */
export function decodeNpyHeader(bytes: Uint8Array): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new Error("not a .npy file: bad magic");
  }
  const version = bytes[6];
  let lenBytes: number;
  if (version === 1) lenBytes = 2;
  else if (version === 2 || version === 3) lenBytes = 4;
  else throw new Error(`unsupported .npy version ${version}.${bytes[7]}: expected 1.0, 2.0 or 3.0`);
  const start = 8 + lenBytes;
  if (bytes.length < start) throw new Error("truncated .npy file: header length is cut off");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = lenBytes === 2 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = start + headerLen;
  if (bytes.length < dataOffset) {
    throw new Error(
      `truncated .npy file: header needs ${dataOffset} bytes, file has ${bytes.length}`,
    );
  }
  const raw = bytes.subarray(start, dataOffset);
  const text = version === 3
    ? new TextDecoder("utf-8", { fatal: true }).decode(raw)
    : asciiText(raw);
  return { ...parseHeaderText(text), dataOffset, version };
}

/**
 * Decodes a complete `.npy` file. The returned data is a copy, so it is aligned and does not
 * alias `bytes`.
 *
 * @example
 * ```ts
 * const a = decodeNpy(encodeNpy({ dtype: "i32", shape: [2], data: new Int32Array([7, 8]) }));
 * a.data; // Int32Array [7, 8]
 * ```
 */
export function decodeNpy(bytes: Uint8Array, options: DecodeNpyOptions = {}): NdArray {
  assertLittleEndianHost();
  const header = decodeNpyHeader(bytes);
  const n = shapeSize(header.shape);
  const nBytes = n * NPY_ITEM_SIZE[header.dtype];
  const have = bytes.length - header.dataOffset;
  if (have < nBytes) {
    throw new Error(
      `truncated .npy file: shape ${pythonShape(header.shape)} needs ${nBytes} data bytes, ` +
        `file has ${have}`,
    );
  }
  if (have > nBytes && !options.allowTrailing) {
    throw new Error(
      `corrupt .npy file: ${have - nBytes} bytes after the data of shape ` +
        `${pythonShape(header.shape)}, expected none`,
    );
  }
  const copy = bytes.slice(header.dataOffset, header.dataOffset + nBytes);
  return { dtype: header.dtype, shape: header.shape, data: new CTOR[header.dtype](copy.buffer) };
}

/** Wraps raw little-endian bytes (copied) as a typed array of `dtype`. */
export function typedFromBytes(dtype: NpyDtype, bytes: Uint8Array): NpyTypedArray {
  assertLittleEndianHost();
  const size = NPY_ITEM_SIZE[dtype];
  if (bytes.length % size !== 0) {
    throw new Error(`${bytes.length} bytes is not a whole number of ${dtype} elements`);
  }
  return new CTOR[dtype](bytes.slice().buffer);
}

function asciiText(raw: Uint8Array): string {
  let s = "";
  for (let i = 0; i < raw.length; i += 4096) {
    s += String.fromCharCode(...raw.subarray(i, i + 4096));
  }
  return s;
}

/** Formats a shape the way Python prints a tuple, e.g. `(3,)`, for messages. */
export function formatShape(shape: readonly number[]): string {
  return pythonShape(shape);
}
