/**
 * End-to-end: the dashboard in headless Chromium (Debian `chromium`, driven by playwright-core
 * in `_browser_driver.ts`, a subprocess). Every page loads without console errors, its charts
 * draw (non-empty canvases, the right number of series), live status arrives over SSE, unknown
 * runs and traversal get 404, and screenshots go to docs/screenshots/.
 * Skipped with a printed reason when /usr/bin/chromium is missing.
 */

import { assert, assertEquals } from "../_assert.ts";
import { IDS, SIZES } from "./_fixtures.ts";
import type { PageReport } from "./_browser_driver.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = await Deno.stat(CHROMIUM).then(() => true, () => false);
if (!hasChromium) {
  console.log(`skipping web e2e tests: ${CHROMIUM} not found (apt-get install -y chromium)`);
}

const ROOT = new URL("../../", import.meta.url).pathname;

Deno.test({
  name: "web e2e: every page in headless Chromium",
  ignore: !hasChromium,
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "landscape_e2e_" });
    const reportPath = `${dir}/report.json`;
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        `--config=${ROOT}deno.json`,
        `${ROOT}tests/web/_browser_driver.ts`,
        reportPath,
        `${ROOT}docs/screenshots`,
      ],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = (b: Uint8Array) => new TextDecoder().decode(b);
    assert(out.success, `browser driver failed:\n${text(out.stdout)}\n${text(out.stderr)}`);
    const report: Record<string, PageReport> = JSON.parse(await Deno.readTextFile(reportPath));
    await Deno.remove(dir, { recursive: true });
    const chart = (page: string, id: string) => {
      const c = report[page].charts[id];
      assert(c, `${page}: no chart #${id}`);
      return c;
    };
    const loadedClean = (page: string) => {
      assertEquals(report[page].status, 200, `${page} status`);
      assertEquals(report[page].errors, [], `${page} console errors: ${report[page].errors}`);
    };

    await t.step("runs index: all rows, live status over SSE, filter", () => {
      loadedClean("runs");
      const x = report.runs.extra;
      assertEquals(x.rows, Object.keys(IDS).length);
      assertEquals(x.before, "running");
      assertEquals(x.after, "done", `${IDS.running} status update did not arrive`);
      assertEquals(x.filtered, 1);
    });

    await t.step("sampler page: traces per chain, autocorrelation, ESS bars", () => {
      loadedClean("sampler");
      for (const id of ["chart-energy", "chart-hamming", "chart-autocorr"]) {
        assertEquals(chart("sampler", id).series, String(SIZES.chains), `${id} series`);
        assert(Number(chart("sampler", id).inked) > 1000, `${id}: canvas is empty`);
      }
      assertEquals(chart("sampler", "chart-param").series, "1");
      assert(Number(chart("sampler", "chart-param").inked) > 300, "param canvas is empty");
      assertEquals(chart("sampler", "chart-ess").bars, String(SIZES.chains));
      assertEquals(chart("sampler", "chart-ess").svgRects, SIZES.chains);
      assertEquals(chart("sampler", "chart-acceptance").svgRects, SIZES.chains);
    });

    await t.step("compare view: ESS/s bars, one per finished sampling run", () => {
      loadedClean("compare");
      assertEquals(chart("compare", "chart-ess-per-second").svgRects, 4);
      assertEquals(chart("compare", "chart-ess-per-eval").svgRects, 4);
      assertEquals(report.compare.extra.tableRows, 4);
    });

    await t.step("basin page: projection, slider, heatmap, dendrogram, ARI", () => {
      loadedClean("basins");
      const p = chart("basins", "chart-projection");
      assertEquals(p.series, "3", "coloured by 3 detected basins");
      assertEquals(p.points, String(SIZES.trajectories));
      assertEquals(p.frame, String(SIZES.frames - 1), "starts at the last frame");
      assert(Number(p.inked) > 500, "projection canvas is empty");
      const x = report.basins.extra as Record<string, Record<string, string>>;
      assertEquals(x.byStart.series, String(SIZES.candidates), "coloured by start candidate");
      assertEquals(x.atFrame0.frame, "0");
      const h = chart("basins", "chart-risk");
      assertEquals(h.cells, String(SIZES.candidates ** 2));
      assert(Number(h.inked) > 10_000, "heatmap canvas is empty");
      assertEquals(chart("basins", "chart-dendrogram").svgLinks, SIZES.candidates - 1);
      assert(String(x.truth).includes("ARI 0.676"), `ground truth: ${x.truth}`);
    });

    await t.step("optimisation page: objective vs steps and time, best solution", () => {
      loadedClean("optimise");
      for (const id of ["chart-objective-steps", "chart-objective-time"]) {
        assertEquals(chart("optimise", id).series, String(SIZES.optChains + 1), `${id} series`);
        assert(Number(chart("optimise", id).inked) > 1000, `${id}: canvas is empty`);
      }
      assert(String(report.optimise.extra.best).includes("64 values"));
    });

    await t.step(
      "binding page: loss curves overlaid, 3-D complex view rotates with the mouse",
      () => {
        loadedClean("bind");
        assertEquals(chart("bind", "chart-bind-epoch").series, "3", "train + 2 bench curves");
        assertEquals(chart("bind", "chart-bind-step").series, "1");
        assert(Number(chart("bind", "chart-bind-epoch").inked) > 1000, "epoch chart is empty");
        const v = chart("bind", "chart-complex");
        assertEquals(v.atoms, String(SIZES.ligandAtoms + SIZES.pocketAtoms));
        assertEquals(v.arrows, String(SIZES.ligandAtoms));
        assert(Number(v.inked) > 5000, "complex canvas is empty");
        const x = report.bind.extra as {
          dragged: Record<string, string>;
          noPocket: Record<string, string>;
          changedPixels: number;
        };
        assert(Number(x.dragged.yaw) > Number(v.yaw) + 0.5, `drag right turns: ${x.dragged.yaw}`);
        assert(x.dragged.pitch !== v.pitch, "drag down tilts");
        assert(x.changedPixels > 1000, "the rotated view is redrawn");
        assertEquals(x.noPocket.atoms, String(SIZES.ligandAtoms), "pocket hidden");
      },
    );

    await t.step("unknown runs and path traversal get 404 pages", () => {
      for (const [path, status] of Object.entries(report.notFound.extra)) {
        assertEquals(status, 404, path);
      }
    });

    await t.step("screenshots saved", async () => {
      for (const name of ["runs", "sampler", "compare", "basins", "optimise", "bind"]) {
        const st = await Deno.stat(`${ROOT}docs/screenshots/${name}.png`);
        assert(st.size > 5000, `${name}.png is too small`);
      }
    });
  },
});
