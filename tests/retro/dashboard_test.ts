/** The dashboard's retro prediction page: product and ranked answers drawn, energy terms shown. */
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { createApp } from "../../web/app.tsx";
import { RunStore } from "../../src/io/run_store.ts";
import { loadRdkit, moleculeSvg } from "../../src/retro/rdkit.ts";
import { runKind } from "../../web/utils/run_rows.ts";

Deno.test("dashboard draws a retro prediction run with its energy terms", async () => {
  const root = await Deno.makeTempDir();
  const staticDir = await Deno.makeTempDir();
  try {
    const RDKit = await loadRdkit();
    const run = await new RunStore(root).create({
      command: ["retro", "predict", "CC(=O)Nc1ccc(O)cc1"],
      config: { kind: "retro-predict" },
      seed: 0,
      backend: "cpu",
    });
    const ranked = [
      { reactants: "CC(=O)Cl.Nc1ccc(O)cc1", logPb: -0.25, forward: 1.5, prior: 0.25, energy: -1.0 },
      { reactants: "CC(=O)O.Nc1ccc(O)cc1", logPb: -1.75, forward: 0.5, prior: 0.125, energy: 1.0 },
    ].map((r) => ({ ...r, templates: [], svg: moleculeSvg(RDKit, r.reactants) }));
    await Deno.writeTextFile(
      `${run.dir}/retro_prediction.json`,
      JSON.stringify({
        product: "CC(=O)Nc1ccc(O)cc1",
        productSvg: moleculeSvg(RDKit, "CC(=O)Nc1ccc(O)cc1"),
        weights: { backward: 1, forward: 0.5, prior: 0.25 },
        ranked,
      }),
    );
    await run.finish("done");
    assertEquals(runKind(run.manifest), "retro");
    const app = createApp({ runsDir: root, staticDir });
    const res = await app.request(`http://127.0.0.1/runs/${run.id}`, {
      headers: { host: "127.0.0.1" },
    });
    assertEquals(res.status, 200);
    const html = await res.text();
    assertEquals((html.match(/<svg/g) ?? []).length, 3);
    assert(html.includes("CC(=O)Cl.Nc1ccc(O)cc1"));
    assertMatch(html, /-0\.250/);
    assertMatch(html, /1\.500/);
  } finally {
    await Deno.remove(root, { recursive: true });
    await Deno.remove(staticDir, { recursive: true });
  }
});
