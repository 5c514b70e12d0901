/**
 * The language-model page through `app.request`: several runs overlaid (curves on the union of
 * their steps), the key-figure table, the samples (HTML-escaped), `?ids=` selection, and runs of
 * other kinds left out.
 */

import { assert, assertEquals } from "../_assert.ts";
import { createApp } from "../../web/app.tsx";
import { RunStore } from "../../src/io/run_store.ts";
import { bucketMeans } from "../../web/routes/lm.tsx";
import type { SeriesData } from "../../web/utils/series.ts";

const VERSIONS = { landscape: "0.1.0", deno: "2.9.6", v8: "0", typescript: "0" };

async function lmRun(
  store: RunStore,
  id: string,
  variant: string,
  loss: number[],
  val: number[][],
  sample: string,
) {
  const run = await store.create({
    id,
    command: ["lm", "train"],
    config: { kind: "lm", arch: "cem", variant, tokenizer: { kind: "char" } },
    seed: 1,
    backend: "cpu",
    versions: VERSIONS,
  });
  await run.writeArray("loss", {
    dtype: "f32",
    shape: [loss.length],
    data: Float32Array.from(loss),
  });
  await run.writeArray("val_bpc", {
    dtype: "f64",
    shape: [val.length, 2],
    data: Float64Array.from(val.flat()),
  });
  await run.setSummary({
    val_bits: val[val.length - 1][1],
    unit: "bits/char",
    params: 1234,
    sample,
  });
  await run.finish("done");
}

/** The props of island `id` in a page. */
function islandData(html: string, id: string): SeriesData {
  const re = /data-props="([^"]*)"/g;
  for (const m of html.matchAll(re)) {
    const props = JSON.parse(
      m[1].replaceAll("&quot;", '"').replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll(
        "&amp;",
        "&",
      ),
    );
    if (props.id === id) return props.data;
  }
  throw new Error(`no island ${id}`);
}

Deno.test("web lm page: runs overlaid, table, escaped samples, ?ids selection", async () => {
  const root = await Deno.makeTempDir();
  const staticDir = await Deno.makeTempDir();
  try {
    const store = new RunStore(root);
    await lmRun(
      store,
      "lm-a",
      "baseline",
      [4, 3, 2, 1.5],
      [[2, 3.5], [4, 2.25]],
      "<b>ROMEO</b>: a",
    );
    await lmRun(store, "lm-b", "full_cem", [4.1, 3.1, 2.1], [[3, 3.0]], "JULIET: b & c");
    const other = await store.create({
      id: "sample-x",
      command: ["sample"],
      config: {},
      seed: 0,
      backend: "cpu",
      versions: VERSIONS,
    });
    await other.finish("done");
    const app = createApp({ runsDir: root, staticDir });
    const res = await app.request("/lm");
    assertEquals(res.status, 200);
    const html = await res.text();
    assert(html.includes("lm-a") && html.includes("lm-b") && !html.includes("sample-x"));
    assert(
      html.includes("&lt;b>ROMEO&lt;/b>") || html.includes("&lt;b&gt;ROMEO&lt;/b&gt;"),
      "sample escaped",
    );
    assert(!html.includes("<b>ROMEO</b>"));
    assert(html.includes("JULIET: b &amp; c"));
    const val = islandData(html, "chart-lm-val");
    assertEquals(val.x, [2, 3, 4]);
    const byLabel = Object.fromEntries(val.series.map((s) => [s.label.split(" ")[0], s.values]));
    assertEquals(byLabel.baseline, [3.5, null, 2.25]);
    assertEquals(byLabel.full_cem, [null, 3.0, null]);
    const loss = islandData(html, "chart-lm-loss");
    assertEquals(loss.x, [1, 2, 3, 4]);
    assertEquals(loss.series.map((s) => s.values.filter((v) => v !== null).length).sort(), [3, 4]);
    const one = await (await app.request("/lm?ids=lm-b")).text();
    assert(one.includes("lm-b") && !one.includes('data-run="lm-a"'));
    assertEquals((await app.request("/lm?ids=..%2Fx")).status, 404);
  } finally {
    await Deno.remove(root, { recursive: true });
    await Deno.remove(staticDir, { recursive: true });
  }
});

Deno.test("web lm page: bucket means keep the mean of each bucket", () => {
  const { x, y } = bucketMeans([1, 3, 5, 7, 9], 2);
  assertEquals(x, [3, 5]);
  assertEquals(y, [3, 8]);
});
