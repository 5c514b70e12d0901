import { assert, assertEquals, assertThrows } from "../_assert.ts";
import {
  createNdArray,
  decodeNpy,
  decodeNpyHeader,
  encodeNpy,
  encodeNpyHeader,
  type NdArray,
  NPY_DTYPES,
  type NpyDtype,
  reservedHeaderLength,
} from "../../src/io/npy.ts";

const enc = new TextEncoder();

/** Deterministic, dtype-appropriate values (including negatives, fractions and extremes). */
function sample(dtype: NpyDtype, shape: number[]): NdArray {
  const a = createNdArray(dtype, shape);
  for (let i = 0; i < a.data.length; i++) {
    const v = {
      f32: (i - 3) * 0.37 + 1e-30,
      f64: (i - 3) * Math.PI * 1e100,
      i32: (i * 7919 - 100) * (i % 2 ? -1 : 1) | 0,
      u32: (0xffffffff - i * 104729) >>> 0,
      u8: (i * 37) & 0xff,
    }[dtype];
    a.data[i] = v;
  }
  return a;
}

const SHAPES = [[], [0], [1], [5], [2, 3], [3, 0, 2], [2, 3, 4], [1, 1, 1, 7]];

Deno.test("npy: round trip for every dtype and shape, headers 64-byte aligned", () => {
  for (const dtype of NPY_DTYPES) {
    for (const shape of SHAPES) {
      const a = sample(dtype, shape);
      const bytes = encodeNpy(a);
      const h = decodeNpyHeader(bytes);
      assertEquals(h.dataOffset % 64, 0, `${dtype} ${shape}: header length ${h.dataOffset}`);
      assertEquals(bytes[h.dataOffset - 1], 0x0a, "header ends with a newline");
      assertEquals(bytes.length, h.dataOffset + a.data.byteLength);
      const b = decodeNpy(bytes);
      assertEquals(b.dtype, dtype);
      assertEquals(b.shape, shape);
      assertEquals(b.data.constructor, a.data.constructor);
      assertEquals(Array.from(b.data), Array.from(a.data));
    }
  }
});

Deno.test("npy: special float values survive bit for bit", () => {
  const data = new Float64Array([NaN, Infinity, -Infinity, -0, 5e-324, Number.MAX_VALUE]);
  const b = decodeNpy(encodeNpy({ dtype: "f64", shape: [6], data }));
  assertEquals(new Uint8Array(b.data.buffer), new Uint8Array(data.buffer));
});

Deno.test("npy: header text matches NumPy's layout exactly", () => {
  const h = encodeNpyHeader("f32", [2, 3]);
  assertEquals(h.length, 128);
  assertEquals(Array.from(h.subarray(0, 8)), [0x93, 78, 85, 77, 80, 89, 1, 0]);
  assertEquals(h[8] + 256 * h[9], 118);
  const text = new TextDecoder().decode(h.subarray(10));
  const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  assert(text.startsWith(dict));
  assertEquals(text, dict + " ".repeat(118 - dict.length - 1) + "\n");
  assert(new TextDecoder().decode(encodeNpyHeader("u8", [4])).includes("'shape': (4,)"));
  // np.save of this shape gives a 192-byte header (checked with NumPy 2.4): the dict plus the
  // 20 growth spaces fill exactly 128 bytes, and NumPy then pads 64 more rather than none.
  assertEquals(encodeNpyHeader("f64", [2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 10, 10]).length, 192);
  assert(new TextDecoder().decode(encodeNpyHeader("u8", [])).includes("'shape': ()"));
});

Deno.test("npy: reserved headers have fixed length and fit the largest row count", () => {
  const len = reservedHeaderLength("f64", [3, 4]);
  assertEquals(len % 64, 0);
  const small = encodeNpyHeader("f64", [0, 3, 4], len);
  const maxRows = Math.floor(Number.MAX_SAFE_INTEGER / 12);
  const big = encodeNpyHeader("f64", [maxRows, 3, 4], len);
  assertEquals(small.length, len);
  assertEquals(big.length, len);
  assertEquals(decodeNpyHeader(big).shape, [maxRows, 3, 4]);
  assertThrows(() => encodeNpyHeader("f64", [1], 100), /multiple of 64/);
});

