import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { runCli } from "../../src/cli/main.ts";
import type { CliIo } from "../../src/cli/io.ts";
import { RunStore } from "../../src/io/run_store.ts";
import { toSdf } from "../../src/binding/structure.ts";
import { loadReal } from "./_real.ts";
import { createApp } from "../../web/app.tsx";

async function cli(args: string[]) {
  const stdout: string[] = [], stderr: string[] = [];
  const io: CliIo = { out: (t) => stdout.push(t), notice: (t) => stderr.push(t) };
  const code = await runCli(args, io);
  return { code, out: stdout.join("\n"), err: stderr.join("\n") };
}

const REC = [
  "ATOM      1  N   ALA A   1       0.000   0.000   0.000  1.00  0.00           N",
  "ATOM      2  CA  ALA A   1       1.458   0.000   0.000  1.00  0.00           C",
  "ATOM      3  CB  ALA A   1       1.958   1.400   0.000  1.00  0.00           C",
  "ATOM      4  CA  GLY A   2       3.800   0.000   0.500  1.00  0.00           C",
  "HETATM    5  C1  LIG A 100       2.000   2.000   3.000  1.00  0.00           C",
  "HETATM    6  O1  LIG A 100       2.000   3.400   3.000  1.00  0.00           O",
  "END",
];

