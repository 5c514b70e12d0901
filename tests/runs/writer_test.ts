import { assertEquals, assertMatch, assertRejects } from "../_assert.ts";
import { RunStore } from "../../src/io/run_store.ts";
import { parseRunManifest } from "../../src/io/manifest.ts";
import {
  failureReason,
  recordRun,
  RUN_KINDS,
  runKindOf,
  writeSpecArray,
} from "../../src/runs/writer.ts";
import { solveToRun } from "../../src/runs/solve.ts";
import { simulateToRun } from "../../src/runs/simulate.ts";
import { basinsToRun } from "../../src/runs/basins.ts";
import { detectOnEnsemble, ensembleFromCandidateArray } from "../../src/basins/user_data.ts";
import { erdosRenyi } from "../../src/models/co/generators.ts";
import { misProblem } from "../../src/models/co/mis.ts";
import { pasSampler } from "../../src/samplers/pas.ts";

const START = { command: ["test"], config: {}, seed: 1, backend: "cpu" as const };

async function withStore(fn: (store: RunStore) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(new RunStore(dir));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("recordRun: running while the work runs, done after it, kind recorded", async () => {
  await withStore(async (store) => {
    let seen = "";
    const { runId, value } = await recordRun(
      store,
      "sample",
      { ...START, command: ["x"] },
      async (run) => {
        seen = (await store.open(run.id)).manifest.status;
        return 7;
      },
    );
    assertEquals([seen, value], ["running", 7]);
    const m = (await store.open(runId)).manifest;
    assertEquals([m.status, m.kind, m.schemaVersion], ["done", "sample", 2]);
    assertEquals(runKindOf(m), "sample");
  });
});

Deno.test("recordRun: a throwing work leaves the run failed with a one-line reason and rethrows", async () => {
  await withStore(async (store) => {
    let id = "";
    await assertRejects(
      () =>
        recordRun(store, "solve", START, (run) => {
          id = run.id;
          throw new Error("device lost\n  while sampling");
        }),
      Error,
      "device lost",
    );
    const m = (await store.open(id)).manifest;
    assertEquals([m.status, m.error, m.kind], ["failed", "device lost while sampling", "solve"]);
    assertEquals(failureReason("plain"), "plain");
  });
});

Deno.test("runKindOf: old manifests without kind fall back to the command; others are null", () => {
  assertEquals(runKindOf({ command: ["basins", "--system", "x"] }), "basins");
  assertEquals(runKindOf({ command: ["demo"] }), null);
  assertEquals(runKindOf({ kind: "discs", command: ["other"] }), "discs");
  assertEquals([...RUN_KINDS], [
    "sample",
    "solve",
    "simulate",
    "basins",
    "discs",
    "rbm",
    "lm",
    "bind",
    "retro",
  ]);
  // A version 1 manifest (no kind) is still read.
  const v1 = parseRunManifest({
    schemaVersion: 1,
    id: "r1",
    command: ["simulate"],
    config: {},
    seed: 0,
    backend: "cpu",
    versions: { landscape: "0", deno: "0", v8: "0", typescript: "0" },
    timings: { createdAt: "2026-11-28T10:15:00.000Z", phases: {} },
    status: "done",
    arrays: {},
    summary: {},
  });
  assertEquals(runKindOf(v1), "simulate");
});

Deno.test("writeSpecArray refuses a dtype or rank the kind does not declare", async () => {
  await withStore(async (store) => {
    const run = await store.create(START);
    const spec = { name: "time", dtype: "f64", shape: ["steps"] } as const;
    await assertRejects(
      () => writeSpecArray(run, spec, [2], new Float32Array(2)),
      Error,
      "array 'time' is f32: expected f64",
    );
    await assertRejects(
      () => writeSpecArray(run, spec, [1, 2], new Float64Array(2)),
      Error,
      "expected [steps]",
    );
    await writeSpecArray(run, spec, [2], Float64Array.of(1, 2));
    assertEquals(run.manifest.arrays.time.shape, [2]);
  });
});

Deno.test("a solve that fails midway is stored as failed with its reason", async () => {
  await withStore(async (store) => {
    const problem = misProblem(erdosRenyi({ n: 12, p: 0.3, seed: 1 }));
    await assertRejects(
      () =>
        solveToRun(store, {
          command: ["solve"],
          config: {},
          problem,
          sampler: pasSampler(),
          options: {
            chains: 2,
            steps: 20,
            seed: 1,
            schedule: () => 1,
            blockSteps: 4,
            onProgress: (done) => {
              if (done >= 8) throw new Error("interrupted at step " + done);
            },
          },
        }, null),
      Error,
      "interrupted",
    );
    const { runs } = await store.list();
    assertEquals(runs.length, 1);
    assertEquals([runs[0].status, runs[0].kind], ["failed", "solve"]);
    assertMatch(runs[0].error ?? "", /^interrupted at step \d+$/);
  });
});

Deno.test("a simulation that fails midway is stored as failed, keeping the frames stored so far", async () => {
  await withStore(async (store) => {
    await assertRejects(
      () =>
        simulateToRun(
          store,
          {
            system: "double-well",
            starts: [[-1], [1]],
            trajectories: 2,
            frames: 40,
            stride: 2,
            backend: "cpu",
          },
          null,
          {
            onFrames: (stored) => {
              if (stored > 1) throw new Error(`disk full after ${stored} frames`);
            },
          },
        ),
      Error,
      "disk full",
    );
    const { runs } = await store.list();
    assertEquals([runs[0].status, runs[0].kind], ["failed", "simulate"]);
    assertMatch(runs[0].error ?? "", /^disk full after \d+ frames$/);
    const frames = await (await store.open(runs[0].id)).readArray("frames");
    assertEquals(frames.shape.slice(1), [4, 1]);
  });
});

Deno.test("a basin detection that fails midway is stored as failed with its reason", async () => {
  await withStore(async (store) => {
    const data = new Float32Array(2 * 8 * 2 * 2).map((_, i) => (i < 32 ? -2 : 2) + Math.sin(i));
    const ens = ensembleFromCandidateArray({ dtype: "f32", shape: [2, 8, 2, 2], data });
    await assertRejects(
      () =>
        basinsToRun(store, { ...START, command: ["basins"] }, async () => {
          const r = await detectOnEnsemble(ens, null, {
            featurizer: { kind: "snapshot" },
            seed: 1,
            backend: "cpu",
            hidden: [4],
            design: "pairwise",
            onRisk: () => {
              throw new Error("classifier diverged");
            },
          });
          return { ...r, frames: ens, labelsTrue: null, candidates: null, summary: {} };
        }),
      Error,
      "classifier diverged",
    );
    const { runs } = await store.list();
    assertEquals([runs[0].status, runs[0].kind, runs[0].error], [
      "failed",
      "basins",
      "classifier diverged",
    ]);
    assertEquals(Object.keys(runs[0].arrays), []);
  });
});
