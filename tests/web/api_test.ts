/**
 * The dashboard's JSON API and pages through `app.request` (no browser): runs list, decimated
 * arrays, diagnostics, basins, compare, 404 for unknown runs and traversal, the loopback Host
 * guard, and live status over server-sent events.
 */

import { assert, assertEquals } from "../_assert.ts";
import { createApp } from "../../web/app.tsx";
import { discsEss } from "../../src/diagnostics/mod.ts";
import type { SeriesData } from "../../web/utils/series.ts";
import {
  type Fixtures,
  IDS,
  LABELS_PRED,
  LABELS_TRUE,
  makeFixtures,
  SECONDS,
  SIZES,
  SPIKES,
} from "./_fixtures.ts";

async function withApp(fn: (fx: Fixtures, app: ReturnType<typeof createApp>) => Promise<void>) {
  const fx = await makeFixtures();
  // An empty static folder of its own: the browser test may build web/static concurrently.
  const staticDir = await Deno.makeTempDir({ prefix: "landscape-static-" });
  const abort = new AbortController();
  try {
    await fn(
      fx,
      createApp({ runsDir: fx.root, staticDir, sseIntervalMs: 20, signal: abort.signal }),
    );
  } finally {
    abort.abort();
    await fx.running.finish("done").catch(() => {});
    await Deno.remove(fx.root, { recursive: true });
    await Deno.remove(staticDir, { recursive: true });
  }
}

Deno.test("web api: runs list has every run with kind, status and key figures", () =>
  withApp(async (_fx, app) => {
    const res = await app.request("/api/runs");
    assertEquals(res.status, 200);
    const { runs } = await res.json();
    assertEquals(runs.length, Object.keys(IDS).length);
    const byId = Object.fromEntries(runs.map((r: { id: string }) => [r.id, r]));
    assertEquals(byId[IDS.gibbs].kind, "sample");
    assertEquals(byId[IDS.gibbs].sampler, "gibbs");
    assertEquals(byId[IDS.gibbs].model, "ising");
    assertEquals(byId[IDS.running].status, "running");
    assertEquals(byId[IDS.basins].kind, "basins");
    assertEquals(byId[IDS.optimise].kind, "optimise");
    assertEquals(byId[IDS.gibbs].figures[0], ["stepsPerSecond", "1000"]);
    // Newest first (the long trace was created last).
    assertEquals(runs[0].id, IDS.long);
  }));

Deno.test("web api: array endpoint decimates with min/max preserved", () =>
  withApp(async (_fx, app) => {
    const res = await app.request(`/api/runs/${IDS.long}/arrays/trace?points=1000`);
    assertEquals(res.status, 200);
    const d: SeriesData = await res.json();
    assertEquals(d.rows, SIZES.longRows);
    assert(d.decimated);
    assertEquals(d.x.length, 1000);
    assertEquals(d.series.length, 2);
    for (let i = 1; i < d.x.length; i++) assert(d.x[i] > d.x[i - 1], "x increasing");
    const v0 = d.series[0].values as number[], v1 = d.series[1].values as number[];
    assertEquals(Math.max(...v0), SPIKES.maxValue);
    assertEquals(Math.min(...v1), SPIKES.minValue);
    // The spike sits in the bucket that contains its row.
    const at = v0.indexOf(SPIKES.maxValue);
    const lo = d.x[at - (at % 2)], hi = d.x[at - (at % 2) + 1];
    assert(lo <= SPIKES.maxRow && SPIKES.maxRow <= hi, `spike bucket [${lo}, ${hi}]`);
    // A zoomed range small enough comes back whole.
    const z: SeriesData = await (await app.request(
      `/api/runs/${IDS.long}/arrays/trace?points=1000&start=${SPIKES.maxRow - 5}&end=${
        SPIKES.maxRow + 5
      }`,
    )).json();
    assertEquals(z.decimated, false);
    assertEquals(z.x, Array.from({ length: 10 }, (_, i) => SPIKES.maxRow - 5 + i));
    assertEquals(z.series[0].values[5], SPIKES.maxValue);
    // Several arrays with the same rows share x; x can come from another array.
    const o: SeriesData = await (await app.request(
      `/api/runs/${IDS.optimise}/arrays/objective,best_objective?x=time`,
    )).json();
    assertEquals(o.series.length, SIZES.optChains + 1);
    assertEquals(o.xLabel, "time");
    assertEquals(o.x[1], 0.01);
    const raw = await (await app.request(`/api/runs/${IDS.basins}/arrays/start_index?raw=1`))
      .json();
    assertEquals(raw.shape, [SIZES.trajectories]);
    assertEquals(raw.data.slice(0, 3), [0, 1, 2]);
    assertEquals((await app.request(`/api/runs/${IDS.long}/arrays/trace?points=1`)).status, 400);
    assertEquals((await app.request(`/api/runs/${IDS.basins}/arrays/frames`)).status, 400);
  }));

