/**
 * `runs export <id> --format zarr`: a stored run as an ArviZ InferenceData-layout Zarr v2 store,
 * so `xarray.open_zarr(path, group="posterior")` or `arviz.from_zarr(path)` reads it. Arrays are
 * streamed block by block from the run's `.npy` files, so a run larger than memory exports too.
 *
 * Layouts by run kind: a `sample` run puts the DISCS statistic (`hamming`) in `posterior`, the
 * energies, per-chain acceptance and the adaptive parameter in `sample_stats`, and the final and
 * reference states in `final_state`; a `simulate` run puts its trajectories in `frames` with
 * trajectories as `chain` and saved frames as `draw`.
 * @module
 */
import type { RunReader } from "../io/run_store.ts";
import { type NpyTypedArray, shapeSize } from "../io/npy.ts";
import { ZarrWriter } from "../io/zarr.ts";
import { LANDSCAPE_VERSION } from "../io/run_store.ts";
import { SAMPLE_ARRAYS as S } from "./sample.ts";
import { SIMULATE_ARRAYS as M } from "./simulate.ts";

/** One exported variable: where it comes from and its dimension names. */
interface VarSpec {
  readonly group: string;
  readonly name: string;
  readonly source: string;
  /** Dimension names of the exported array. */
  readonly dims: readonly string[];
  /** The source's first two axes are (draw, chain)-like and are swapped on export. */
  readonly swap01?: boolean;
}

/** Layouts of the run kinds that have one. */
const LAYOUTS: Readonly<Record<string, readonly VarSpec[]>> = {
  sample: [
    {
      group: "posterior",
      name: "hamming",
      source: S.hamming.name,
      dims: ["chain", "draw"],
      swap01: true,
    },
    {
      group: "sample_stats",
      name: "energy",
      source: S.energy.name,
      dims: ["chain", "draw"],
      swap01: true,
    },
    { group: "sample_stats", name: "acceptance_rate", source: S.acceptance.name, dims: ["chain"] },
    { group: "sample_stats", name: "adaptive_parameter", source: S.param.name, dims: ["draw"] },
    {
      group: "final_state",
      name: "final_state",
      source: S.finalStates.name,
      dims: ["chain", "site"],
    },
    { group: "final_state", name: "reference", source: S.reference.name, dims: ["site"] },
  ],
  simulate: [
    {
      group: "frames",
      name: "frames",
      source: M.frames.name,
      dims: ["chain", "draw", "dim"],
      swap01: true,
    },
    {
      group: "frames",
      name: "core_frames",
      source: M.coreFrames.name,
      dims: ["chain", "draw", "core_dim"],
      swap01: true,
    },
    { group: "frames", name: "labels", source: M.labels.name, dims: ["chain"] },
    { group: "frames", name: "trajectory_start", source: M.trajectoryStart.name, dims: ["chain"] },
    { group: "starts", name: "starts", source: M.starts.name, dims: ["start", "coord"] },
    { group: "starts", name: "start_labels", source: M.startLabels.name, dims: ["start"] },
  ],
};

/** Run kinds {@link exportRunZarr} knows. */
export const ZARR_EXPORT_KINDS: readonly string[] = Object.keys(LAYOUTS);

/** Bytes per written chunk (about): large enough for few files, small enough to stream. */
const CHUNK_BYTES = 4 << 20;

/** Swaps the first two axes of a C-order block [a, b, ...rest] into [b, a, ...rest]. */
function swapFirstAxes(data: NpyTypedArray, a: number, b: number, rest: number): NpyTypedArray {
  const out = new (data.constructor as new (n: number) => NpyTypedArray)(data.length);
  for (let i = 0; i < a; i++) {
    for (let j = 0; j < b; j++) {
      out.set(data.subarray((i * b + j) * rest, (i * b + j + 1) * rest), (j * a + i) * rest);
    }
  }
  return out;
}

/**
 * Writes `run` to `out` (a new folder) as a Zarr v2 store in ArviZ's InferenceData layout and
 * returns the groups written. Only a `done` run of a kind in {@link ZARR_EXPORT_KINDS} exports.
 */
