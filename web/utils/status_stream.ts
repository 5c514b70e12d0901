/**
 * Live run status as server-sent events. The stream polls the runs folder (cheap `stat`s of
 * each `run.json`; a manifest is re-read only when its file changed), sends a `snapshot` of all
 * rows first, then a `run` event for each new or changed run and `removed` for vanished ones.
 * Polling rather than `Deno.watchFs` because atomic renames and network filesystems make
 * watch events unreliable, and a local dashboard can afford a stat per run per second.
 * @module
 */

import { checkSafeName, parseRunManifest } from "../../src/io/manifest.ts";
import { type RunRow, runRow } from "./run_rows.ts";

/** Options of {@linkcode statusStream}. */
export type StatusStreamOptions = {
  /** Poll interval in milliseconds (default 1000). */
  intervalMs?: number;
  /** Ends the stream when aborted (server shutdown). */
  signal?: AbortSignal;
};

type Seen = { stamp: string; key: string };

/** Formats one server-sent event. */
export function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

async function poll(root: string, seen: Map<string, Seen>): Promise<{
  changed: RunRow[];
  removed: string[];
  all: RunRow[];
}> {
  const changed: RunRow[] = [];
  const all: RunRow[] = [];
  const present = new Set<string>();
  let entries: Deno.DirEntry[] = [];
  try {
    entries = await Array.fromAsync(Deno.readDir(root));
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  for (const entry of entries) {
    if (!entry.isDirectory) continue;
    try {
      checkSafeName("run id", entry.name);
    } catch {
      continue;
    }
    const path = `${root}/${entry.name}/run.json`;
    let stamp: string;
    try {
      const st = await Deno.stat(path);
      stamp = `${st.mtime?.getTime()}:${st.size}:${st.ino}`;
    } catch {
      continue; // not (yet) a run
    }
    const prev = seen.get(entry.name);
    if (prev && prev.stamp === stamp && prev.key) {
      present.add(entry.name);
      all.push(JSON.parse(prev.key));
      continue;
    }
    try {
      const m = parseRunManifest(JSON.parse(await Deno.readTextFile(path)));
      if (m.id !== entry.name) continue;
      const row = runRow(m);
      const key = JSON.stringify(row);
      present.add(entry.name);
      all.push(row);
      if (!prev || prev.key !== key) changed.push(row);
      seen.set(entry.name, { stamp, key });
    } catch {
      continue; // half-written or invalid: try again next poll
    }
  }
  const removed = [...seen.keys()].filter((id) => !present.has(id));
  for (const id of removed) seen.delete(id);
  all.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  return { changed, removed, all };
}

/**
 * A byte stream of server-sent events describing the runs under `root`, until the client
 * disconnects or `signal` aborts.
 *
 * @example
 * ```ts
 * return new Response(statusStream("runs"), { headers: { "content-type": "text/event-stream" } });
 * ```
 */
export function statusStream(
  root: string,
  opts: StatusStreamOptions = {},
): ReadableStream<Uint8Array> {
  const interval = opts.intervalMs ?? 1000;
  const enc = new TextEncoder();
  const seen = new Map<string, Seen>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let first = true;
  let onAbort: (() => void) | undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const stop = () => {
        if (closed) return;
        closed = true;
        clearTimeout(timer);
        try {
          controller.close();
        } catch { /* already closed */ }
      };
      onAbort = stop;
      opts.signal?.addEventListener("abort", stop, { once: true });
      if (opts.signal?.aborted) return stop();
      const tick = async () => {
        if (closed) return;
        try {
          const { changed, removed, all } = await poll(root, seen);
          if (closed) return;
          if (first) {
            controller.enqueue(enc.encode(sseEvent("snapshot", all)));
            first = false;
          } else {
            for (const row of changed) controller.enqueue(enc.encode(sseEvent("run", row)));
            for (const id of removed) controller.enqueue(enc.encode(sseEvent("removed", { id })));
          }
        } catch (e) {
          if (!closed) {
            controller.enqueue(enc.encode(sseEvent("error", { message: (e as Error).message })));
          }
        }
        if (!closed) timer = setTimeout(tick, interval);
      };
      tick();
    },
    cancel() {
      closed = true;
      clearTimeout(timer);
      if (onAbort) opts.signal?.removeEventListener("abort", onAbort);
    },
  });
}