Deno.test("bind: bad input exits 2 with one line naming the file and line, and stores no run", async () => {
  const dir = await Deno.makeTempDir();
  const runs = `${dir}/runs`;
  const good = `${dir}/c.pdb`;
  await Deno.writeTextFile(good, REC.join("\n"));
  const broken = [...REC];
  broken[2] = broken[2].slice(0, 30) + "   NaN  " + broken[2].slice(38);
  await Deno.writeTextFile(`${dir}/nan.pdb`, broken.join("\n"));
  const short = [...REC];
  short[3] = short[3].slice(0, 35);
  await Deno.writeTextFile(`${dir}/short.pdb`, short.join("\n"));
  await Deno.writeTextFile(
    `${dir}/far.sdf`,
    "far\n x\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\n   90.0000   90.0000   90.0000 C   0  0\nM  END\n$$$$\n",
  );
  await Deno.writeTextFile(
    `${dir}/bad.sdf`,
    "bad\n x\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\n   xx.0000    0.0000    0.0000 C   0  0\nM  END\n",
  );
  const model = ["--model", "nope", "--runs-dir", runs];
  const cases: [string[], RegExp][] = [
    [
      ["bind", "score", "--protein", `${dir}/nan.pdb`, "--resname", "LIG", ...model],
      /nan\.pdb:3: x coordinate 'NaN'/,
    ],
    [
      ["bind", "score", "--protein", `${dir}/short.pdb`, "--resname", "LIG", ...model],
      /short\.pdb:4: ATOM record has 35 characters/,
    ],
    [
      ["bind", "score", "--protein", good, "--resname", "XYZ", ...model],
      /c\.pdb: no atoms with residue name 'XYZ'/,
    ],
    [
      ["bind", "score", "--protein", good, "--ligand", `${dir}/far.sdf`, ...model],
      /c\.pdb: no receptor residue within 10 A/,
    ],
    [
      ["bind", "score", "--protein", good, "--ligand", `${dir}/bad.sdf`, ...model],
      /bad\.sdf:5: x coordinate 'xx\.0000'/,
    ],
    [
      ["bind", "score", "--protein", good, "--resname", "LIG", ...model],
      /--model nope: no readable run/,
    ],
    [
      ["bind", "score", "--protein", good, "--resname", "LIG", "--runs-dir", runs],
      /--model RUN is required/,
    ],
    [
      ["bind", "train", "--data", `${dir}/nothing`, "--runs-dir", runs],
      /nothing: cannot read folder/,
    ],
    [["bind", "train", "--data", dir, "--runs-dir", runs], /no complexes found/],
    [
      ["bind", "train", "--data", "synthetic", "--epochs", "0", "--runs-dir", runs],
      /--epochs expects an integer/,
    ],
    [["bind", "train", "--data", "synthetic", "--method", "magic", "--runs-dir", runs], /method/],
    [
      ["bind", "bench", "--seeds", "a,b", "--runs-dir", runs],
      /--seeds expects non-negative integers/,
    ],
    [["bind", "fly"], /expected 'bind train', 'bind score' or 'bind bench'/],
  ];
  for (const [args, re] of cases) {
    const r = await cli(args);
    assertEquals(r.code, 2, `${args.join(" ")}: ${r.err}`);
    assertMatch(r.err, re);
    assertEquals(r.err.split("\n").length, 1, "one line");
  }
  const { runs: stored } = await new RunStore(runs).list().catch(() => ({ runs: [] }));
  assertEquals(stored.length, 0, "no run was created");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("bind train on a folder of complexes, then bind score with the stored model", async () => {
  const c = await loadReal("1pgp");
  if (!c) return;
  const dir = await Deno.makeTempDir();
  await Deno.mkdir(`${dir}/data`);
  await Deno.copyFile("/usr/share/autodock/Tests/1pgp_rec.pdbqt", `${dir}/data/1pgp_rec.pdbqt`);
  await Deno.writeTextFile(`${dir}/data/1pgp_lig.sdf`, toSdf(c.ligand));
  const t = await cli([
    "bind",
    "train",
    "--data",
    `${dir}/data`,
    "--epochs",
    "2",
    "--runs-dir",
    `${dir}/runs`,
    "--json",
  ]);
  assertEquals(t.code, 0, t.err);
  const { run } = JSON.parse(t.out);
  const reader = await new RunStore(`${dir}/runs`).open(run);
  assertEquals(reader.manifest.status, "done");
  assertEquals((await reader.readArray("epoch_loss")).shape, [2]);
  const s = await cli([
    "bind",
    "score",
    "--protein",
    "/usr/share/autodock/Tests/1pgp_rec.pdbqt",
    "--ligand",
    `${dir}/data/1pgp_lig.sdf`,
    "--model",
    run,
    "--runs-dir",
    `${dir}/runs`,
    "--json",
  ]);
  assertEquals(s.code, 0, s.err);
  const out = JSON.parse(s.out);
  // --save stores the pose and forces as a run, and the dashboard draws it.
  const saved = await cli([
    "bind",
    "score",
    "--protein",
    "/usr/share/autodock/Tests/1pgp_rec.pdbqt",
    "--ligand",
    `${dir}/data/1pgp_lig.sdf`,
    "--model",
    run,
    "--runs-dir",
    `${dir}/runs`,
    "--json",
    "--save",
  ]);
  const savedRun = JSON.parse(saved.out).run;
  const forces = await (await new RunStore(`${dir}/runs`).open(savedRun)).readArray("forces");
  assertEquals(forces.shape, [17, 3]);
  assert(Math.abs(forces.data[0] - out.forces[0]) < 1e-6);
  const staticDir = await Deno.makeTempDir();
  const abort = new AbortController();
  const app = createApp({
    runsDir: `${dir}/runs`,
    staticDir,
    sseIntervalMs: 20,
    signal: abort.signal,
  });
  const page = await (await app.request(`/runs/${savedRun}`)).text();
  abort.abort();
  await Deno.remove(staticDir, { recursive: true });
  assert(page.includes("predicted force per ligand atom"), "bind view rendered");
  assertEquals(
    (page.match(/stroke="#dc2626"/g) ?? []).length,
    3 * 17,
    "one force arrow per atom per view",
  );
  assertEquals(out.ligandAtoms, 17);
  assertEquals(out.forces.length, 51);
  // The reported translation score is the mean force.
  for (let k = 0; k < 3; k++) {
    let m = 0;
    for (let i = 0; i < 17; i++) m += out.forces[3 * i + k] / 17;
    assert(Math.abs(m - out.translation[k]) < 1e-5 * Math.max(1, Math.abs(m)));
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("bind bench (tiny): a run with the ceiling, the contact score and each method's correlations", async () => {
  const dir = await Deno.makeTempDir();
  const r = await cli([
    "bind",
    "bench",
    "--quick",
    "--complexes",
    "10",
    "--test",
    "4",
    "--epochs",
    "1",
    "--methods",
    "nere,decoy",
    "--runs-dir",
    dir,
    "--json",
  ]);
  assertEquals(r.code, 0, r.err);
  const out = JSON.parse(r.out);
  // --quick samples 3 poses per complex, all of them training examples.
  assertEquals([out.nTrain, out.nTrainPoses, out.nTest], [6, 18, 4]);
  assertEquals(out.runs.map((x: { method: string }) => x.method), ["nere", "decoy"]);
  const m = (await new RunStore(dir).open(out.run)).manifest;
  assertEquals(m.status, "done");
  assertEquals(m.summary.ceiling_pearson, out.ceiling.pearson);
  for (const k of ["ceiling_pearson", "contact_spearman", "nere_pearson", "decoy_spearman"]) {
    const v = m.summary[k] as number;
    assert(v >= -1 && v <= 1, `${k} = ${v}`);
  }
  assertEquals(m.arrays["loss_nere_0"].shape, [1]);
  await Deno.remove(dir, { recursive: true });
});
