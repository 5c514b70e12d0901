import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { runCli } from "../../src/cli/main.ts";
import type { CliIo } from "../../src/cli/io.ts";
import { RunStore } from "../../src/io/run_store.ts";
import { TrainConfigSchema, trainLm } from "../../src/lm/train.ts";

async function cli(args: string[]) {
  const stdout: string[] = [], stderr: string[] = [];
  const io: CliIo = { out: (t) => stdout.push(t), notice: (t) => stderr.push(t) };
  const code = await runCli(args, io);
  return { code, out: stdout.join("\n"), err: stderr.join("\n") };
}

/** Every file under `dir` with its bytes, to show that a refused command touched nothing. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string) => {
    for await (const e of Deno.readDir(d)) {
      const p = `${d}/${e.name}`;
      if (e.isDirectory) await walk(p);
      else out.set(p, Array.from(await Deno.readFile(p)).join(","));
    }
  };
  await walk(dir).catch(() => {});
  return out;
}

const TINY = [
  "--set",
  "dModel=8",
  "--set",
  "nHeads=2",
  "--set",
  "nLayers=1",
  "--set",
  "context=8",
  "--set",
  "batch=2",
  "--set",
  "steps=2",
  "--set",
  "sampleLength=5",
  "--set",
  "evalWindows=2",
];
const TEXT = "To be, or not to be, that is the question. ".repeat(5);

Deno.test("lm: bad input gives one line, exit 2, and leaves the store untouched", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const runs = `${dir}/runs`;
    await Deno.writeTextFile(`${dir}/ok.txt`, TEXT);
    await Deno.writeFile(`${dir}/empty.txt`, new Uint8Array());
    await Deno.writeFile(`${dir}/latin1.txt`, Uint8Array.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    await Deno.writeTextFile(`${dir}/short.txt`, "abcdefghij".repeat(5));
    // One good llama run, and a cem run stopped after 1 of 2 steps (resumable).
    const ok = await cli([
      "lm",
      "train",
      "--arch",
      "llama",
      "--text",
      `${dir}/ok.txt`,
      "--runs-dir",
      runs,
      ...TINY,
      "--json",
    ]);
    assertEquals(ok.code, 0, ok.err);
    const llamaId = JSON.parse(ok.out).runId;
    const cfg = TrainConfigSchema.parse({
      arch: "cem",
      text: `${dir}/ok.txt`,
      dModel: 8,
      nHeads: 2,
      nLayers: 1,
      context: 8,
      batch: 2,
      steps: 2,
      checkpointEvery: 1,
      evalWindows: 2,
    });
    const cut = await trainLm(new RunStore(runs), cfg, { command: ["test"], stopAfter: 1 });
    const before = await snapshot(runs);
    const cases: [string[], RegExp][] = [
      [
        ["lm", "train", "--text", `${dir}/missing.txt`],
        /missing\.txt' not found: expected a UTF-8 text file/,
      ],
      [["lm", "train", "--text", `${dir}/empty.txt`], /empty\.txt' is empty/],
      [["lm", "train", "--text", `${dir}/latin1.txt`], /latin1\.txt' is not valid UTF-8/],
      [
        ["lm", "train", "--text", `${dir}/short.txt`, "--set", "context=64"],
        /too short for context 64/,
      ],
      [
        ["lm", "train", "--text", `${dir}/ok.txt`, "--set", "dModell=8"],
        /unrecognized key.*dModell/i,
      ],
      [["lm", "train", "--text", `${dir}/ok.txt`, "--arch", "gpt"], /--arch expects llama or cem/],
      [
        ["lm", "train", "--text", `${dir}/ok.txt`, "--set", "context=8", "--set", "block.steps=2"],
        /steps > 1 needs tied/,
      ],
      [
        ["lm", "sample", "--run", llamaId, "--arch", "cem"],
        /holds a 'llama' checkpoint: expected --arch llama/,
      ],
      [
        ["lm", "train", "--resume", cut.runId, "--arch", "llama"],
        /holds a 'cem' checkpoint: expected --arch cem/,
      ],
      [["lm", "train", "--resume", llamaId], /is done/],
      [["lm", "sample", "--run", "nope"], /run 'nope' not found/],
      [["lm", "sample", "--run", llamaId, "--prompt", "\u00e9"], /not in the vocabulary/],
      [["lm", "sample", "--run", llamaId, "--temperature", "0"], /--temperature expects a number/],
    ];
    for (const [args, pattern] of cases) {
      const r = await cli([...args, "--runs-dir", runs]);
      assertEquals(r.code, 2, `${args.join(" ")}: ${r.err}`);
      assertEquals(r.err.split("\n").length, 1, r.err);
      assertMatch(r.err, pattern);
      assertEquals(await snapshot(runs), before, `${args.join(" ")} touched the store`);
    }
    // The good paths: resume finishes the cem run; sampling is reproducible.
    const resumed = await cli([
      "lm",
      "train",
      "--resume",
      cut.runId,
      "--arch",
      "cem",
      "--runs-dir",
      runs,
    ]);
    assertEquals(resumed.code, 0, resumed.err);
    const s1 = await cli([
      "lm",
      "sample",
      "--run",
      llamaId,
      "--prompt",
      "To be",
      "--length",
      "12",
      "--seed",
      "3",
      "--runs-dir",
      runs,
    ]);
    const s2 = await cli([
      "lm",
      "sample",
      "--run",
      llamaId,
      "--prompt",
      "To be",
      "--length",
      "12",
      "--seed",
      "3",
      "--runs-dir",
      runs,
    ]);
    assertEquals(s1.code, 0, s1.err);
    assertEquals(s1.out, s2.out);
    assert(s1.out.startsWith("To be") && Array.from(s1.out).length === 17, s1.out);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
