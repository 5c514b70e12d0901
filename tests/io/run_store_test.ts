import { assert, assertEquals, assertMatch, assertRejects } from "../_assert.ts";
import { newRunId, RunStore } from "../../src/io/run_store.ts";
import { parseRunManifest } from "../../src/io/manifest.ts";
import { partialPathOf } from "../../src/io/npy_appender.ts";

async function withStore(fn: (store: RunStore, root: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "landscape_runs_" });
  try {
    await fn(new RunStore(`${dir}/runs`), `${dir}/runs`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const base = {
  command: ["sample", "--model", "ising"],
  config: { model: { name: "ising", size: 4 }, steps: 100 },
  seed: 7,
  backend: "cpu" as const,
};

async function readJson(path: string) {
  return JSON.parse(await Deno.readTextFile(path));
}

Deno.test("run store: create, write arrays and summary, finish, open and read back", async () => {
  await withStore(async (store, root) => {
    const run = await store.create({
      ...base,
      backend: "webgpu",
      adapter: { description: "llvmpipe", vendor: "mesa", isFallbackAdapter: true },
      now: new Date("2026-11-28T10:15:00Z"),
    });
    assertMatch(run.id, /^20261128-101500-[0-9a-f]{6}$/);
    const onDisk = parseRunManifest(await readJson(`${root}/${run.id}/run.json`));
    assertEquals(onDisk.status, "running");
    assertEquals(onDisk.config, base.config);
    assertEquals(onDisk.versions.deno, Deno.version.deno);
    assertEquals(onDisk.adapter, {
      description: "llvmpipe",
      vendor: "mesa",
      isFallbackAdapter: true,
    });

    await run.writeArray("x", {
      dtype: "f32",
      shape: [2, 2],
      data: new Float32Array([1, 2, 3, 4]),
    });
    await assertRejects(
      () => run.writeArray("x", { dtype: "u8", shape: [1], data: new Uint8Array(1) }),
      /array 'x' already exists .*replace: true/,
    );
    const trace = await run.appender("energy", "f64", [2]);
    await trace.append(new Float64Array([1, 2, 3, 4]), 2);
    await trace.flush();
    // The manifest follows flushes, and a reader sees the flushed rows of the running run.
    const mid = await store.open(run.id);
    assertEquals(mid.manifest.arrays.energy.shape, [2, 2]);
    assertEquals((await mid.readArray("energy")).data, new Float64Array([1, 2, 3, 4]));
    await trace.append(new Float64Array([5, 6]), 1);
    await run.setSummary({ acceptance: 0.25, rhat: NaN, label: "ok" });
    await run.recordPhase("sample", 1.5);
    await run.recordPhase("sample", 0.5);
    await run.finish("done"); // closes the open appender

    const r = await store.open(run.id);
    assertEquals(r.manifest.status, "done");
    assert(r.manifest.timings.finishedAt !== undefined);
    assertEquals(r.manifest.timings.phases, { sample: 2 });
    assertEquals(r.manifest.summary, { acceptance: 0.25, rhat: "NaN", label: "ok" });
    assertEquals(r.arrayNames.sort(), ["energy", "x"]);
    assertEquals(r.manifest.arrays.energy, { file: "energy.npy", dtype: "f64", shape: [3, 2] });
    assertEquals(await r.readArray("x"), {
      dtype: "f32",
      shape: [2, 2],
      data: new Float32Array([1, 2, 3, 4]),
    });
    assertEquals((await r.readArrayRows("energy", 1, 2)).data, new Float64Array([3, 4, 5, 6]));
    await assertRejects(() => r.readArray("nope"), /has no array 'nope': it has x, energy/);
    await assertRejects(() => run.finish("done"), /run '.*' is done: expected a running run/);
    await assertRejects(
      () => run.writeArray("y", { dtype: "u8", shape: [0], data: new Uint8Array() }),
      /is done: expected a running run/,
    );
    const files = (await Array.fromAsync(Deno.readDir(`${root}/${run.id}`))).map((e) => e.name);
    assertEquals(files.sort(), ["energy.npy", "run.json", "x.npy"]);
  });
});

Deno.test("run store: ids are checked, existing runs are never overwritten", async () => {
  await withStore(async (store, root) => {
    const run = await store.create({ ...base, id: "mine" });
    await run.writeArray("a", { dtype: "u8", shape: [1], data: new Uint8Array([9]) });
    const before = await Deno.readTextFile(`${root}/mine/run.json`);
    await assertRejects(
      () => store.create({ ...base, id: "mine" }),
      /run 'mine' already exists .*refusing to overwrite/,
    );
    assertEquals(await Deno.readTextFile(`${root}/mine/run.json`), before);
    for (const id of ["../evil", "a/b", "..", "x\\y", "/abs"]) {
      await assertRejects(() => store.create({ ...base, id }), /invalid run id/);
      await assertRejects(() => store.open(id), /invalid run id/);
    }
    await assertRejects(
      () => run.writeArray("../up", { dtype: "u8", shape: [0], data: new Uint8Array() }),
      /invalid array name '\.\.\/up'/,
    );
    await assertRejects(() => run.appender("a/b", "u8", []), /invalid array name/);
    assertEquals((await Array.fromAsync(Deno.readDir(`${root}/..`))).map((e) => e.name), ["runs"]);
    await assertRejects(() => store.open("missing"), /run 'missing' not found/);
    await assertRejects(
      () => store.create({ ...base, config: { n: 1n } as Record<string, unknown> }),
      /config is not JSON-serialisable/,
    );
  });
});

Deno.test("run store: list is newest first and reports folders that are not runs", async () => {
  await withStore(async (store, root) => {
    const times = ["2026-01-02T00:00:00Z", "2026-03-01T00:00:00Z", "2026-02-01T00:00:00Z"];
    const ids: string[] = [];
    for (const t of times) ids.push((await store.create({ ...base, now: new Date(t) })).id);
    await Deno.mkdir(`${root}/empty`);
    await Deno.mkdir(`${root}/broken`);
    await Deno.writeTextFile(`${root}/broken/run.json`, "{not json");
    await Deno.mkdir(`${root}/wrongid`);
    const m = await readJson(`${root}/${ids[0]}/run.json`);
    await Deno.writeTextFile(`${root}/wrongid/run.json`, JSON.stringify(m));
    await Deno.mkdir(`${root}/badfield`);
    await Deno.writeTextFile(
      `${root}/badfield/run.json`,
      JSON.stringify({ ...m, id: "badfield", seed: "x" }),
    );
    await Deno.writeTextFile(`${root}/stray.txt`, "not a folder, ignored");
    const list = await store.list();
    assertEquals(list.runs.map((r) => r.id), [ids[1], ids[2], ids[0]]);
    assertEquals(list.skipped.map((s) => s.id), ["badfield", "broken", "empty", "wrongid"]);
    const reason = Object.fromEntries(list.skipped.map((s) => [s.id, s.reason]));
    assertMatch(reason.empty, /no run\.json/);
    assertMatch(reason.broken, /not valid JSON/);
    assertMatch(reason.badfield, /run\.json is invalid: seed: .*expected number/);
    assertMatch(reason.wrongid, /does not match folder name 'wrongid'/);
    assertEquals(await new RunStore(`${root}/nothing-here`).list(), { runs: [], skipped: [] });
  });
});

Deno.test("run store: a failed run resumes and its trace continues", async () => {
  await withStore(async (store, root) => {
    const run = await store.create({ ...base, id: "long" });
    const trace = await run.appender("trace", "i32", [2]);
    await trace.append(new Int32Array([1, 2, 3, 4]), 2);
    await trace.flush();
    await trace.append(new Int32Array([99, 99]), 1); // lost: never flushed
    await trace.abandon();
    // Simulated crash: the manifest still says "running" with 2 flushed rows, and the dead
    // process's writer lock is gone (the operating system releases it).
    await assertRejects(() => store.resume("long"), /still being written by another process/);
    run.releaseLock();
    await assertRejects(() => run.appender("trace", "i32", [2]), /already exists/);
    const again = await store.resume("long");
    const t2 = await again.appender("trace", "i32", [2]);
    assertEquals(t2.rows, 2);
    await t2.append(new Int32Array([5, 6]), 1);
    await again.finish("failed", "out of\nmemory");
    const r = await store.open("long");
    assertEquals([r.manifest.status, r.manifest.error], ["failed", "out of memory"]);
    assertEquals((await r.readArray("trace")).data, new Int32Array([1, 2, 3, 4, 5, 6]));
    assert(
      !(await Deno.lstat(partialPathOf(`${root}/long/trace.npy`)).then(() => true, () => false)),
    );
    const third = await store.resume("long");
    await third.finish("done");
    await assertRejects(() => store.resume("long"), /is done: expected a running or failed run/);
  });
});

Deno.test("run store: newRunId format", () => {
  assertMatch(newRunId(new Date("2026-07-04T03:02:01.999Z")), /^20260704-030201-[0-9a-f]{6}$/);
});