function headerBytes(dict: string, version = 1): Uint8Array {
  const text = dict + "\n";
  const lenBytes = version === 1 ? 2 : 4;
  const out = new Uint8Array(8 + lenBytes + text.length);
  out.set([0x93, 78, 85, 77, 80, 89, version, 0]);
  out[8] = text.length & 0xff;
  out[9] = text.length >> 8;
  out.set(enc.encode(text), 8 + lenBytes);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

Deno.test("npy: decodes other valid spellings (version 2.0, double quotes, '<u1', 1-d fortran)", () => {
  const data = new Uint8Array(new Float32Array([1.5, -2]).buffer);
  const v2 = concat(
    headerBytes(`{"descr": "<f4", "fortran_order": False, "shape": (2,)}`, 2),
    data,
  );
  assertEquals(Array.from(decodeNpy(v2).data), [1.5, -2]);
  const u1 = concat(
    headerBytes(`{'shape': (3,), 'descr': '<u1', 'fortran_order': False}`),
    new Uint8Array([1, 2, 3]),
  );
  assertEquals(decodeNpy(u1).dtype, "u8");
  const f1 = concat(
    headerBytes(`{'descr': '<f4', 'fortran_order': True, 'shape': (2, 1), }`),
    data,
  );
  assertEquals(decodeNpy(f1).shape, [2, 1]);
});

Deno.test("npy: decoding rejects bad input with one-line messages", () => {
  const good = encodeNpy({ dtype: "f32", shape: [2], data: new Float32Array([1, 2]) });
  const cases: [Uint8Array, RegExp][] = [
    [enc.encode("PK\x03\x04 not numpy at all"), /^not a \.npy file: bad magic$/],
    [new Uint8Array(0), /^not a \.npy file: bad magic$/],
    [
      headerBytes(`{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }`),
      /^unsupported dtype '<c8': expected one of <f4,<f8,<i4,<u4,\|u1$/,
    ],
    [
      headerBytes(`{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }`),
      /^unsupported dtype '>f4'/,
    ],
    [
      headerBytes(`{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }`),
      /structured dtypes/,
    ],
    [
      headerBytes(`{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }`),
      /fortran_order is True, expected C order/,
    ],
    [
      headerBytes(`{'descr': '<f4', 'shape': (1,), }`),
      /expected exactly \{descr, fortran_order, shape\}/,
    ],
    [
      headerBytes(`{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }`),
      /non-negative integer/,
    ],
    [headerBytes(`{'descr': '<f4', 'fortran_order': False, 'shape': (1,), `), /bad \.npy header/],
    [
      good.subarray(0, good.length - 1),
      /^truncated \.npy file: shape \(2,\) needs 8 data bytes, file has 7$/,
    ],
    [good.subarray(0, 50), /^truncated \.npy file: header needs 128 bytes/],
    [concat(good, new Uint8Array(4)), /^corrupt \.npy file: 4 bytes after the data/],
  ];
  const v9 = good.slice();
  v9[6] = 9;
  cases.push([v9, /^unsupported \.npy version 9\.0/]);
  for (const [bytes, re] of cases) {
    assertThrows(() => decodeNpy(bytes), (e: Error) => {
      assert(re.test(e.message), `message ${JSON.stringify(e.message)} should match ${re}`);
      assert(!e.message.includes("\n"), "one line");
      return true;
    });
  }
  // Trailing bytes are allowed on request (partial appender files).
  assertEquals(
    Array.from(decodeNpy(concat(good, new Uint8Array(4)), { allowTrailing: true }).data),
    [1, 2],
  );
});

Deno.test("npy: decoded data is a copy, aligned even when the input is not", () => {
  const bytes = encodeNpy({ dtype: "f64", shape: [2], data: new Float64Array([3, 4]) });
  const shifted = new Uint8Array(bytes.length + 1).subarray(1);
  shifted.set(bytes);
  const a = decodeNpy(shifted);
  assertEquals(Array.from(a.data), [3, 4]);
  shifted.fill(0);
  assertEquals(Array.from(a.data), [3, 4]);
});

Deno.test("npy: createNdArray and encode check dtype and length", () => {
  assertThrows(
    () => createNdArray("f32", [2, 2], new Float32Array(3)),
    /needs 4 elements, data has 3/,
  );
  assertThrows(
    () => createNdArray("f32", [2], new Float64Array(2) as unknown as Float32Array),
    /needs a Float32Array, got Float64Array/,
  );
  assertThrows(() => createNdArray("u8", [-1]), /expected non-negative integers/);
  assertThrows(
    () => encodeNpy({ dtype: "c8" as NpyDtype, shape: [1], data: new Uint8Array(1) }),
    /unsupported dtype 'c8'/,
  );
});
