import { assert, assertEquals } from "../_assert.ts";
import { parameterCount, VARIANTS } from "../../src/lm/config.ts";
import { runStudy, studyCells } from "../../src/lm/study.ts";
import { modelOf } from "../../src/lm/train.ts";
import { RunStore } from "../../src/io/run_store.ts";
import { CHECKPOINT_FILE, readCheckpoint, writeCheckpoint } from "../../src/lm/checkpoint.ts";

const TEXT = "It is a truth universally acknowledged, that a single man. ".repeat(6);

Deno.test("study grid: every variant in both settings, baseline once, matched widths, fixed ids", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/t.txt`, TEXT);
    const base = { text: `${dir}/t.txt`, dModel: 16, nHeads: 2, nLayers: 2, context: 8 };
    const { tag, cells } = await studyCells({
      base,
      seeds: 2,
      settings: ["same_width", "matched"],
      out: `${dir}/cem.md`,
      command: [],
    });
    const n = Object.keys(VARIANTS).length;
    assertEquals(cells.length, 2 * (2 * n - 1));
    assertEquals(new Set(cells.map((c) => c.id)).size, cells.length);
    const vocab = new Set(TEXT).size;
    const baseline = parameterCount(modelOf(cells[0].cfg, vocab)).nonEmbedding;
    assertEquals(cells[0].variant, "baseline");
    for (const c of cells.filter((c) => c.setting === "matched")) {
      const m = modelOf(c.cfg, vocab);
      // Within one hidden unit's cost (2 or 3 d per unit, plus nothing else) of the baseline.
      assert(Math.abs(parameterCount(m).nonEmbedding - baseline) <= 3 * 16 * 2, `${c.id}`);
    }
    const sameFull = cells.find((c) => c.setting === "same_width" && c.variant === "full_cem")!;
    assert(parameterCount(modelOf(sameFull.cfg, vocab)).nonEmbedding < 0.7 * baseline);
    // The same base config gives the same tag (so a rerun resumes the same runs).
    const again = await studyCells({
      base,
      seeds: 1,
      settings: ["same_width"],
      out: "",
      command: [],
    });
    assertEquals(again.tag, tag);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** A study base config small enough to train in a second, on the text in `dir`. */
const tinyBase = (dir: string, extra: Record<string, number>) => ({
  text: `${dir}/t.txt`,
  dModel: 8,
  nHeads: 2,
  nLayers: 1,
  context: 8,
  batch: 2,
  evalWindows: 2,
  sampleLength: 4,
  ...extra,
});

Deno.test("study: runs are stored, a rerun skips finished cells, the page counts them", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/t.txt`, TEXT);
    const opts = {
      base: tinyBase(dir, { steps: 2 }),
      seeds: 2,
      variants: ["baseline", "cem_t2"],
      settings: ["same_width"] as ("same_width" | "matched")[],
      out: `${dir}/docs/cem.md`,
      command: ["test"],
    };
    const store = new RunStore(`${dir}/runs`);
    await runStudy(store, opts);
    const first = (await store.list()).runs.map((r) => `${r.id}:${r.timings.createdAt}`).sort();
    assertEquals(first.length, 4);
    const page = await runStudy(store, opts);
    assertEquals(
      (await store.list()).runs.map((r) => `${r.id}:${r.timings.createdAt}`).sort(),
      first,
    );
    assert(page.includes("4 finished runs of 4 stored"), page);
    assert(/\| cem_t2 \| 2 \| \d\.\d{4} ± \d\.\d{4} \|/.test(page), page);
    assertEquals(await Deno.readTextFile(`${dir}/docs/cem.md`), page);
    // The curve table: per evaluation step, the mean of the seeds' stored validation bits.
    const runs = (await store.list()).runs.filter((r) => r.config.variant === "cem_t2");
    const curves = await Promise.all(
      runs.map(async (r) => Array.from((await (await store.open(r.id)).readArray("val_bpc")).data)),
    );
    const steps = curves[0].filter((_, i) => i % 2 === 0);
    assert(steps.length > 0);
    const means = steps.map((_, k) =>
      ((curves[0][2 * k + 1] + curves[1][2 * k + 1]) / 2).toFixed(3)
    );
    assert(page.includes(`| variant | ${steps.map((s) => `step ${s}`).join(" | ")} |`), page);
    assert(page.includes(`| cem_t2 | ${means.join(" | ")} |`), page);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("study: an interrupted cell resumes, one cut off under other code starts again", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/t.txt`, TEXT);
    const opts = {
      base: tinyBase(dir, { steps: 4, checkpointEvery: 2 }),
      seeds: 2,
      variants: ["baseline"],
      settings: ["same_width"] as ("same_width" | "matched")[],
      out: `${dir}/cem.md`,
      command: ["test"],
    };
    const store = new RunStore(`${dir}/runs`);
    await runStudy(store, opts);
    const ids = (await store.list()).runs.map((r) => r.id).sort();
    assertEquals(ids.length, 2);
    // Both cells cut off after their step-2 checkpoint; the second one's checkpoint is from
    // other code.
    for (const [k, id] of ids.entries()) {
      const manifest = JSON.parse(await Deno.readTextFile(`${dir}/runs/${id}/run.json`));
      await Deno.writeTextFile(
        `${dir}/runs/${id}/run.json`,
        JSON.stringify({ ...manifest, status: "running" }),
      );
      const path = `${dir}/runs/${id}/${CHECKPOINT_FILE}`;
      const ck = await readCheckpoint(path);
      await writeCheckpoint(path, { ...ck, step: 2, ...(k === 1 ? { codeVersion: "other" } : {}) });
    }
    const log: string[] = [];
    await runStudy(store, { ...opts, log: (l) => log.push(l) });
    assert(log.some((l) => l.includes(`${ids[0]}: resuming`)), log.join("\n"));
    assert(
      log.some((l) => l.includes(`${ids[1]}: checkpoint of other code, starting the cell again`)),
      log.join("\n"),
    );
    for (const id of ids) assertEquals((await store.open(id)).manifest.status, "done");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
