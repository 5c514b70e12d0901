import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { isInputError, runCli } from "../../src/cli/main.ts";
import { RBM_SPEC, rbmCommand } from "../../src/cli/rbm.ts";
import { helpText, parseCommand } from "../../src/cli/args.ts";
import type { CliIo } from "../../src/cli/io.ts";
import { readNpyFile } from "../../src/io/npy_file.ts";
import { RunStore } from "../../src/io/run_store.ts";

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [], stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), notice: (t) => stderr.push(t) };
}

/**
 * Runs `cli.ts rbm ...` the way main.ts dispatches a command (parse, --help, run, one-line
 * error with exit 2 for input errors), so the test does not depend on the command table.
 */
async function rbm(args: string[]) {
  const io = capture();
  let code: number;
  try {
    const parsed = parseCommand(RBM_SPEC, args);
    if (parsed.values.help) {
      io.out(helpText(RBM_SPEC));
      code = 0;
    } else code = await rbmCommand(parsed, args, io);
  } catch (e) {
    io.notice(`error: ${(e as Error).message.split("\n")[0]}`);
    code = isInputError(e) ? 2 : 1;
  }
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
}

async function cli(args: string[]) {
  const io = capture();
  const code = await runCli(args, io);
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
}

const SMALL = ["train", "--samples", "500", "--hidden", "8", "--epochs", "1", "--monitor", "50"];
const runsIn = (dir: string) => ["--runs-dir", `${dir}/runs`];

Deno.test("rbm train writes the arrays and rbm.json, refuses to overwrite, and samples", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = `${dir}/rbm8`;
    const r = await rbm([...SMALL, "--out", out, "--seed", "4", "--json", ...runsIn(dir)]);
    assertEquals(r.code, 0, r.err);
    const summary = JSON.parse(r.out);
    assertEquals(summary.model.numHidden, 8);
    assertEquals(summary.data.samples, 500);
    assertEquals(summary.history.length, 1);
    assert(Number.isFinite(summary.history[0].pseudoLogLikelihood));
    const w = await readNpyFile(`${out}/weights.npy`);
    assertEquals([w.dtype, w.shape], ["f32", [8, 784]]);
    assertEquals((await readNpyFile(`${out}/visible_bias.npy`)).shape, [784]);
    assertEquals((await readNpyFile(`${out}/hidden_bias.npy`)).shape, [8]);
    const meta = JSON.parse(await Deno.readTextFile(`${out}/rbm.json`));
    assertEquals(meta.training.seed, 4);
    assertEquals(meta.training.batchSize, 100);
    // Refuses to overwrite without --force; --force replaces the files (same seed, same bytes).
    const again = await rbm([...SMALL, "--out", out, "--seed", "4", ...runsIn(dir)]);
    assertEquals(again.code, 2);
    assertMatch(again.err, /weights\.npy exists; pass --force to overwrite/);
    const before = await Deno.readFile(`${out}/weights.npy`);
    const forced = await rbm([...SMALL, "--out", out, "--seed", "4", "--force", ...runsIn(dir)]);
    assertEquals(forced.code, 0, forced.err);
    assertMatch(forced.out, /trained RBM 784 x 8 on 500 digits/);
    assertEquals(await Deno.readFile(`${out}/weights.npy`), before);
    // The written sample config loads the arrays (paths relative to it) and samples.
    const s = await cli([
      "sample",
      "--config",
      `${out}/sample_config.json`,
      "--chains",
      "4",
      "--steps",
      "20",
      "--backend",
      "cpu",
      "--runs-dir",
      `${dir}/runs`,
      "--json",
    ]);
    assertEquals(s.code, 0, s.err);
    const run = JSON.parse(s.out);
    assertEquals([run.model, run.chains, run.steps], ["rbm", 4, 20]);
    // The same RBM is a done run in the store (kind rbm): its arrays equal --out's, bit for bit,
    // one row of figures per epoch, and its own sample_config.json loads them.
    const stored = await new RunStore(`${dir}/runs`).open(summary.run);
    assertEquals([stored.manifest.kind, stored.manifest.status], ["rbm", "done"]);
    assertEquals((await stored.readArray("weights")).data, w.data);
    const pll = await stored.readArray("pseudo_log_likelihood");
    assertEquals(Array.from(pll.data), [summary.history[0].pseudoLogLikelihood]);
    assertEquals([...Deno.readDirSync(stored.dir)].filter((e) => e.name.startsWith("check")), []);
    const fromRun = await cli([
      "sample",
      "--config",
      `${stored.dir}/sample_config.json`,
      "--chains",
      "4",
      "--steps",
      "20",
      "--backend",
      "cpu",
      "--runs-dir",
      `${dir}/runs`,
      "--json",
    ]);
    assertEquals(fromRun.code, 0, fromRun.err);
    assertEquals(JSON.parse(fromRun.out).model, "rbm");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("rbm: bad input gives a one-line error and exit code 2", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const cases: [string[], RegExp][] = [
      [["train", "--bogus"], /Unknown option '--bogus'/],
      [["fit", "--out", dir], /expected 'rbm train', got 'fit'/],
      [[], /expected 'rbm train', got ''/],
      [["train", "--out="], /--out expects a folder name/],
      [["train", "--out", dir, "--hidden", "0"], /--hidden expects an integer in \[1, /],
      [["train", "--out", dir, "--epochs", "1.5"], /--epochs expects an integer/],
      [["train", "--out", dir, "--lr", "abc"], /--lr expects a number, got 'abc'/],
      [["train", "--out", dir, "--lr=0"], /--lr expects a number > 0/],
      [
        ["train", "--out", dir, "--samples", "20000"],
        /--samples expects an integer in \[1, 10000\]/,
      ],
      [["train", "--out", dir, "--optimizer", "rmsprop"], /--optimizer expects sgd or adam/],
      [["train", "--out", dir, "--weight-decay=-1"], /--weight-decay expects a number >= 0/],
    ];
    for (const [args, pattern] of cases) {
      const r = await rbm(args);
      assertEquals(r.code, 2, `${args.join(" ")}: ${r.err}`);
      assertMatch(r.err, pattern);
      assert(!r.err.includes("\n"), `one line: ${r.err}`);
    }
    // Nothing was written by the failed calls.
    assertEquals([...Deno.readDirSync(dir)], []);
    const help = await rbm(["--help"]);
    assertEquals(help.code, 0);
    assertMatch(help.out, /Usage: cli\.ts rbm train/);
    assertMatch(help.out, /--force/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
