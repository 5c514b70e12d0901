/**
 * A small Zarr format v2 writer: groups, uncompressed C-order arrays written chunk by chunk,
 * xarray's named dimensions (`_ARRAY_DIMENSIONS`) and consolidated metadata (`.zmetadata`).
 * Version 2 because the xarray and zarr that Debian ships (2023.01, 2.13) read v2 only.
 * Spec: https://zarr-specs.readthedocs.io/en/latest/v2/v2.0.html
 * @module
 */
import { NPY_ITEM_SIZE, type NpyDtype, type NpyTypedArray, typedBytes } from "./npy.ts";

/** Zarr v2 dtype strings of the run store's dtypes, plus int64 for coordinates. */
const ZARR_DTYPE: Readonly<Record<NpyDtype | "i64", string>> = {
  f32: "<f4",
  f64: "<f8",
  i32: "<i4",
  u32: "<u4",
  u8: "|u1",
  i64: "<i8",
};

/** An array's metadata: shape, chunk shape, dtype and xarray dimension names. */
export interface ZarrArraySpec {
  readonly shape: readonly number[];
  readonly chunks: readonly number[];
  readonly dtype: NpyDtype | "i64";
  /** xarray dimension names, one per axis. */
  readonly dims: readonly string[];
  readonly attrs?: Readonly<Record<string, unknown>>;
}

/**
 * Writes one Zarr v2 hierarchy under `root`; call {@link ZarrWriter.close} last to write the
 * consolidated metadata that xarray reads in one request.
 *
 * @example
 * ```ts
 * import { ZarrWriter } from "./zarr.ts";
 * const z = new ZarrWriter(`${await Deno.makeTempDir()}/out.zarr`);
 * await z.group("", { title: "demo" });
 * const a = await z.array("x", { shape: [2], chunks: [2], dtype: "f64", dims: ["i"] });
 * await a.writeChunk([0], new Float64Array([1, 2]));
 * await z.close();
 * ```
 */
export class ZarrWriter {
  readonly #meta: Record<string, unknown> = {};
  constructor(readonly root: string) {}

  async #writeJson(key: string, value: unknown): Promise<void> {
    this.#meta[key] = value;
    const path = `${this.root}/${key}`;
    await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(path, JSON.stringify(value, null, 2));
  }

  /** Creates a group at `path` ("" for the root) with attributes. */
  async group(path: string, attrs: Record<string, unknown> = {}): Promise<void> {
    const prefix = path ? `${path}/` : "";
    await this.#writeJson(`${prefix}.zgroup`, { zarr_format: 2 });
    await this.#writeJson(`${prefix}.zattrs`, attrs);
  }

  /** Creates an array at `path` and returns a writer of its chunks. */
  async array(path: string, spec: ZarrArraySpec): Promise<ZarrArrayWriter> {
    if (spec.shape.length !== spec.chunks.length || spec.shape.length !== spec.dims.length) {
      throw new Error(
        `zarr array '${path}': shape, chunks and dims need one entry per axis, got ` +
          `${spec.shape.length}, ${spec.chunks.length} and ${spec.dims.length}`,
      );
    }
    await this.#writeJson(`${path}/.zarray`, {
      zarr_format: 2,
      shape: spec.shape,
      chunks: spec.chunks,
      dtype: ZARR_DTYPE[spec.dtype],
      compressor: null,
      // null, not 0: xarray would otherwise read every stored 0 as missing.
      fill_value: null,
      order: "C",
      filters: null,
      dimension_separator: ".",
    });
    await this.#writeJson(`${path}/.zattrs`, { ...spec.attrs, _ARRAY_DIMENSIONS: spec.dims });
    return new ZarrArrayWriter(`${this.root}/${path}`, spec);
  }

  /** Writes `.zmetadata` (consolidated metadata of everything written). */
  async close(): Promise<void> {
    const metadata = { ...this.#meta };
    await Deno.writeTextFile(
      `${this.root}/.zmetadata`,
      JSON.stringify({ zarr_consolidated_format: 1, metadata }, null, 2),
    );
  }
}

/** Writes the chunks of one array. */
export class ZarrArrayWriter {
  constructor(readonly dir: string, readonly spec: ZarrArraySpec) {}

  /**
   * Writes the chunk at grid position `index`. Edge chunks are given at their true (smaller)
   * size and padded to the full chunk shape, as Zarr v2 stores every chunk whole.
   */
  async writeChunk(index: readonly number[], data: NpyTypedArray | BigInt64Array): Promise<void> {
    const { shape, chunks, dtype } = this.spec;
    const extent = chunks.map((c, k) => Math.min(c, shape[k] - index[k] * c));
    if (extent.some((e) => e <= 0)) {
      throw new Error(`zarr chunk [${index.join(", ")}] lies outside shape [${shape.join(", ")}]`);
    }
    const count = extent.reduce((a, b) => a * b, 1);
    if (data.length !== count) {
      throw new Error(`zarr chunk [${index.join(", ")}]: ${data.length} values, expected ${count}`);
    }
    const size = dtype === "i64" ? 8 : NPY_ITEM_SIZE[dtype];
    const full = new Uint8Array(chunks.reduce((a, b) => a * b, 1) * size);
    const src = typedBytes(data);
    // Copy rows of the last axis into the padded chunk, in C order.
    const rowBytes = extent[extent.length - 1] * size;
    const rows = count / Math.max(1, extent[extent.length - 1]);
    const pos = new Array(extent.length - 1).fill(0);
    for (let r = 0; r < rows; r++) {
      let off = 0;
      for (let k = 0; k < pos.length; k++) off = off * chunks[k] + pos[k];
      off *= chunks[chunks.length - 1] * size;
      full.set(src.subarray(r * rowBytes, (r + 1) * rowBytes), off);
      for (let k = pos.length - 1; k >= 0; k--) {
        if (++pos[k] < extent[k]) break;
        pos[k] = 0;
      }
    }
    await Deno.writeFile(`${this.dir}/${index.join(".") || "0"}`, full);
  }
}
