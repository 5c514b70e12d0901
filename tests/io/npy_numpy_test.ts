/**
 * Interop with NumPy itself: byte-exact headers against `np.save`, and files written here loaded
 * by `np.load`. Skipped, with the reason printed, when `python3 -c "import numpy"` fails.
 */
import { PYTHON } from "../_python.ts";
import { assertEquals } from "../_assert.ts";
import { decodeNpy, encodeNpy, type NdArray, type NpyDtype } from "../../src/io/npy.ts";
import { writeNpyFile } from "../../src/io/npy_file.ts";
import { NpyAppender, partialPathOf } from "../../src/io/npy_appender.ts";

async function python(args: string[]): Promise<{ ok: boolean; out: string; err: string }> {
  try {
    const r = await new Deno.Command(PYTHON, { args, stdout: "piped", stderr: "piped" })
      .output();
    const dec = new TextDecoder();
    return { ok: r.success, out: dec.decode(r.stdout), err: dec.decode(r.stderr).trim() };
  } catch (e) {
    return { ok: false, out: "", err: (e as Error).message };
  }
}

const probe = await python(["-c", "import numpy; print(numpy.__version__)"]);
const skipReason = probe.ok
  ? undefined
  : `python3 with numpy is not available (${probe.err.split("\n").at(-1) || "no output"})`;
if (skipReason) console.log(`npy_numpy_test: skipping NumPy interop tests: ${skipReason}`);

const NP_TYPE: Record<NpyDtype, string> = {
  f32: "float32",
  f64: "float64",
  i32: "int32",
  u32: "uint32",
  u8: "uint8",
};

/** The same value formula in JS and Python: v(i) = (i - 3) * 0.37 cast to the dtype. */
function expected(dtype: NpyDtype, shape: number[]): NdArray {
  const n = shape.reduce((a, b) => a * b, 1);
  const f = new Float64Array(n).map((_, i) => (i - 3) * 0.37);
  const data = {
    f32: () => Float32Array.from(f),
    f64: () => f,
    i32: () => Int32Array.from(f.map((_, i) => (i - 3) * 1000003)),
    u32: () => Uint32Array.from(f.map((_, i) => (i * 2654435761) % 4294967296)),
    u8: () => Uint8Array.from(f.map((_, i) => (i * 37) % 256)),
  }[dtype]();
  return { dtype, shape, data };
}

const CASES: [NpyDtype, number[]][] = [
  ["f32", [2, 3]],
  ["f64", []],
  ["f64", [7]],
  ["i32", [3, 1, 2]],
  ["u32", [0, 4]],
  ["u8", [5, 2]],
  ["u8", [1234567]],
  // Header text lands exactly on a 64-byte boundary: NumPy then pads a full extra 64 bytes.
  ["f64", [2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 10, 10]],
];

const PY_SAVE = `
import sys, numpy as np
out = sys.argv[1]
for i, spec in enumerate(sys.argv[2:]):
    dtype, shape = spec.split(":")
    shape = tuple(int(s) for s in shape.split("x") if s)
    n = int(np.prod(shape))
    k = np.arange(n, dtype=np.int64)
    vals = {
        "float32": ((k - 3) * 0.37).astype(np.float32),
        "float64": (k - 3) * 0.37,
        "int32": ((k - 3) * 1000003).astype(np.int32),
        "uint32": ((k * 2654435761) % 4294967296).astype(np.uint32),
        "uint8": ((k * 37) % 256).astype(np.uint8),
    }[dtype]
    np.save(f"{out}/case{i}.npy", vals.reshape(shape))
`;

const PY_LOAD = `
import sys, json, numpy as np
res = {}
for path in sys.argv[1:]:
    a = np.load(path)
    res[path] = {"dtype": str(a.dtype), "shape": list(a.shape), "hex": a.tobytes().hex(),
                 "c": bool(a.flags["C_CONTIGUOUS"])}
print(json.dumps(res))
`;

function hex(a: NdArray): string {
  const b = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

Deno.test({
  name: "npy/numpy: files from np.save decode to the right values and re-encode byte for byte",
  ignore: skipReason !== undefined,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "landscape_npy_" });
    try {
      const specs = CASES.map(([d, s]) => `${NP_TYPE[d]}:${s.join("x")}`);
      const r = await python(["-c", PY_SAVE, dir, ...specs]);
      assertEquals(r.ok, true, r.err);
      for (let i = 0; i < CASES.length; i++) {
        const [dtype, shape] = CASES[i];
        const bytes = await Deno.readFile(`${dir}/case${i}.npy`);
        const a = decodeNpy(bytes);
        const want = expected(dtype, shape);
        assertEquals([a.dtype, a.shape], [dtype, shape]);
        assertEquals(hex(a), hex(want), `values of case ${i}`);
        const mine = encodeNpy(want);
        assertEquals(mine.length, bytes.length, `length of case ${i}`);
        assertEquals(mine, bytes, `bytes of case ${i} (${dtype} ${shape})`);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "npy/numpy: np.load reads files written here, including appender files",
  ignore: skipReason !== undefined,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "landscape_npy_" });
    try {
      const paths: string[] = [];
      const wants: NdArray[] = [];
      for (const [i, [dtype, shape]] of CASES.entries()) {
        const path = `${dir}/mine${i}.npy`;
        const want = expected(dtype, shape);
        await writeNpyFile(path, want);
        paths.push(path);
        wants.push(want);
      }
      // A closed appender file, and a partial one holding flushed rows plus an unflushed tail.
      const full = expected("f32", [10, 3]);
      const app = await NpyAppender.open(`${dir}/app.npy`, "f32", [3], { bufferBytes: 16 });
      for (let r = 0; r < 10; r += 2) await app.append(full.data.subarray(r * 3), 2);
      await app.close();
      paths.push(`${dir}/app.npy`);
      wants.push(full);
      const part = await NpyAppender.open(`${dir}/part.npy`, "f32", [3], { bufferBytes: 12 });
      await part.append(full.data, 4);
      await part.flush();
      await part.append(full.data.subarray(12), 3); // written (buffer is small) but not flushed
      paths.push(partialPathOf(`${dir}/part.npy`));
      wants.push({ dtype: "f32", shape: [4, 3], data: full.data.slice(0, 12) });

      const r = await python(["-c", PY_LOAD, ...paths]);
      assertEquals(r.ok, true, r.err);
      const got = JSON.parse(r.out);
      for (const [i, path] of paths.entries()) {
        const w = wants[i];
        assertEquals(got[path], { dtype: NP_TYPE[w.dtype], shape: w.shape, hex: hex(w), c: true });
      }
      await part.abandon();
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
