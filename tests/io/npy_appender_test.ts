import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { NpyAppender, partialPathOf } from "../../src/io/npy_appender.ts";
import {
  readNpyFile,
  readNpyFileHeader,
  readNpyRows,
  writeNpyFile,
} from "../../src/io/npy_file.ts";
import { encodeNpy } from "../../src/io/npy.ts";

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "landscape_app_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Row r of a [*, 3] i32 trace: (r, -r, r * r). */
function rows(from: number, n: number): Int32Array {
  const out = new Int32Array(n * 3);
  for (let i = 0; i < n; i++) out.set([from + i, -(from + i), (from + i) ** 2], 3 * i);
  return out;
}

Deno.test("appender: many chunks of varying size across the buffer, close renames", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/trace.npy`;
    const flushed: number[] = [];
    // 40-byte buffer = 3 rows and a bit: exercises buffered, drained and direct writes.
    const app = await NpyAppender.open(path, "i32", [3], {
      bufferBytes: 40,
      onFlush: (n) => void flushed.push(n),
    });
    assert(await exists(partialPathOf(path)), "partial file exists while writing");
    assert(!(await exists(path)), "final file appears only at close");
    let r = 0;
    for (const n of [1, 0, 2, 5, 1, 3, 17, 1, 1, 2]) {
      await app.append(rows(r, n), n);
      r += n;
    }
    assertEquals(app.rows, 33);
    await app.close();
    assertEquals(flushed, [33]);
    assert(!(await exists(partialPathOf(path))), "partial file renamed away");
    const a = await readNpyFile(path);
    assertEquals(a.shape, [33, 3]);
    assertEquals(a.data, rows(0, 33));
    // The closed file carries the reserved header, which is still a valid 64-aligned .npy.
    assertEquals((await readNpyFileHeader(path)).dataOffset % 64, 0);
    await assertRejects(() => app.append(rows(0, 1), 1), /appender is closed/);
  });
});

Deno.test("appender: flushed rows are readable from the partial file while writing", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/trace.npy`;
    const app = await NpyAppender.open(path, "i32", [3], { bufferBytes: 24 });
    const partial = partialPathOf(path);
    assertEquals((await readNpyFile(partial)).shape, [0, 3], "valid (empty) from the start");
    await app.append(rows(0, 5), 5);
    await app.flush();
    assertEquals(app.flushedRows, 5);
    await app.append(rows(5, 4), 4); // more than the buffer: on disk, but not counted yet
    assertEquals(app.flushedRows, 5);
    const seen = await readNpyFile(partial, { allowTrailing: true });
    assertEquals(seen.shape, [5, 3]);
    assertEquals(seen.data, rows(0, 5));
    await assertRejects(() => readNpyFile(partial), /bytes after the data/);
    assertEquals((await readNpyRows(partial, 2, 3)).data, rows(2, 3));
    await assertRejects(() => readNpyRows(partial, 4, 2), /out of range: file has 5 rows/);
    await app.flush();
    assertEquals((await readNpyFile(partial)).data, rows(0, 9));
    await app.close();
  });
});

Deno.test("appender: resume continues a partial file and drops the unflushed tail", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/trace.npy`;
    const first = await NpyAppender.open(path, "i32", [3], { bufferBytes: 12 });
    await first.append(rows(0, 6), 6);
    await first.flush();
    await first.append(rows(6, 3), 3); // written past the buffer, never flushed: a "crash"
    await first.abandon();
    await assertRejects(
      () => NpyAppender.open(path, "i32", [3]),
      /already exists: refusing to overwrite \(pass resume: true/,
    );
    await assertRejects(
      () => NpyAppender.open(path, "f32", [3], { resume: true }),
      /cannot resume: file holds i32 with shape \(6, 3\), expected f32 rows of \(3,\)/,
    );
    const again = await NpyAppender.open(path, "i32", [3], { resume: true });
    assertEquals(again.rows, 6);
    await again.append(rows(6, 1), 1); // shorter than the dropped tail: it must be truncated
    await again.close();
    assertEquals((await readNpyFile(path)).data, rows(0, 7));
  });
});

Deno.test("appender: resume of a finished file (even one from np.save) keeps it intact until close", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/trace.npy`;
    // A compact NumPy-style header (not the appender's reserved one).
    await writeNpyFile(path, { dtype: "i32", shape: [4, 3], data: rows(0, 4) });
    const before = await Deno.readFile(path);
    const app = await NpyAppender.open(path, "i32", [3], { resume: true });
    assertEquals(app.rows, 4);
    await app.append(rows(4, 3), 3);
    await app.flush();
    assertEquals(await Deno.readFile(path), before, "finished file untouched while appending");
    await app.close();
    assertEquals((await readNpyFile(path)).data, rows(0, 7));
    // And again on the appender's own output.
    const more = await NpyAppender.open(path, "i32", [3], { resume: true });
    await more.append(rows(7, 1), 1);
    await more.close();
    assertEquals((await readNpyFile(path)).data, rows(0, 8));
    assertEquals((await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name), ["trace.npy"]);
  });
});

