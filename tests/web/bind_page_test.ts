/**
 * The binding page and its API through `app.request`, on runs made by the real CLI: what
 * `bind train` and `bind score --save` store for the 3-D view (the crystal pose, the seeded
 * perturbed pose, atom classes from the features, translation = mean force, the corrected pose
 * = the predicted rigid correction), `/api/bind/:id/complex` returning the stored arrays
 * exactly, loss curves overlaid per epoch (train and bench runs), `?ids=`/`?view=` selection,
 * 404 for other runs; and the view's projection maths.
 */

import { assert, assertEquals } from "../_assert.ts";
import { cli } from "../_cli.ts";
import { createApp } from "../../web/app.tsx";
import { RunStore } from "../../src/io/run_store.ts";
import { generateSynthetic, SyntheticConfig } from "../../src/binding/synthetic.ts";
import { rigidCorrection } from "../../src/binding/energy.ts";
import { rmsd } from "../../src/binding/rigid.ts";
import { previewPose, VIEW_NOISE } from "../../src/cli/store_bind_view.ts";
import { BIND_VIEW_ARRAYS } from "../../src/runs/bind.ts";
import type { ComplexData } from "../../web/utils/bind_runs.ts";
import type { BindPageData } from "../../web/routes/bind.tsx";
import { arrowScale, projectPoint, radiusAbout, viewRotation } from "../../web/utils/view3d.ts";

const VERSIONS = { landscape: "0.1.0", deno: "2.9.6", v8: "0", typescript: "0" };

