import { assertEquals } from "../_assert.ts";
import { formatRunDetails, formatRunList, formatSeconds } from "../../src/io/runs_format.ts";
import type { RunManifest } from "../../src/io/manifest.ts";

function manifest(id: string, over: Partial<RunManifest> = {}): RunManifest {
  return {
    schemaVersion: 1,
    id,
    command: ["sample", "--model", "ising", "--note", "two words"],
    config: { steps: 10 },
    seed: 42,
    backend: "cpu",
    versions: { landscape: "0.1.0", deno: "2.9.6", v8: "15.0", typescript: "6.0.3" },
    timings: {
      createdAt: "2026-11-28T10:15:00.000Z",
      finishedAt: "2026-11-28T10:15:12.340Z",
      phases: {},
    },
    status: "done",
    arrays: {},
    summary: {},
    ...over,
  };
}

Deno.test("runs format: list table, running runs and skipped folders", () => {
  const running = manifest("20261128-110000-ffffff", {
    status: "running",
    backend: "webgpu",
    seed: 3,
    command: ["demo"],
    timings: { createdAt: "2026-11-28T11:00:00.000Z", phases: {} },
  });
  const text = formatRunList({
    runs: [running, manifest("20261128-101500-a1b2c3")],
    skipped: [{ id: "junk", reason: "runs/junk/run.json: no run.json" }],
  });
  assertEquals(
    text,
    [
      "ID                      STATUS   BACKEND  SEED  CREATED               DURATION  COMMAND",
      "20261128-110000-ffffff  running  webgpu   3     2026-11-28 11:00:00Z  -         demo",
      "20261128-101500-a1b2c3  done     cpu      42    2026-11-28 10:15:00Z  12.3 s    sample --model ising --note 'two words'",
      "skipped runs/junk: runs/junk/run.json: no run.json",
    ].join("\n"),
  );
  assertEquals(formatRunList({ runs: [], skipped: [] }, "out/runs"), "no runs in out/runs");
});

Deno.test("runs format: details of one run", () => {
  const m = manifest("r1", {
    status: "failed",
    error: "adapter lost",
    backend: "webgpu",
    adapter: { description: "llvmpipe", vendor: "mesa", isFallbackAdapter: true },
    timings: {
      createdAt: "2026-11-28T10:15:00.000Z",
      finishedAt: "2026-11-28T10:19:05.000Z",
      phases: { compile: 0.25, sample: 244.75 },
    },
    summary: { acceptance: 0.41, rhat: "NaN" },
    arrays: { energy: { file: "energy.npy", dtype: "f64", shape: [1000, 4] } },
  });
  assertEquals(
    formatRunDetails(m),
    [
      "run r1",
      "status    failed",
      "command   sample --model ising --note 'two words'",
      "backend   webgpu (llvmpipe, mesa, fallback adapter)",
      "seed      42",
      "created   2026-11-28 10:15:00Z",
      "finished  2026-11-28 10:19:05Z (4 min 05 s)",
      "versions  landscape 0.1.0, deno 2.9.6, v8 15.0, ts 6.0.3",
      "phases    compile 250 ms, sample 4 min 05 s",
      "error     adapter lost",
      "summary",
      "  KEY         VALUE",
      "  acceptance  0.41",
      "  rhat        NaN",
      "arrays",
      "  NAME    DTYPE  SHAPE      FILE",
      "  energy  f64    [1000, 4]  energy.npy",
      "config",
      "  {",
      '    "steps": 10',
      "  }",
    ].join("\n"),
  );
});

Deno.test("runs format: formatSeconds", () => {
  assertEquals(
    [0.0004, 0.85, 12.34, 59.96, 245, 7385].map(formatSeconds),
    ["0 ms", "850 ms", "12.3 s", "1 min 00 s", "4 min 05 s", "2 h 03 min"],
  );
});
