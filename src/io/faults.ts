/**
 * Fault injection on the run store's write path, for the durability tests. Every byte the store
 * writes goes through `writeAll`, every flush through `syncBestEffort` and every publish through
 * a rename, and each of those asks this module first. With no plan (the normal case) nothing
 * happens. A plan comes from {@link setFaultPlan} (in process) or from `LANDSCAPE_FAULT` (for a
 * child process), as `<mode>:<point>:<n>`:
 *
 * - `crash:write:N` exits the process (status 137, no cleanup, like `kill -9`) halfway through
 *   the N-th write (before it, for a write that cannot tear); `crash:sync:N` before the N-th sync; `crash:rename:N` before the N-th rename;
 *   `crash:renamed:N` right after it.
 * - `enospc:write:B` fails the write that crosses byte B (counted over all writes) with
 *   "No space left on device" after writing what fits; later writes succeed again, as when the
 *   failed file's space is released.
 * @module
 */

/** Where a fault can happen. */
export type FaultPoint = "write" | "sync" | "rename" | "renamed";

/** A planned fault. */
export interface FaultPlan {
  readonly mode: "crash" | "enospc";
  readonly point: FaultPoint;
  /** The occurrence (1-based) for a crash, the byte count for ENOSPC. */
  readonly n: number;
}

let plan: FaultPlan | null | undefined;
const seen: Record<FaultPoint, number> = { write: 0, sync: 0, rename: 0, renamed: 0 };
let bytesWritten = 0;
let fired = false;

function parsePlan(text: string): FaultPlan {
  const m = /^(crash|enospc):(write|sync|rename|renamed):(\d+)$/.exec(text);
  if (!m || (m[1] === "enospc" && m[2] !== "write")) {
    throw new Error(
      `LANDSCAPE_FAULT '${text}' invalid: expected crash:write|sync|rename|renamed:N or enospc:write:BYTES`,
    );
  }
  return { mode: m[1] as FaultPlan["mode"], point: m[2] as FaultPoint, n: Number(m[3]) };
}

function current(): FaultPlan | null {
  if (plan === undefined) {
    let text: string | undefined;
    try {
      text = Deno.env.get("LANDSCAPE_FAULT");
    } catch {
      text = undefined; // no env permission: no plan
    }
    plan = text ? parsePlan(text) : null;
  }
  return plan;
}

/**
 * Sets (or clears, with null) the fault plan and resets the counters. Tests only.
 */
export function setFaultPlan(p: FaultPlan | null): void {
  plan = p;
  for (const k of Object.keys(seen) as FaultPoint[]) seen[k] = 0;
  bytesWritten = 0;
  fired = false;
}

/** The error a full disk gives, as Deno reports it. */
export function noSpaceError(): Error {
  const e = new Error("No space left on device (os error 28)");
  (e as { code?: string }).code = "ENOSPC";
  return e;
}

function crash(): never {
  Deno.exit(137);
}

/**
 * How many of a `length`-byte write's bytes may reach the file before the planned fault; a write
 * that cannot tear (see `writeAll`) gets all or none.
 */
export function writeBudget(length: number, tearable = true): number {
  const p = current();
  if (!p || fired || p.point !== "write") return length;
  if (p.mode === "enospc") {
    const room = p.n - bytesWritten;
    if (room >= length) {
      bytesWritten += length;
      return length;
    }
    fired = true;
    return tearable ? Math.max(0, room) : 0;
  }
  if (++seen.write !== p.n) return length;
  fired = true;
  return tearable ? Math.floor(length / 2) : 0;
}

/** Called after a write was cut short by {@link writeBudget}: the fault itself. */
export function failShortWrite(): never {
  if (current()?.mode === "crash") crash();
  throw noSpaceError();
}

/** A sync, rename or just-renamed point: crashes here if the plan says so. */
export function faultPoint(point: Exclude<FaultPoint, "write">): void {
  const p = current();
  if (!p || fired || p.point !== point) return;
  if (++seen[point] === p.n) {
    fired = true;
    crash();
  }
}
