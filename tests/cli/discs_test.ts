import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { DISCS_SPEC, discsCommand } from "../../src/cli/discs.ts";
import { parseCommand } from "../../src/cli/args.ts";
import { isInputError } from "../../src/cli/main.ts";
import { type DiscsRow, parseDiscsCsv, rowsToCsv } from "../../src/discs/mod.ts";
import type { CliIo } from "../../src/cli/io.ts";

/** Runs `discs` as runCli does (input errors -> exit code 2), capturing output. */
async function discs(args: string[]) {
  const stdout: string[] = [], stderr: string[] = [];
  const io: CliIo = { out: (t) => stdout.push(t), notice: (t) => stderr.push(t) };
  let code: number;
  try {
    code = await discsCommand(parseCommand(DISCS_SPEC, args), args, io);
  } catch (e) {
    if (!isInputError(e)) throw e;
    stderr.push(`error: ${(e as Error).message}`);
    code = 2;
  }
  return { code, out: stdout.join("\n"), err: stderr.join("\n") };
}

Deno.test("discs --quick --suite temperature: one run per cell, CSV, markdown and JSON", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = await discs([
      "--quick",
      "--suite",
      "temperature",
      "--betas",
      "0.3,0.6",
      "--steps",
      "40",
      "--chains",
      "8",
      "--backend",
      "cpu",
      "--out",
      `${dir}/out`,
      "--runs-dir",
      `${dir}/runs`,
      "--json",
    ]);
    assertEquals(r.code, 0, r.err);
    const summary = JSON.parse(r.out);
    // 2 betas x dlmc x {sqrt, ratio}.
    assertEquals(summary.rows.length, 4);
    assertEquals(summary.adapt, "always");
    assertEquals(
      summary.rows.map((x: { sampler: string; x: number }) => `${x.sampler}@${x.x}`),
      ["dlmc-sqrt@0.3", "dlmc-ratio@0.3", "dlmc-sqrt@0.6", "dlmc-ratio@0.6"],
    );
    for (const row of summary.rows) {
      assertEquals(row.keptDraws, 20);
      assert(row.essMean >= 1 && row.essMean <= 20, `ESS ${row.essMean}`);
      assertEquals(row.energyEvals, 4 * 40);
    }
    const csv = (await Deno.readTextFile(`${dir}/out/discs.csv`)).trim().split("\n");
    assertEquals(csv.length, 5);
    assertMatch(csv[1], /^temperature,ising-8x8-nofield,dlmc-sqrt,0\.3,64,8,40,20,/);
    const md = await Deno.readTextFile(`${dir}/out/discs.md`);
    assertMatch(md, /### Suite: temperature/);
    assertMatch(md, /\| beta \| dlmc-sqrt \| dlmc-ratio \|/);
    const findings = await Deno.readTextFile(`${dir}/out/findings.md`);
    assertMatch(findings, /## 3\. sqrt\(t\) better above the critical temperature/);
    assertMatch(findings, /\| dlmc \| \d of 1 \| [+-]\d+\.\d\d \| \d of 1 \|/);
    assertEquals(summary.findings, `${dir}/out/findings.md`);
    const runs = [...Deno.readDirSync(`${dir}/runs`)].filter((e) => e.isDirectory);
    assertEquals(runs.length, 4);
    const manifest = JSON.parse(
      await Deno.readTextFile(`${dir}/runs/${summary.rows[0].run}/run.json`),
    );
    assertEquals(manifest.command[0], "discs");
    assertEquals(manifest.config.adapt, "always");
    assertEquals(manifest.config.model, { name: "ising", size: 8, lambda: 0.3, mu: 0, sigma: 0 });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("discs: bad flags are one-line errors with exit code 2", async () => {
  const cases: [string[], RegExp][] = [
    [["--bogus"], /Unknown option '--bogus'/],
    [["--suite", "nope"], /--suite expects classical \| temperature \| size \| all, got 'nope'/],
    [["--preset", "huge"], /--preset expects quick \| medium \| large \| paper, got 'huge'/],
    [["--quick", "--preset", "paper"], /--quick conflicts with --preset paper/],
    [["--steps", "1"], /--steps expects an integer >= 2, got '1'/],
    [["--chains", "abc"], /--chains expects a number, got 'abc'/],
    [["--samplers", "rwm,foo"], /unknown sampler 'foo'/],
    [["--models", "mnist"], /unknown model 'mnist'/],
    [["--betas", "0.3,x"], /--betas expects betas >= 0, got 'x'/],
    [["--sizes", "2.5"], /--sizes expects integers >= 2, got '2.5'/],
    [["--temperature-side", "1"], /--temperature-side expects an integer >= 2, got '1'/],
    [["--burn-in", "1"], /--burn-in expects a fraction in \[0, 1\)/],
    [["--backend", "tpu"], /--backend expects auto \| webgpu \| cpu, got 'tpu'/],
    [["--suite", "size", "--samplers", "rwm", "--sizes", ","], /--sizes expects a comma list/],
  ];
  for (const [args, pattern] of cases) {
    const r = await discs(args);
    assertEquals(r.code, 2, `${args.join(" ")}: ${r.err}`);
    assertMatch(r.err, pattern);
    assert(!r.err.includes("\n"), `one line: ${r.err}`);
  }
});

function csvRow(over: Partial<DiscsRow>): DiscsRow {
  return {
    suite: "size",
    model: "ising-4x4",
    sampler: "rwm",
    x: 4,
    numSites: 16,
    chains: 100,
    steps: 400,
    keptDraws: 200,
    essMean: 10,
    essStd: 2,
    essPerStep: 0.25,
    essPerEval: 0.05,
    essPerSecond: 100,
    energyEvals: 800,
    seconds: 0.5,
    meanAcceptance: 0.3,
    finalParam: NaN,
    backend: "cpu",
    run: "r1",
    ...over,
  };
}

Deno.test("discs --from-csv: merges files into tables and findings; bad files exit 2", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // ESS/step = 4 / D for rwm: size slope exactly -1.
    const a = [csvRow({}), csvRow({ sampler: "pas", essPerStep: 0.5 })];
    const b = [
      csvRow({ model: "ising-8x8", x: 8, numSites: 64, essPerStep: 4 / 64, run: "r2" }),
      csvRow({ model: "ising-8x8", sampler: "pas", x: 8, numSites: 64, essPerStep: 0.25 }),
    ];
    await Deno.writeTextFile(`${dir}/a.csv`, rowsToCsv(a));
    await Deno.writeTextFile(`${dir}/b.csv`, rowsToCsv(b));
    const r = await discs(["--from-csv", `${dir}/a.csv,${dir}/b.csv`, "--out", `${dir}/m`]);
    assertEquals(r.code, 0, r.err);
    assertMatch(r.out, /findings\.md \(4 rows\)/);
    const merged = await Deno.readTextFile(`${dir}/m/discs.csv`);
    assertEquals(merged, rowsToCsv([...a, ...b]));
    assertEquals(parseDiscsCsv(merged), [...a, ...b]);
    const md = await Deno.readTextFile(`${dir}/m/discs.md`);
    assertMatch(
      md,
      /Merged from 2 file\(s\), in this order: `[^`]*a\.csv` \(2 rows\), `[^`]*b\.csv`/,
    );
    assertMatch(md, /### Suite: size/);
    const findings = await Deno.readTextFile(`${dir}/m/findings.md`);
    assertMatch(findings, /\| 1 \| rwm \| -1\.000 \| 2 \| 16–64 \|/);
    assertMatch(findings, /\| 2 \| pas \| -0\.500 \| 2 \| 16–64 \|/);
    assert(!findings.includes("## 1."), findings);

    await Deno.writeTextFile(
      `${dir}/bad.csv`,
      rowsToCsv(a).replace(",0.25,0.05,", ",0.25,x,"),
    );
    const cases: [string[], RegExp][] = [
      [
        ["--from-csv", `${dir}/a.csv,${dir}/bad.csv`],
        /--from-csv \S*bad\.csv:2: essPerEval is 'x'; expected a finite number or an empty field$/,
      ],
      [["--from-csv", `${dir}/nope.csv`], /--from-csv \S*nope\.csv: cannot read it \(NotFound\)$/],
      [["--from-csv", ","], /--from-csv expects a comma list/],
      [["--from-csv", `${dir}/a.csv`, "--steps", "5"], /--from-csv runs nothing .*got --steps$/],
    ];
    for (const [args, pattern] of cases) {
      const e = await discs([...args, "--out", `${dir}/e`]);
      assertEquals(e.code, 2, `${args.join(" ")}: ${e.err}`);
      assertMatch(e.err, pattern);
      assert(!e.err.includes("\n"), `one line: ${e.err}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