Deno.test("web api: unknown runs, unknown arrays and path traversal get 404", () =>
  withApp(async (_fx, app) => {
    const paths = [
      "/api/runs/no-such-run",
      "/api/runs/..%2F..%2Fetc",
      "/api/runs/..%2F..%2Fetc%2Fpasswd/arrays/x",
      "/api/runs/%2E%2E/arrays/x",
      `/api/runs/${IDS.gibbs}/arrays/nope`,
      `/api/runs/${IDS.gibbs}/arrays/..%2Frun.json`,
      `/api/runs/${IDS.gibbs}/arrays/energy?x=..%2F..%2Fx`,
      "/api/runs/../../etc/passwd",
      "/runs/no-such-run",
      "/runs/..%2F..%2Fetc",
      "/static/..%2F..%2Fdeno.json",
      "/static/client.js", // not built in this test
      "/nothing-here",
    ];
    for (const p of paths) {
      const res = await app.request(p);
      await res.body?.cancel();
      assertEquals(res.status, 404, p);
    }
    // Read only: no other methods.
    const post = await app.request("/api/runs", { method: "POST" });
    await post.body?.cancel();
    assertEquals(post.status, 404);
    // DNS-rebinding guard: a foreign Host is refused unless the server is exposed.
    const foreign = await app.request("/api/runs", { headers: { host: "evil.example:8123" } });
    await foreign.body?.cancel();
    assertEquals(foreign.status, 403);
  }));

Deno.test("web api: diagnostics match src/diagnostics on the stored arrays", () =>
  withApp(async (fx, app) => {
    const d = await (await app.request(`/api/runs/${IDS.dlmc}/diagnostics`)).json();
    const reader = await fx.store.open(IDS.dlmc);
    const h = await reader.readArray("hamming");
    const chains = Array.from(
      { length: SIZES.chains },
      (_, c) => Float64Array.from({ length: SIZES.steps }, (_, t) => h.data[t * SIZES.chains + c]),
    );
    const ess = discsEss(chains, 0.5);
    assertEquals(d.statistic, "hamming");
    assertEquals(d.keptDraws, SIZES.steps / 2);
    assertEquals(d.essPerChain, Array.from(ess.perChain));
    assertEquals(d.essPerSecond, ess.mean / SECONDS.dlmc);
    assertEquals(d.essPerEval, ess.mean / (SIZES.steps * 2));
    assertEquals(d.acceptance, [0, 1, 2, 3].map((c) => 0.5 + 0.05 * c));
    assertEquals(d.autocorr.series.length, SIZES.chains);
    assertEquals(d.autocorr.series[0].values[0], 1);
    assert(d.rhat > 0.99 && d.rhat < 1.05, `R-hat ${d.rhat} of stationary AR(1) chains`);
    const cmp = await (await app.request("/api/compare")).json();
    // Finished sampling runs only (the running one is left out).
    assertEquals(cmp.rows.map((r: { sampler: string }) => r.sampler), [
      "dlmc",
      "gibbs",
      "hamming_ball",
    ]);
    const only = await (await app.request(`/api/compare?ids=${IDS.dlmc},${IDS.basins}`)).json();
    assertEquals(only.rows.length, 1);
    assertEquals(only.skipped[0].id, IDS.basins);
  }));

