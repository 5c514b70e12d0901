/**
 * `runs export --format zarr`: the store opens in real xarray and zarr (Debian's python3-xarray and
 * python3-zarr, installed by .ci/run) with the right groups, dimension names and values.
 */
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { cli } from "../_cli.ts";
import { RunStore } from "../../src/io/run_store.ts";
import { exportRunZarr } from "../../src/runs/export_zarr.ts";

/** The first Python that imports xarray and zarr, or null. */
async function xarrayPython(): Promise<string | null> {
  const env = Deno.env.get("LANDSCAPE_PYTHON");
  for (const py of ["/usr/bin/python3", ...(env ? [env] : []), "python3"]) {
    try {
      const r = await new Deno.Command(py, { args: ["-c", "import xarray, zarr"], stderr: "null" })
        .output();
      if (r.success) return py;
    } catch { /* not there */ }
  }
  return null;
}
const PY = await xarrayPython();
const SKIP = PY === null;
if (SKIP) {
  console.log(
    "skipping Zarr export checks: no python3 with xarray and zarr (python3-xarray, python3-zarr)",
  );
}

/** Reads every variable of `groups` with xarray, as {group: {var: {dims, values}}}. */
async function readWithXarray(path: string, groups: string[]) {
  const script = `
import json, sys, xarray as xr, zarr
out = {}
for g in sys.argv[2:]:
    ds = xr.open_zarr(sys.argv[1], group=g, consolidated=True)
    out[g] = {k: {"dims": list(v.dims), "values": v.values.tolist()} for k, v in ds.data_vars.items()}
    out[g]["__coords__"] = {k: v.values.tolist() for k, v in ds.coords.items()}
root = zarr.open_group(sys.argv[1], mode="r")
out["__zarr__"] = {"groups": sorted(k for k, _ in root.groups()), "attrs": dict(root.attrs)}
print(json.dumps(out))
`;
  const r = await new Deno.Command(PY!, { args: ["-c", script, path, ...groups] }).output();
  const err = new TextDecoder().decode(r.stderr);
  assert(r.success, `python failed: ${err}`);
  return JSON.parse(new TextDecoder().decode(r.stdout));
}

Deno.test({
  name: "runs export: a sample run in ArviZ layout reads back in xarray, chunk by chunk",
  ignore: SKIP,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      const r = await cli([
        "sample",
        "--model",
        "bernoulli",
        "--sampler",
        "rwm",
        "--set",
        "model.numSites=6",
        "--chains",
        "3",
        "--steps",
        "50",
        "--backend",
        "cpu",
        "--runs-dir",
        dir,
        "--json",
      ]);
      assertEquals(r.code, 0, r.err);
      const id = (await new RunStore(dir).list()).runs[0].id;
      const run = await new RunStore(dir).open(id);
      // Small chunks: 50 draws in chunks of 7 rows exercise the padded edge chunk.
      const groups = await exportRunZarr(run, `${dir}/a.zarr`, { chunkBytes: 7 * 3 * 4 });
      assertEquals(groups, ["posterior", "sample_stats", "final_state"]);
      const x = await readWithXarray(`${dir}/a.zarr`, groups);
      const hamming = await run.readArray("hamming"), energy = await run.readArray("energy");
      // Stored [draw, chain]; exported [chain, draw].
      for (const [v, src] of [[x.posterior.hamming, hamming], [x.sample_stats.energy, energy]]) {
        assertEquals(v.dims, ["chain", "draw"]);
        for (let c = 0; c < 3; c++) {
          for (let s = 0; s < 50; s++) assertEquals(v.values[c][s], src.data[s * 3 + c]);
        }
      }
      assertEquals(
        x.sample_stats.acceptance_rate.values,
        Array.from((await run.readArray("acceptance")).data),
      );
      assertEquals(x.sample_stats.adaptive_parameter.dims, ["draw"]);
      const fin = await run.readArray("final_states");
      assertEquals(x.final_state.final_state.dims, ["chain", "site"]);
      assertEquals(x.final_state.final_state.values.flat(), Array.from(fin.data));
      assertEquals(x.posterior.__coords__.chain, [0, 1, 2]);
      assertEquals(x.posterior.__coords__.draw.length, 50);
      assertEquals(x.__zarr__.groups, ["final_state", "posterior", "sample_stats"]);
      assertEquals(x.__zarr__.attrs.landscape_run_id, id);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "runs export: a simulate run's trajectories are chains and its frames draws",
  ignore: SKIP,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      const r = await cli([
        "simulate",
        "--system",
        "double-well",
        "--starts",
        "2",
        "--trajectories",
        "3",
        "--frames",
        "5",
        "--backend",
        "cpu",
        "--runs-dir",
        dir,
        "--json",
      ]);
      assertEquals(r.code, 0, r.err);
      const id = (await new RunStore(dir).list()).runs[0].id;
      const e = await cli(["runs", "export", id, "--runs-dir", dir, "--out", `${dir}/s.zarr`]);
      assertEquals(e.code, 0, e.err);
      const x = await readWithXarray(`${dir}/s.zarr`, ["frames"]);
      const frames = await (await new RunStore(dir).open(id)).readArray("frames");
      const [F, T, D] = frames.shape;
      assertEquals(x.frames.frames.dims, ["chain", "draw", "dim"]);
      for (let t = 0; t < T; t++) {
        for (let f = 0; f < F; f++) {
          for (let d = 0; d < D; d++) {
            assertEquals(x.frames.frames.values[t][f][d], frames.data[(f * T + t) * D + d]);
          }
        }
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("runs export: bad requests exit 2 and leave existing files alone", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const store = new RunStore(dir);
    const w = await store.create({ command: ["sample"], config: {}, seed: 0, backend: "cpu" });
    await w.finish("failed", "boom");
    await Deno.mkdir(`${dir}/taken.zarr`);
    await Deno.writeTextFile(`${dir}/taken.zarr/keep`, "x");
    const cases: [string[], RegExp][] = [
      [
        ["runs", "export", w.id, "--runs-dir", dir, "--out", `${dir}/o.zarr`],
        /is failed: expected a finished/,
      ],
      [["runs", "export", "nope", "--runs-dir", dir], /runs export: run 'nope' not found/],
      [
        ["runs", "export", w.id, "--runs-dir", dir, "--format", "hdf5"],
        /--format 'hdf5' unknown: expected zarr/,
      ],
    ];
    for (const [args, pattern] of cases) {
      const r = await cli(args);
      assertEquals(r.code, 2, r.err);
      assertMatch(r.err, pattern);
    }
    const done = await store.create({ command: ["sample"], config: {}, seed: 0, backend: "cpu" });
    await done.finish("done");
    const r = await cli([
      "runs",
      "export",
      done.id,
      "--runs-dir",
      dir,
      "--out",
      `${dir}/taken.zarr`,
    ]);
    assertEquals(r.code, 2);
    assertMatch(r.err, /already exists: expected a new folder/);
    assertEquals(await Deno.readTextFile(`${dir}/taken.zarr/keep`), "x");
    assertEquals([...Deno.readDirSync(dir)].filter((e) => e.name.includes("partial")).length, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
