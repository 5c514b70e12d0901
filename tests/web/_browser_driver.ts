/**
 * Browser driver of the web e2e test, run by `e2e_test.ts` in a subprocess with `-A`
 * (playwright-core probes `/proc` paths at import, which Deno grants only with all
 * permissions). It writes fixture runs, builds the client, serves the dashboard, drives
 * headless Chromium through every page, saves screenshots, and writes what it measured as JSON
 * to the path given as its first argument; the test asserts on that report.
 * Usage: deno run -A tests/web/_browser_driver.ts <report.json> <screenshots-dir>
 * @module
 */

import { chromium } from "playwright-core";
import { buildClient } from "../../web/build.ts";
import { startDashboard } from "../../web/main.ts";
import { IDS, makeFixtures } from "./_fixtures.ts";

/** Chart facts read from a figure: its data-* attributes and inked canvas pixels. */
export type ChartFacts = Record<string, string | number>;
/** One page visit. */
export type PageReport = {
  status: number;
  errors: string[];
  charts: Record<string, ChartFacts>;
  extra: Record<string, unknown>;
};

const [reportPath, shotsDir] = Deno.args;
if (!reportPath || !shotsDir) {
  throw new Error("usage: _browser_driver.ts <report.json> <screenshots-dir>");
}

const fx = await makeFixtures();
const staticDir = await Deno.makeTempDir({ prefix: "landscape_web_static_" });
await buildClient(staticDir);
const dash = await startDashboard(
  { port: 0, host: "127.0.0.1", runsDir: fx.root, sseIntervalMs: 100 },
  staticDir,
);
// playwright gives each launch a fresh temporary profile (it refuses --user-data-dir here).
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
await Deno.mkdir(shotsDir, { recursive: true });
const report: Record<string, PageReport> = {};
try {
  const page = await browser.newPage({ viewport: { width: 1240, height: 900 } });
  let errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));

  const waitCharts = () =>
    page.waitForFunction(
      () =>
        [...document.querySelectorAll("figure.chart")].every((f) =>
          (f as HTMLElement).dataset.rendered === "true"
        ),
      undefined,
      { timeout: 20_000 },
    );
  const charts = () =>
    page.$$eval("figure.chart", (figs) => {
      const out: Record<string, Record<string, string | number>> = {};
      for (const f of figs) {
        let inked = 0;
        for (const c of f.querySelectorAll("canvas")) {
          const d = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
          for (let i = 0; i < d.length; i += 4) {
            if (d[i + 3] > 0 && (d[i] < 250 || d[i + 1] < 250 || d[i + 2] < 250)) inked++;
          }
        }
        out[f.id] = {
          ...(f as HTMLElement).dataset,
          inked,
          svgRects: f.querySelectorAll("svg rect").length,
          svgLinks: f.querySelectorAll("svg path.link").length,
        };
      }
      return out;
    });
  /** Visits a page, waits for its charts, runs `more`, and records a report entry. */
  const visit = async (
    name: string,
    path: string,
    more: () => Promise<Record<string, unknown>> = () => Promise.resolve({}),
  ) => {
    errors = [];
    const res = await page.goto(new URL(path, dash.url).href);
    await waitCharts();
    const facts = await charts();
    await page.screenshot({ path: `${shotsDir}/${name}.png` });
    const extra = await more();
    report[name] = { status: res?.status() ?? 0, errors, charts: facts, extra };
  };

  await visit("runs", "/", async () => {
    await page.waitForSelector(".runs[data-live=live]");
    const status = `tr[data-run="${IDS.running}"] td.status`;
    const rows = await page.$$eval("#runs-table tbody tr", (trs) => trs.length);
    const before = await page.$eval(status, (td) => (td as HTMLElement).dataset.status);
    await fx.running.finish("done");
    let after = "timeout";
    try {
      await page.waitForSelector(`${status}[data-status=done]`, { timeout: 10_000 });
      after = "done";
    } catch { /* reported as timeout */ }
    await page.fill("input[name=filter]", "dlmc");
    const filtered = await page.$$eval("#runs-table tbody tr", (trs) => trs.length);
    return { rows, before, after, filtered };
  });
  await visit("sampler", `/runs/${IDS.gibbs}`);
  await visit("compare", "/compare", async () => ({
    tableRows: await page.$$eval("#compare-table tbody tr", (r) => r.length),
  }));
  await visit("basins", `/runs/${IDS.basins}`, async () => {
    const ds = () => page.$eval("#chart-projection", (f) => ({ ...(f as HTMLElement).dataset }));
    await page.selectOption("select[name=colorBy]", "start");
    await page.waitForFunction(() =>
      document.querySelector<HTMLElement>("#chart-projection")!.dataset.series !== "3"
    );
    const byStart = await ds();
    await page.$eval("input[name=frame]", (el) => {
      const input = el as HTMLInputElement;
      input.value = "0";
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
    await page.waitForFunction(() =>
      document.querySelector<HTMLElement>("#chart-projection")!.dataset.frame === "0"
    );
    return { byStart, atFrame0: await ds(), truth: await page.textContent("#ground-truth") };
  });
  await visit("optimise", `/runs/${IDS.optimise}`, async () => ({
    best: await page.textContent("#best-solution"),
  }));
  await visit("bind", "/bind", async () => {
    const ds = () => page.$eval("#chart-complex", (f) => ({ ...(f as HTMLElement).dataset }));
    const pixels = () =>
      page.$eval("#chart-complex canvas", (c) => {
        const cv = c as HTMLCanvasElement;
        const d = cv.getContext("2d")!.getImageData(0, 0, cv.width, cv.height).data;
        return Array.from(d.filter((_, i) => i % 4 === 0));
      });
    // The whole page, so the 3-D view (below the charts and table) is in the screenshot.
    await page.screenshot({ path: `${shotsDir}/bind.png`, fullPage: true });
    const before = await ds(), px0 = await pixels();
    const box = (await page.$("#chart-complex canvas"))!;
    await box.scrollIntoViewIfNeeded();
    const b = (await box.boundingBox())!;
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width / 2 + 80, b.y + b.height / 2 + 30, { steps: 5 });
    await page.mouse.up();
    const changed = (key: string, value: string | undefined) =>
      page.waitForFunction(
        ([k, v]) => document.querySelector<HTMLElement>("#chart-complex")!.dataset[k!] !== v,
        [key, value],
      );
    await changed("yaw", before.yaw);
    const dragged = await ds(), px1 = await pixels();
    const changedPixels = px0.filter((v, i) => v !== px1[i]).length;
    await page.click("#chart-complex input[name=pocket]");
    await changed("atoms", before.atoms);
    const noPocket = await ds();
    await page.click("#chart-complex input[name=pocket]");
    await changed("atoms", noPocket.atoms);
    return { dragged, changedPixels, noPocket };
  });
  errors = []; // the browser logs each 404 response as a console error: expected here
  const notFound: Record<string, number> = {};
  for (const path of ["/runs/no-such-run", "/runs/..%2F..%2Fetc%2Fpasswd"]) {
    notFound[path] = (await page.goto(new URL(path, dash.url).href))?.status() ?? 0;
  }
  report.notFound = { status: 0, errors: [], charts: {}, extra: notFound };
} finally {
  await browser.close();
  await dash.shutdown();
  await Deno.remove(staticDir, { recursive: true });
  await Deno.remove(fx.root, { recursive: true });
}
await Deno.writeTextFile(reportPath, JSON.stringify(report, null, 2));