Deno.test("web api: basin view and projection", () =>
  withApp(async (_fx, app) => {
    const b = await (await app.request(`/api/runs/${IDS.basins}/basins`)).json();
    assertEquals(b.candidates, SIZES.candidates);
    assertEquals(b.basinsFound, 3);
    assertEquals(b.contingency.counts, [[3, 0, 0], [0, 2, 1], [0, 0, 4]]);
    assertEquals(b.dendrogram.links.length, SIZES.candidates - 1);
    assert(Math.abs(b.ari - 0.6762589928057554) < 1e-12, `ARI ${b.ari}`);
    assertEquals(LABELS_TRUE.length, LABELS_PRED.length);
    const p = await (await app.request(
      `/api/runs/${IDS.basins}/projection?mode=coords&i=2&j=0&maxFrames=5`,
    )).json();
    assertEquals(p.frameIndex, [0, 10, 20, 29, 39]);
    assertEquals(p.axes, ["x2", "x0"]);
    assertEquals(p.startIndex.length, SIZES.trajectories);
    assertEquals(p.labelsPred, LABELS_PRED);
    const bad = await app.request(`/api/runs/${IDS.basins}/projection?mode=coords&i=7`);
    await bad.body?.cancel();
    assertEquals(bad.status, 400);
  }));

Deno.test("web pages: server-rendered with islands and their props", () =>
  withApp(async (_fx, app) => {
    const index = await (await app.request("/")).text();
    assert(index.includes('data-island="RunsTable"'));
    assert(index.includes(IDS.running));
    const sample = await (await app.request(`/runs/${IDS.gibbs}`)).text();
    for (
      const id of ["chart-energy", "chart-hamming", "chart-param", "chart-autocorr", "chart-ess"]
    ) {
      assert(sample.includes(`id="${id}"`), id);
    }
    const basins = await (await app.request(`/runs/${IDS.basins}`)).text();
    assert(basins.includes('data-island="Projection"') && basins.includes("<svg"));
    const opt = await (await app.request(`/runs/${IDS.optimise}`)).text();
    assert(opt.includes("chart-objective-time") && opt.includes("64 values"));
    const generic = await (await app.request(`/runs/${IDS.long}`)).text();
    assert(generic.includes("chart-trace"));
  }));

/** Reads server-sent events until `until` returns true (or 5 s pass). */
async function readEvents(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  until: (events: { event: string; data: unknown }[]) => boolean,
) {
  const dec = new TextDecoder();
  const events: { event: string; data: unknown }[] = [];
  let buf = "";
  const deadline = setTimeout(() => reader.cancel(), 5000);
  try {
    while (!until(events)) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let cut;
      while ((cut = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
        const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? "null");
        events.push({ event, data });
      }
    }
  } finally {
    clearTimeout(deadline);
  }
  return events;
}

Deno.test("web api: server-sent events report a status change of a run", () =>
  withApp(async (fx, app) => {
    const res = await app.request("/api/events");
    assertEquals(res.headers.get("content-type"), "text/event-stream; charset=utf-8");
    const reader = res.body!.getReader();
    const first = await readEvents(reader, (e) => e.length >= 1);
    assertEquals(first[0].event, "snapshot");
    const snap = first[0].data as { id: string; status: string }[];
    assertEquals(snap.length, Object.keys(IDS).length);
    assertEquals(snap.find((r) => r.id === IDS.running)?.status, "running");
    await fx.running.finish("done");
    const later = await readEvents(reader, (e) => e.some((x) => x.event === "run"));
    const change = later.find((x) => x.event === "run")?.data as { id: string; status: string };
    assertEquals(change.id, IDS.running);
    assertEquals(change.status, "done");
    await Deno.remove(`${fx.root}/${IDS.long}`, { recursive: true });
    const gone = await readEvents(reader, (e) => e.some((x) => x.event === "removed"));
    assertEquals(gone.find((x) => x.event === "removed")?.data, { id: IDS.long });
    await reader.cancel();
  }));
