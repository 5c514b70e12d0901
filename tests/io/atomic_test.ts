import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { dirnameOf, writeFileAtomic } from "../../src/io/atomic.ts";

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "landscape_atomic_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const names = async (dir: string) =>
  (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();

Deno.test("atomic: writes text, bytes and chunk streams, replacing the old file", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/a.json`;
    await writeFileAtomic(path, "first");
    assertEquals(await Deno.readTextFile(path), "first");
    await writeFileAtomic(path, new Uint8Array([104, 105]));
    assertEquals(await Deno.readTextFile(path), "hi");
    await writeFileAtomic(path, [new Uint8Array([97]), new Uint8Array([98, 99])]);
    assertEquals(await Deno.readTextFile(path), "abc");
    assertEquals(await names(dir), ["a.json"], "no temporary files left behind");
  });
});

Deno.test("atomic: a write that fails midway leaves the old file intact and no temp file", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/run.json`;
    await writeFileAtomic(path, '{"old": true}');
    let chunksWritten = 0;
    async function* failing(): AsyncIterable<Uint8Array> {
      yield new Uint8Array(70_000).fill(120);
      chunksWritten++;
      // By now the first chunk is in the temp file: the producer dies midway.
      const tmp = (await names(dir)).filter((n) => n.endsWith(".tmp"));
      assertEquals(tmp.length, 1, "temp file sits in the same folder");
      assert(tmp[0].startsWith("run.json."), `temp name ${tmp[0]} is <path>.<random>.tmp`);
      throw new Error("producer failed");
    }
    await assertRejects(() => writeFileAtomic(path, failing()), /producer failed/);
    assertEquals(chunksWritten, 1);
    assertEquals(await Deno.readTextFile(path), '{"old": true}');
    assertEquals(await names(dir), ["run.json"]);
  });
});

Deno.test("atomic: failure to rename (target is a folder) keeps the target and cleans up", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(`${dir}/taken`);
    await Deno.writeTextFile(`${dir}/taken/keep.txt`, "keep");
    await assertRejects(() => writeFileAtomic(`${dir}/taken`, "x"));
    assertEquals(await Deno.readTextFile(`${dir}/taken/keep.txt`), "keep");
    assertEquals(await names(dir), ["taken"]);
  });
});

Deno.test("atomic: dirnameOf", () => {
  assertEquals(dirnameOf("runs/x/run.json"), "runs/x");
  assertEquals(dirnameOf("run.json"), ".");
  assertEquals(dirnameOf("/run.json"), "/");
});
