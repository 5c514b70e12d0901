import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { cli } from "../_cli.ts";
import { readNpyFile } from "../../src/io/npy_file.ts";

Deno.test("simulate stores embedded frames with ground-truth labels", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = await cli([
      "simulate",
      "--system",
      "double-well",
      "--dim",
      "6",
      "--noise",
      "ou",
      "--set",
      "starts=[[-1],[1]]",
      "--trajectories",
      "4",
      "--frames",
      "5",
      "--stride",
      "10",
      "--backend",
      "cpu",
      "--runs-dir",
      dir,
      "--json",
    ]);
    assertEquals(r.code, 0, r.err);
    const { run } = JSON.parse(r.out);
    const frames = await readNpyFile(`${dir}/${run}/frames.npy`);
    assertEquals(frames.shape, [6, 8, 6]); // frame 0 is the start
    const labels = await readNpyFile(`${dir}/${run}/start_labels.npy`);
    // The two starts sit in the two wells, so descent labels them differently.
    assert(labels.data[0] !== labels.data[1]);
    const manifest = JSON.parse(await Deno.readTextFile(`${dir}/${run}/run.json`));
    assertEquals(manifest.command.slice(0, 3), ["simulate", "--system", "double-well"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("simulate: bad input is a one-line error with exit code 2", async () => {
  for (
    const [args, pattern] of [
      [["simulate"], /--system is required/],
      [["simulate", "--system", "nope"], /system: unknown 'nope'/],
      [["simulate", "--system", "muller-brown", "--frames", "-3"], /--frames needs a value/],
      [["simulate", "--system", "muller-brown", "--noise", "pink"], /noise: invalid option/],
      [["simulate", "--system", "muller-brown", "--dt", "x"], /--dt expects a number/],
    ] as [string[], RegExp][]
  ) {
    const r = await cli(args);
    assertEquals(r.code, 2, `${args.join(" ")}: ${r.err}`);
    assertMatch(r.err, pattern);
    assert(!r.err.includes("\n"));
  }
});
