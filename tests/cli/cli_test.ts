import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { runCli } from "../../src/cli/main.ts";
import type { CliIo } from "../../src/cli/io.ts";

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [], stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), notice: (t) => stderr.push(t) };
}

async function cli(args: string[]) {
  const io = capture();
  const code = await runCli(args, io);
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
}

Deno.test("every command has --help", async () => {
  for (const name of ["sample", "runs", "demo"]) {
    const r = await cli([name, "--help"]);
    assertEquals(r.code, 0);
    assertMatch(r.out, /Usage: cli\.ts/);
    assertMatch(r.out, /--json/);
  }
  const top = await cli(["--help"]);
  assertMatch(top.out, /sample/);
});

Deno.test("bad input: one-line error naming the problem, exit code 2", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/bad.json`, `{"model": {"name": "bernoulli", "sigma": -2}}`);
    await Deno.writeTextFile(`${dir}/broken.json`, `{"model": `);
    await Deno.writeTextFile(`${dir}/unknown.json`, `{"model": {"name": "bernoulli"}, "chain": 3}`);
    const cases: [string[], RegExp][] = [
      [["sample", "--bogus"], /Unknown option '--bogus'/],
      [["sample", "--chains", "abc"], /--chains expects a number, got 'abc'/],
      [["sample", "--chains", "0", "--backend", "cpu"], /chains: expected number to be >0, got 0/],
      [["sample", "--steps", "2.5"], /steps: expected int/],
      [["sample", "--set", "model.sigma=NaN"], /model.sigma: expected number, received string/],
      [["sample", "--model", "nope"], /model\.name: invalid discriminator/],
      [["sample", "--backend", "tpu"], /backend: invalid option: expected one of/],
      [
        ["sample", "--config", `${dir}/bad.json`],
        /bad\.json: model\.sigma: expected number to be >=0, got -2/,
      ],
      [["sample", "--config", `${dir}/broken.json`], /broken\.json: not valid JSON/],
      [["sample", "--config", `${dir}/unknown.json`], /unrecognized key: "chain"/],
      [["sample", "--config", `${dir}/missing.json`], /--config .*missing\.json: cannot read file/],
      [
        ["runs", "frobnicate"],
        /expected 'runs list', 'runs show <id>', 'runs export <id>' or 'runs resume <id>'/,
      ],
      [["runs", "show", "../etc", "--runs-dir", dir], /runs show: /],
      [["nosuch"], /unknown command 'nosuch'/],
    ];
    for (const [args, pattern] of cases) {
      const r = await cli(args);
      assertEquals(r.code, 2, `${args.join(" ")}: ${r.err}`);
      assertMatch(r.err, pattern);
      assert(!r.err.includes("\n"), `one line: ${r.err}`);
      assert(!/\bat .*:\d+:\d+/.test(r.err), "no stack trace");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sample writes a run that runs list/show read back; --json output parses", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = await cli([
      "sample",
      "--model",
      "bernoulli",
      "--sampler",
      "rwm",
      "--set",
      "model.numSites=20",
      "--chains",
      "16",
      "--steps",
      "40",
      "--seed",
      "9",
      "--backend",
      "cpu",
      "--runs-dir",
      dir,
      "--json",
    ]);
    assertEquals(r.code, 0, r.err);
    const summary = JSON.parse(r.out);
    assertEquals(summary.backend, "cpu");
    assertEquals(summary.chains, 16);
    const manifest = JSON.parse(await Deno.readTextFile(`${dir}/${summary.run}/run.json`));
    assertEquals(manifest.status, "done");
    assertEquals(manifest.seed, 9);
    assertEquals(manifest.config.model.numSites, 20);
    assertEquals(manifest.config.sampler.name, "rwm");
    assertEquals(manifest.arrays.energy.shape, [40, 16]);
    assert(typeof manifest.versions.deno === "string");
    const list = await cli(["runs", "list", "--runs-dir", dir, "--json"]);
    assertEquals(JSON.parse(list.out).runs[0].id, summary.run);
    const show = await cli(["runs", "show", summary.run, "--runs-dir", dir]);
    assertEquals(show.code, 0);
    assertMatch(show.out, new RegExp(summary.run));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a failing run does not touch runs already stored", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const ok = await cli([
      "sample",
      "--set",
      "model.numSites=5",
      "--chains",
      "4",
      "--steps",
      "10",
      "--backend",
      "cpu",
      "--runs-dir",
      dir,
      "--json",
    ]);
    const id = JSON.parse(ok.out).run;
    const before = await Deno.readTextFile(`${dir}/${id}/run.json`);
    const bad = await cli(["sample", "--set", "model.numSites=-1", "--runs-dir", dir]);
    assertEquals(bad.code, 2);
    assertEquals(await Deno.readTextFile(`${dir}/${id}/run.json`), before);
    assertEquals((await Array.fromAsync(Deno.readDir(dir))).length, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli.ts as a process: exit code 2 and no stack trace on bad input", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../../cli.ts", import.meta.url).pathname,
      "sample",
      "--steps",
      "x",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(out.code, 2);
  const err = new TextDecoder().decode(out.stderr).trim().split("\n").filter((l) =>
    !l.includes("Warning")
  );
  assertEquals(err, ["error: sample: --steps expects a number, got 'x'"]);
});
