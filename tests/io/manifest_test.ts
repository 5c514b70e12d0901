import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { checkSafeName, parseRunManifest, type RunManifest } from "../../src/io/manifest.ts";

function valid(): RunManifest {
  return {
    schemaVersion: 1,
    id: "20261128-101500-a1b2c3",
    command: ["sample", "--steps", "10"],
    config: { model: { name: "ising", size: 8 }, steps: 10 },
    seed: 42,
    backend: "webgpu",
    adapter: { description: "llvmpipe", vendor: "mesa", architecture: "", isFallbackAdapter: true },
    versions: { landscape: "0.1.0", deno: "2.9.6", v8: "15.0", typescript: "6.0.3" },
    timings: {
      createdAt: "2026-11-28T10:15:00.000Z",
      finishedAt: "2026-11-28T10:15:12.500Z",
      phases: { compile: 1.25, sample: 11 },
    },
    status: "done",
    arrays: { energy: { file: "energy.npy", dtype: "f64", shape: [10, 4] } },
    summary: { acceptance: 0.41, note: "ok" },
  };
}

Deno.test("manifest: a complete manifest parses unchanged (and survives JSON)", () => {
  const m = valid();
  assertEquals(parseRunManifest(JSON.parse(JSON.stringify(m))), m);
  const minimal: Record<string, unknown> = { ...valid(), status: "running" };
  delete minimal.adapter;
  delete (minimal.timings as Record<string, unknown>).finishedAt;
  assertEquals(parseRunManifest(minimal).status, "running");
});

Deno.test("manifest: bad fields are rejected with the field path and what was expected", () => {
  // deno-lint-ignore no-explicit-any
  type Loose = Record<string, any>;
  const cases: [(m: Loose) => void, RegExp][] = [
    [(m) => (m.schemaVersion = 3), /^bad: schemaVersion: .*expected one of 1\|2/],
    [(m) => (m.kind = "../x"), /^bad: kind: expected a run kind/],
    [(m) => delete m.seed, /^bad: seed: .*expected number/],
    [(m) => (m.seed = 1.5), /^bad: seed: .*expected int/],
    [(m) => (m.backend = "cuda"), /^bad: backend: .*"webgpu"\|"cpu"/],
    [(m) => (m.status = "ok"), /^bad: status: .*"running"\|"done"\|"failed"/],
    [(m) => (m.command = ["a", 3]), /^bad: command\[1\]: .*expected string/],
    [(m) => (m.timings.createdAt = "yesterday"), /^bad: timings\.createdAt: expected an ISO 8601/],
    [(m) => (m.timings.phases.sample = -1), /^bad: timings\.phases\.sample: .*>=0/],
    [(m) => (m.arrays.energy.dtype = "c8"), /^bad: arrays\.energy\.dtype: .*"f32"/],
    [(m) => (m.arrays.energy.shape = [10, -1]), /^bad: arrays\.energy\.shape\[1\]: .*>=0/],
    [
      (m) => (m.arrays.energy.file = "../x.npy"),
      /^bad: arrays\.energy\.file: expected a file name/,
    ],
    [(m) => (m.id = "../../etc"), /^bad: id: expected a run id/],
    [(m) => (m.adapter.isFallbackAdapter = "yes"), /^bad: adapter\.isFallbackAdapter: .*boolean/],
    [
      (m) => (m.summary.x = { nested: 1 }),
      /^bad: summary\.x: expected a finite number or a string$/,
    ],
    [(m) => (m.summary.y = Infinity), /^bad: summary\.y: expected a finite number/],
    [(m) => (m.extra = 1), /^bad: \(root\): Unrecognized key.*extra/],
    [(m) => (m.versions = {}), /^bad: versions\.landscape: .*\(and 3 more problem\(s\)\)$/],
  ];
  for (const [mutate, re] of cases) {
    const m = valid() as Loose;
    mutate(m);
    assertThrows(() => parseRunManifest(m, "bad"), (e: Error) => {
      assert(re.test(e.message), `message ${JSON.stringify(e.message)} should match ${re}`);
      assert(!e.message.includes("\n"), "one line");
      return true;
    });
  }
  assertThrows(() => parseRunManifest(null, "bad"), /bad: \(root\): .*expected object/);
});

Deno.test("manifest: safe names refuse separators, '..' and odd characters", () => {
  for (const ok of ["20261128-101500-a1b2c3", "my_run.v2", "A", "_x"]) checkSafeName("run id", ok);
  const bad: [string, RegExp][] = [
    ["a/b", /path separators/],
    ["a\\b", /path separators/],
    ["..", /'\.\.' is not allowed/],
    ["x..y", /'\.\.' is not allowed/],
    [".hidden", /not starting with '\.'/],
    ["", /expected 1-128/],
    ["a b", /expected 1-128/],
    ["x".repeat(129), /expected 1-128/],
  ];
  for (const [name, re] of bad) assertThrows(() => checkSafeName("run id", name), re);
});