/** Largest |a_i - b_i|. */
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assertEquals(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** A bind bench run as `bind bench` stores it: one epoch-loss array per method and seed. */
async function benchRun(store: RunStore, id: string) {
  const run = await store.create({
    id,
    command: ["bind", "bench"],
    config: { kind: "bind-bench" },
    seed: 0,
    backend: "cpu",
    versions: VERSIONS,
  });
  for (const [name, y] of [["loss_nere_0", [3, 2, 1.5]], ["loss_decoy_1", [0.7, 0.6]]] as const) {
    await run.writeArray(name, { dtype: "f32", shape: [y.length], data: Float32Array.from(y) });
  }
  await run.setSummary({ ceiling_spearman: 0.9, nere_spearman: 0.5, decoy_spearman: 0.25 });
  await run.finish("done");
}

Deno.test("web bind page: train and bench runs, the stored complex, exact API arrays", async () => {
  const root = await Deno.makeTempDir();
  const staticDir = await Deno.makeTempDir();
  try {
    const t = await cli([
      "bind",
      "train",
      "--data",
      "synthetic",
      "--complexes",
      "3",
      "--epochs",
      "2",
      "--seed",
      "1",
      "--runs-dir",
      root,
      "--json",
    ]);
    assertEquals(t.code, 0, t.err);
    const id = JSON.parse(t.out).run as string;
    const store = new RunStore(root);
    const reader = await store.open(id);
    const m = reader.manifest;
    const arr = async (name: string) => (await reader.readArray(name)).data;

    // What train stores: complex 0 of the run's synthetic set, perturbed by the run's seed.
    const { source: _s, ...syn } = m.config.data as Record<string, unknown>;
    const [c0] = generateSynthetic(SyntheticConfig.parse({ ...syn, complexes: 1 }));
    assertEquals(m.summary.view_complex, c0.example.name);
    assertEquals(m.summary.atom_classes, "type 0,type 1,type 2");
    assertEquals(
      Array.from(await arr("native_xyz")),
      Array.from(Float32Array.from(c0.example.ligand)),
    );
    const pose = previewPose(c0.example.ligand, 1);
    assertEquals(Array.from(await arr("ligand_xyz")), Array.from(Float32Array.from(pose)));
    assertEquals(
      Array.from(await arr("pocket_xyz")),
      Array.from(Float32Array.from(c0.example.pocket)),
    );
    assertEquals(Array.from(await arr("ligand_class")), Array.from(c0.ligandTypes));
    assertEquals(Array.from(await arr("pocket_class")), Array.from(c0.pocketTypes));
    assert(Math.abs((m.summary.view_rmsd_before as number) - rmsd(pose, c0.example.ligand)) < 1e-9);
    // The translation score is the mean force; the corrected pose is the predicted correction.
    const forces = await arr("forces"), translation = await arr("translation");
    const omega = await arr("omega");
    const nL = forces.length / 3;
    const mean = [0, 1, 2].map((k) => {
      let s = 0;
      for (let i = 0; i < nL; i++) s += forces[3 * i + k] / nL;
      return s;
    });
    assert(maxDiff(mean, translation) < 1e-5 * Math.max(1, ...mean.map(Math.abs)), "mean force");
    const corr = rigidCorrection(pose, translation, omega, VIEW_NOISE);
    assert(maxDiff(await arr("corrected_xyz"), corr.pose) < 1e-4, "corrected pose");
    assert(
      Math.abs((m.summary.view_rmsd_after as number) - rmsd(corr.pose, c0.example.ligand)) < 1e-9,
    );

    await benchRun(store, "bench-x");
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

    // The API returns every stored array of the view exactly.
    const res = await app.request(`/api/bind/${id}/complex`);
    assertEquals(res.status, 200);
    const c: ComplexData = await res.json();
    const V = BIND_VIEW_ARRAYS;
    const pairs: [keyof ComplexData, string][] = [
      ["ligand", V.ligand.name],
      ["pocket", V.pocket.name],
      ["forces", V.forces.name],
      ["corrected", V.corrected.name],
      ["native", V.native.name],
      ["ligandClass", V.ligandClass.name],
      ["pocketClass", V.pocketClass.name],
      ["translation", V.translation.name],
      ["torque", V.torque.name],
      ["omega", V.omega.name],
    ];
    for (const [key, name] of pairs) assertEquals(c[key], Array.from(await arr(name)), key);
    assertEquals(c.classes, ["type 0", "type 1", "type 2"]);
    assertEquals(c.energy, m.summary.view_energy);

    // Curves: the train run's epoch loss, and the bench run's per method and seed.
    const d: BindPageData = await (await app.request("/api/bind")).json();
    assertEquals(d.runs.map((r) => r.id).sort(), ["bench-x", id].sort(), "sample-x left out");
    assertEquals(d.view, id);
    const train = d.runs.find((r) => r.id === id)!;
    assertEquals(train.curves[0].y, Array.from(await arr("epoch_loss")));
    assertEquals(train.curves[0].x, [1, 2]);
    assertEquals(train.stepLoss, Array.from(await arr("step_loss")));
    const bench = d.runs.find((r) => r.id === "bench-x")!;
    assertEquals(bench.curves.map((x) => x.label.split(" (")[0]), [
      "bench decoy s1",
      "bench nere s0",
    ]);
    assertEquals(bench.curves[0].y, [Math.fround(0.7), Math.fround(0.6)]);
    assertEquals(bench.hasView, false);

    const html = await (await app.request("/bind")).text();
    assert(html.includes('data-island="ComplexView"'), "3-D view island");
    assert(
      html.includes(`&quot;runId&quot;:&quot;${id}&quot;`) || html.includes(`"runId":"${id}"`),
    );
    assert(html.includes("chart-bind-epoch") && html.includes("chart-bind-step"));
    assert(html.includes("nere ρ 0.5") && !html.includes("sample-x"));
    assert(html.includes('href="/bind"'), "navigation link");
    const runPage = await (await app.request(`/runs/${id}`)).text();
    assert(runPage.includes(`href="/bind?ids=${id}"`), "the run page links to the binding page");
    const benchOnly = await (await app.request("/bind?ids=bench-x")).text();
    assert(
      !benchOnly.includes('data-island="ComplexView"') && !benchOnly.includes("chart-bind-step"),
    );
    const viewed: BindPageData = await (await app.request(`/api/bind?ids=bench-x&view=${id}`))
      .json();
    assertEquals([viewed.runs.length, viewed.view], [2, id]);

    for (
      const path of [
        "/api/bind/sample-x/complex",
        "/api/bind/bench-x/complex",
        "/api/bind/..%2Fx/complex",
        "/api/bind?ids=sample-x",
        "/api/bind?view=bench-x",
        "/bind?ids=no-such-run",
      ]
    ) {
      assertEquals((await app.request(path)).status, 404, path);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
    await Deno.remove(staticDir, { recursive: true });
  }
});

Deno.test("web bind page: bind score --save stores element classes and its printed result", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/data`);
    const pdb = [
      "ATOM      1  N   ALA A   1       0.000   0.000   0.000  1.00  0.00           N",
      "ATOM      2  CA  ALA A   1       1.458   0.000   0.000  1.00  0.00           C",
      "ATOM      3  CB  ALA A   1       1.958   1.400   0.000  1.00  0.00           C",
      "ATOM      4  SG  CYS A   2       3.800   0.000   0.500  1.00  0.00           S",
      "HETATM    5  C1  LIG A 100       2.000   2.000   3.000  1.00  0.00           C",
      "HETATM    6  O1  LIG A 100       2.000   3.400   3.000  1.00  0.00           O",
      "HETATM    7  N1  LIG A 100       3.200   1.500   3.300  1.00  0.00           N",
      "END",
    ].join("\n");
    await Deno.writeTextFile(`${dir}/data/toy.pdb`, pdb);
    const runs = ["--runs-dir", `${dir}/runs`, "--json"];
    const t = await cli([
      "bind",
      "train",
      "--data",
      `${dir}/data`,
      "--resname",
      "LIG",
      "--epochs",
      "1",
      ...runs,
    ]);
    assertEquals(t.code, 0, t.err);
    const model = JSON.parse(t.out).run;
    const s = await cli([
      "bind",
      "score",
      "--protein",
      `${dir}/data/toy.pdb`,
      "--resname",
      "LIG",
      "--model",
      model,
      "--save",
      ...runs,
    ]);
    assertEquals(s.code, 0, s.err);
    const out = JSON.parse(s.out);
    const reader = await new RunStore(`${dir}/runs`).open(out.run);
    const arr = async (name: string) => Array.from((await reader.readArray(name)).data);
    assertEquals(reader.manifest.status, "done");
    assertEquals(reader.manifest.summary.atom_classes, "C,N,O,S,P,halogen,other");
    assertEquals(await arr("ligand_class"), [0, 2, 1]);
    assertEquals(await arr("pocket_class"), [1, 0, 0, 3]);
    assertEquals(await arr("translation"), out.translation);
    assertEquals(await arr("omega"), out.omega);
    assertEquals(await arr("torque"), out.torque);
    assertEquals(await arr("forces"), Array.from(Float32Array.from(out.forces)));
    assertEquals("native_xyz" in reader.manifest.arrays, false);
    assertEquals(reader.manifest.summary.score_energy, out.energy);
    // Without --save nothing is stored beyond the model run.
    const plain = await cli([
      "bind",
      "score",
      "--protein",
      `${dir}/data/toy.pdb`,
      "--resname",
      "LIG",
      "--model",
      model,
      ...runs,
    ]);
    assertEquals(plain.code, 0, plain.err);
    assertEquals(JSON.parse(plain.out).run, undefined);
    assertEquals((await new RunStore(`${dir}/runs`).list()).runs.length, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("web bind view maths: rotation, projection, fit radius, arrow scale", () => {
  for (const [yaw, pitch] of [[0.3, -0.7], [2.1, 1.2], [-1, 0.05]]) {
    const r = viewRotation(yaw, pitch);
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) {
        const dot = r[3 * a] * r[3 * b] + r[3 * a + 1] * r[3 * b + 1] + r[3 * a + 2] * r[3 * b + 2];
        assert(Math.abs(dot - (a === b ? 1 : 0)) < 1e-12, "orthonormal rows");
      }
    }
    const det = r[0] * (r[4] * r[8] - r[5] * r[7]) - r[1] * (r[3] * r[8] - r[5] * r[6]) +
      r[2] * (r[3] * r[7] - r[4] * r[6]);
    assert(Math.abs(det - 1) < 1e-12, "a rotation");
  }
  // Yaw a quarter turn: the x axis points away from the viewer; pitch a quarter turn: y does.
  const q = Math.PI / 2;
  const px = projectPoint(viewRotation(q, 0), [1, 1, 1], 10, 50, 40, [2, 1, 1]);
  assert(maxDiff(px, [50, 40, -1]) < 1e-12, `${px}`);
  const py = projectPoint(viewRotation(0, q), [0, 0, 0], 10, 50, 40, [0, 1, 0]);
  assert(maxDiff(py, [50, 40, 1]) < 1e-12, `${py}`);
  // No rotation: +y is up on the screen (smaller canvas y), +x to the right.
  assertEquals(projectPoint(viewRotation(0, 0), [0, 0, 0], 10, 50, 40, [1, 2, 0]), [60, 20, 0]);
  assertEquals(radiusAbout([0, 0, 0], [3, 4, 0, 0.1, 0, 0], [0, 0, -6]), 6);
  assertEquals(radiusAbout([0, 0, 0], [0.1, 0, 0]), 1);
  assertEquals(arrowScale([3, 4, 0, 1, 0, 0], [[0, 0, 10]], 3), 0.3);
  assertEquals(arrowScale([0, 0, 0], [], 3), 1);
});
