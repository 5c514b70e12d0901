/**
 * Atom mapping of unmapped reactions with Indigo's automapper (`npm:indigo-ketcher`, WASM), cached
 * on disk as JSON lines (`{id, mapped, ms, error?}`), so a long mapping run resumes where it
 * stopped. Each reaction gets a fixed time limit (`aam-timeout`), so how far the mapper searches
 * does not depend on how long earlier reactions took.
 * @module
 */
import type { ReactionRow } from "./data.ts";
import { reactionSmiles } from "./data.ts";

/** One cached mapping result. */
export interface MappedEntry {
  id: string;
  /** Mapped reaction SMILES, or null when Indigo failed. */
  mapped: string | null;
  /** Wall time of the automap call. */
  ms: number;
  error?: string;
}

// deno-lint-ignore no-explicit-any
type Indigo = any;
let indigoPromise: Promise<Indigo> | null = null;

/** Loads Indigo once (about 0.3 s; the build without renderer). */
export function loadIndigo(): Promise<Indigo> {
  indigoPromise ??= (async () => {
    const { default: factory } = await import("npm:indigo-ketcher@1.46.0/jsNoRender");
    return await factory({});
  })();
  return indigoPromise;
}

/**
 * Maps one reaction SMILES with Indigo ("discard" mode: existing maps are ignored).
 *
 * @example
 * ```ts
 * import { automapReaction, loadIndigo } from "./indigo_map.ts";
 * const indigo = await loadIndigo();
 * automapReaction(indigo, "CC(=O)O.Nc1ccc(O)cc1>>CC(=O)Nc1ccc(O)cc1", 1000).mapped; // "[CH3:1]..."
 * ```
 */
export function automapReaction(
  indigo: Indigo,
  rxn: string,
  timeoutMs: number,
): Omit<MappedEntry, "id"> {
  const opts = new indigo.MapStringString();
  opts.set("aam-timeout", String(timeoutMs));
  const t = performance.now();
  try {
    const mapped: string = indigo.automap(rxn, "discard", "smiles", opts);
    return { mapped, ms: Math.round(performance.now() - t) };
  } catch (e) {
    const msg = String((e as Error)?.message ?? e).split("\n")[0].slice(0, 120);
    return { mapped: null, ms: Math.round(performance.now() - t), error: msg || "indigo error" };
  } finally {
    opts.delete?.();
  }
}

/** Reads a mapping cache (JSON lines); a torn last line from an interrupted run is ignored. */
export async function readMapCache(path: string): Promise<Map<string, MappedEntry>> {
  const out = new Map<string, MappedEntry>();
  let text = "";
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return out;
    throw e;
  }
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const entry = JSON.parse(line) as MappedEntry;
      if (typeof entry.id === "string") out.set(entry.id, entry);
    } catch {
      // an interrupted append: the reaction is simply mapped again
    }
  }
  return out;
}

/** Options of {@link mapReactions}. */
export interface MapOptions {
  /** Per-reaction automap limit in ms (default 1000). */
  timeoutMs?: number;
  /** Stop after this many new reactions (default all). */
  limit?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Maps every row not yet in the cache file at `cachePath`, appending results as it goes
 * (resumable). Returns the full cache.
 */
export async function mapReactions(
  rows: ReactionRow[],
  cachePath: string,
  opts: MapOptions = {},
): Promise<Map<string, MappedEntry>> {
  const cache = await readMapCache(cachePath);
  const todo = rows.filter((r) => !cache.has(r.id)).slice(0, opts.limit ?? Infinity);
  if (todo.length === 0) return cache;
  const indigo = await loadIndigo();
  const file = await Deno.open(cachePath, { append: true, create: true });
  const enc = new TextEncoder();
  try {
    let buffer = "";
    for (let i = 0; i < todo.length; i++) {
      const row = todo[i];
      const entry: MappedEntry = {
        id: row.id,
        ...automapReaction(indigo, reactionSmiles(row), opts.timeoutMs ?? 1000),
      };
      cache.set(row.id, entry);
      buffer += JSON.stringify(entry) + "\n";
      if (buffer.length > 32_000 || i === todo.length - 1) {
        await file.write(enc.encode(buffer));
        buffer = "";
      }
      opts.onProgress?.(i + 1, todo.length);
    }
  } finally {
    file.close();
  }
  return cache;
}