Deno.test("appender: bad input is refused and leaves written rows intact", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/trace.npy`;
    const app = await NpyAppender.open(path, "f64", [2]);
    await app.append(new Float64Array([1, 2, 3, 4]), 2);
    await assertRejects(() => app.append(new Float32Array(2) as never, 1), /got f32, expected f64/);
    await assertRejects(() => app.append(new Float64Array(3), 2), /at least 4 elements/);
    await assertRejects(() => app.append(new Float64Array(4), -1), /nRows >= 0/);
    await app.append(new Float64Array([5, 6, 99]), 1); // extra elements are ignored
    await app.close();
    const a = await readNpyFile(path);
    assertEquals([a.shape, Array.from(a.data)], [[3, 2], [1, 2, 3, 4, 5, 6]]);
    // A file that is not .npy is not resumed (and not modified).
    await Deno.writeTextFile(`${dir}/junk.npy`, "hello");
    await assertRejects(
      () => NpyAppender.open(`${dir}/junk.npy`, "f64", [2], { resume: true }),
      /junk\.npy: not a \.npy file: bad magic/,
    );
    assertEquals(await Deno.readTextFile(`${dir}/junk.npy`), "hello");
  });
});

Deno.test("appender: scalar rows (rowShape []) and zero-size rows", async () => {
  await withTempDir(async (dir) => {
    const s = await NpyAppender.open(`${dir}/s.npy`, "u8", []);
    await s.append(new Uint8Array([1, 2, 3]), 3);
    await s.close();
    assertEquals(await Deno.readFile(`${dir}/s.npy`).then((b) => b.length), 128 + 3);
    assertEquals(await readNpyFile(`${dir}/s.npy`), {
      dtype: "u8",
      shape: [3],
      data: new Uint8Array([1, 2, 3]),
    });
    const z = await NpyAppender.open(`${dir}/z.npy`, "f32", [0, 2]);
    await z.append(new Float32Array(0), 5);
    await z.close();
    assertEquals((await readNpyFile(`${dir}/z.npy`)).shape, [5, 0, 2]);
    // Same bytes as a one-shot encode, apart from header padding.
    const one = encodeNpy({ dtype: "u8", shape: [3], data: new Uint8Array([1, 2, 3]) });
    assertEquals((await Deno.readFile(`${dir}/s.npy`)).subarray(128), one.subarray(128));
  });
});

Deno.test("NpyAppender keepRows drops rows after a checkpoint and refuses missing ones", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/t.npy`;
  const a = await NpyAppender.open(path, "f32", [2]);
  await a.append(Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7]), 4);
  await a.flush();
  await a.abandon();
  const b = await NpyAppender.open(path, "f32", [2], { resume: true, keepRows: 3 });
  assertEquals(b.flushedRows, 3);
  await b.append(Float32Array.from([9, 9]), 1);
  await b.close();
  const got = await readNpyFile(path);
  assertEquals([...got.shape], [4, 2]);
  assertEquals([...got.data], [0, 1, 2, 3, 4, 5, 9, 9]);
  await assertRejects(
    () => NpyAppender.open(path, "f32", [2], { resume: true, keepRows: 5 }),
    Error,
    "expected at least 5",
  );
  // The refused resume left the finished file as it was.
  assertEquals([...(await readNpyFile(path)).data], [0, 1, 2, 3, 4, 5, 9, 9]);
  await Deno.remove(dir, { recursive: true });
});