export async function exportRunZarr(
  run: RunReader,
  out: string,
  options: { chunkBytes?: number } = {},
): Promise<string[]> {
  // Version 1 manifests have no kind: their command names it.
  const kind = run.manifest.kind ?? run.manifest.command[0];
  const layout = LAYOUTS[kind];
  if (!layout) {
    throw new Error(
      `run '${run.id}' is a '${kind}' run: expected one of ${ZARR_EXPORT_KINDS.join(", ")}`,
    );
  }
  if (run.manifest.status !== "done") {
    throw new Error(`run '${run.id}' is ${run.manifest.status}: expected a finished (done) run`);
  }
  try {
    await Deno.lstat(out);
    throw new Error(`${out} already exists: expected a new folder for the Zarr store`);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  const specs = layout.filter((v) => run.manifest.arrays[v.source]);
  // Written beside `out` and renamed at the end: a failed export leaves nothing half-written.
  const tmp = `${out}.partial-${crypto.randomUUID().slice(0, 8)}`;
  try {
    const groups = await writeLayout(run, new ZarrWriter(tmp), specs, options.chunkBytes);
    await Deno.rename(tmp, out);
    return groups;
  } catch (e) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    throw e;
  }
}

async function writeLayout(
  run: RunReader,
  z: ZarrWriter,
  specs: readonly VarSpec[],
  chunkBytes = CHUNK_BYTES,
): Promise<string[]> {
  const attrs = {
    inference_library: "landscape",
    inference_library_version: LANDSCAPE_VERSION,
    created_at: run.manifest.timings.createdAt,
    landscape_run_id: run.id,
    landscape_command: run.manifest.command.join(" "),
    landscape_config: JSON.stringify(run.manifest.config),
  };
  await z.group("", attrs);
  const groups = [...new Set(specs.map((v) => v.group))];
  for (const group of groups) {
    await z.group(group, attrs);
    const sizes = new Map<string, number>();
    for (const v of specs.filter((s) => s.group === group)) {
      const shape = [...run.manifest.arrays[v.source].shape];
      const outShape = v.swap01 ? [shape[1], shape[0], ...shape.slice(2)] : shape;
      v.dims.forEach((d, k) => sizes.set(d, outShape[k]));
      await exportVar(run, z, v, shape, outShape, chunkBytes);
    }
    // Integer coordinates for every dimension, as ArviZ writes them.
    for (const [dim, n] of sizes) {
      const a = await z.array(`${group}/${dim}`, {
        shape: [n],
        chunks: [Math.max(1, n)],
        dtype: "i64",
        dims: [dim],
      });
      if (n > 0) await a.writeChunk([0], BigInt64Array.from({ length: n }, (_, i) => BigInt(i)));
    }
  }
  await z.close();
  return groups;
}

async function exportVar(
  run: RunReader,
  z: ZarrWriter,
  v: VarSpec,
  shape: number[],
  outShape: number[],
  chunkBytes: number,
): Promise<void> {
  const entry = run.manifest.arrays[v.source];
  if (v.dims.length !== shape.length) {
    throw new Error(
      `run '${run.id}' array '${v.source}' has shape [${shape.join(", ")}]: expected ` +
        `${v.dims.length} axes (${v.dims.join(", ")})`,
    );
  }
  if (shape.length === 0 || shape[0] === 0 || shapeSize(shape) === 0) {
    await z.array(`${v.group}/${v.name}`, {
      shape: outShape,
      chunks: outShape.map((n) => Math.max(1, n)),
      dtype: entry.dtype,
      dims: v.dims,
    });
    return;
  }
  const rowElems = shapeSize(shape.slice(1));
  const itemBytes = { f32: 4, f64: 8, i32: 4, u32: 4, u8: 1 }[entry.dtype];
  const block = Math.max(1, Math.min(shape[0], Math.floor(chunkBytes / (rowElems * itemBytes))));
  const chunks = v.swap01
    ? [outShape[0], block, ...outShape.slice(2)]
    : [block, ...outShape.slice(1)];
  const arr = await z.array(`${v.group}/${v.name}`, {
    shape: outShape,
    chunks,
    dtype: entry.dtype,
    dims: v.dims,
  });
  for (let start = 0, k = 0; start < shape[0]; start += block, k++) {
    const n = Math.min(block, shape[0] - start);
    const rows = await run.readArrayRows(v.source, start, n);
    const data = v.swap01
      ? swapFirstAxes(rows.data, n, shape[1], shapeSize(shape.slice(2)))
      : rows.data;
    const index = v.swap01
      ? [0, k, ...shape.slice(2).map(() => 0)]
      : [k, ...shape.slice(1).map(() => 0)];
    await arr.writeChunk(index, data);
  }
}
