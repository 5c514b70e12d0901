/**
 * Server state shared by routes: the run store (read only) and a cache of computed sampler
 * diagnostics, plus the two errors routes throw for 404 and 400.
 * @module
 */

import { checkSafeName } from "../../src/io/manifest.ts";
import { type RunReader, RunStore } from "../../src/io/run_store.ts";
import { type SamplerDiagnostics, samplerDiagnostics } from "./sampler_stats.ts";

export { BadRequest } from "./series.ts";

/** An error the server answers with 404. */
export class NotFound extends Error {}

/** What the routes share. */
export type DashState = {
  store: RunStore;
  /** Diagnostics by run version (id, status, array shapes), computed once. */
  diagnostics: Map<string, Promise<SamplerDiagnostics>>;
};

/**
 * The state over a runs folder.
 *
 * @example
 * ```ts
 * const state = dashState("runs");
 * ```
 */
export function dashState(runsDir: string): DashState {
  return { store: new RunStore(runsDir), diagnostics: new Map() };
}

/** Opens run `id`, throwing {@linkcode NotFound} for unsafe ids and missing or invalid runs. */
export async function openRun(state: DashState, id: string): Promise<RunReader> {
  try {
    checkSafeName("run id", id);
  } catch {
    throw new NotFound(
      `no run '${id}': run ids are single names of letters, digits, '.', '_', '-'`,
    );
  }
  try {
    return await state.store.open(id);
  } catch (e) {
    throw new NotFound((e as Error).message);
  }
}

/** Checks that array `name` exists in the run, throwing {@linkcode NotFound} otherwise. */
export function requireArray(reader: RunReader, name: string): void {
  if (!(name in reader.manifest.arrays)) {
    const names = reader.arrayNames.join(", ") || "none";
    throw new NotFound(`run '${reader.id}' has no array '${name}': it has ${names}`);
  }
}

/** Diagnostics of a sampling run, cached per run version. */
export function diagnosticsOf(state: DashState, reader: RunReader): Promise<SamplerDiagnostics> {
  const m = reader.manifest;
  const key = JSON.stringify([m.id, m.status, m.timings.finishedAt, m.arrays]);
  let p = state.diagnostics.get(key);
  if (!p) {
    p = samplerDiagnostics(reader);
    state.diagnostics.set(key, p);
    p.catch(() => state.diagnostics.delete(key));
    if (state.diagnostics.size > 256) {
      state.diagnostics.delete(state.diagnostics.keys().next().value!);
    }
  }
  return p;
}
