/**
 * Atomic file replacement: write a temporary file in the same folder, flush it to disk, then
 * rename it over the target, so readers see either the old file or the new one, never a mix.
 * @module
 */

/** What {@linkcode writeFileAtomic} can write: text (UTF-8), bytes, or a stream of chunks. */
export type AtomicWriteData =
  | string
  | Uint8Array
  | Iterable<Uint8Array>
  | AsyncIterable<Uint8Array>;

/** A short random lowercase hex string (`bytes` random bytes). */
export function randomHex(bytes = 4): string {
  const b = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/** The folder part of a path ("." when there is none). */
export function dirnameOf(path: string): string {
  const i = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  if (i < 0) return ".";
  return i === 0 ? path.slice(0, 1) : path.slice(0, i);
}

/** Writes every byte of `chunk`, looping over short writes. */
export async function writeAll(file: Deno.FsFile, chunk: Uint8Array): Promise<void> {
  let off = 0;
  while (off < chunk.length) off += await file.write(chunk.subarray(off));
}

/**
 * Flushes a file's data to the storage device where the platform allows; file systems that
 * cannot (EINVAL, not supported) are skipped, real I/O errors are thrown.
 */
export async function syncBestEffort(file: Deno.FsFile): Promise<void> {
  try {
    await file.syncData();
  } catch (e) {
    if (e instanceof Deno.errors.NotSupported || (e as { code?: string }).code === "EINVAL") {
      return;
    }
    throw e;
  }
}

/** Best-effort fsync of a folder so a rename inside it survives a crash (ignored if refused). */
export async function syncDirBestEffort(dir: string): Promise<void> {
  try {
    using f = await Deno.open(dir, { read: true });
    await f.sync();
  } catch {
    // Not every platform lets a folder be opened or synced; the rename is still atomic.
  }
}

async function* chunksOf(data: AtomicWriteData): AsyncIterable<Uint8Array> {
  if (typeof data === "string") yield new TextEncoder().encode(data);
  else if (data instanceof Uint8Array) yield data;
  else yield* data;
}

/**
 * Replaces `path` with `data` atomically: writes `path.<random>.tmp` in the same folder, syncs
 * it, and renames it over `path`. If anything fails (including the chunk source throwing
 * midway), the temporary file is removed and the old `path`, if any, is left untouched.
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from "./atomic.ts";
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/run.json`, JSON.stringify({ ok: true }));
 * ```
 */
export async function writeFileAtomic(path: string, data: AtomicWriteData): Promise<void> {
  const tmp = `${path}.${randomHex(6)}.tmp`;
  try {
    {
      using file = await Deno.open(tmp, { write: true, createNew: true });
      for await (const chunk of chunksOf(data)) await writeAll(file, chunk);
      await syncBestEffort(file);
    }
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
  await syncDirBestEffort(dirnameOf(path));
}
