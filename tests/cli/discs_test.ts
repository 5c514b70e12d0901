import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { DISCS_SPEC, discsCommand } from "../../src/cli/discs.ts";
import { parseCommand } from "../../src/cli/args.ts";
import { isInputError } from "../../src/cli/main.ts";
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
