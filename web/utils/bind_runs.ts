/**
 * Data of the binding page (`/bind`, `/api/bind`): which runs are binding runs (`bind train`,
 * `bind bench`, `bind score --save`), their loss curves, and the scored complex a run stores
 * for the 3-D view (`BIND_VIEW_ARRAYS` in `src/runs/bind.ts`).
 * @module
 */

import type { RunManifest } from "../../src/io/manifest.ts";
import { BIND_ARRAYS, BIND_KIND, BIND_VIEW_ARRAYS } from "../../src/runs/bind.ts";
import { type DashState, NotFound, openRun } from "./state.ts";

/** Which `bind` subcommand made a run. */
export type BindRunKind = "train" | "bench" | "score";

/** The `bind` subcommand of a run, or null for other runs. */
export function bindRunKind(
  m: Pick<RunManifest, "config"> & { kind?: string },
): BindRunKind | null {
  const k = (m.config as { kind?: unknown }).kind;
  if (k === "bind-train" || m.kind === BIND_KIND) return "train";
  if (k === "bind-bench") return "bench";
  if (k === "bind-score") return "score";
  return null;
}

/** Bench runs store one epoch-loss array per method and seed: `loss_<method>_<seed>`. */
const BENCH_LOSS = /^loss_(.+)_(\d+)$/;

/** Whether a run stores every non-optional array of the 3-D view. */
export function hasComplexView(m: Pick<RunManifest, "arrays">): boolean {
  return Object.values(BIND_VIEW_ARRAYS).every((s) =>
    ("optional" in s && s.optional) || s.name in m.arrays
  );
}

/** What the page shows of one binding run. */
export interface BindRunView {
  id: string;
  kind: BindRunKind;
  label: string;
  status: string;
  /** Loss per epoch: one curve for a train run, one per method and seed for a bench run. */
  curves: { label: string; x: number[]; y: number[] }[];
  /** Loss per training step (train runs; empty otherwise). */
  stepLoss: number[];
  hasView: boolean;
  summary: RunManifest["summary"];
}

/** Reads the curves of binding run `id` (404 for unknown runs and runs of other commands). */
export async function bindRunView(state: DashState, id: string): Promise<BindRunView> {
  const run = await openRun(state, id);
  const m = run.manifest;
  const kind = bindRunKind(m);
  if (!kind) throw new NotFound(`run '${id}' is not a binding run (bind train, bench or score)`);
  const tail = id.slice(-6);
  const epochs = (y: ArrayLike<number>) => Array.from({ length: y.length }, (_, i) => i + 1);
  const curves: BindRunView["curves"] = [];
  let stepLoss: number[] = [];
  let label: string;
  if (kind === "train") {
    const train = (m.config as { train?: { method?: string } }).train;
    label = `${train?.method ?? "?"} s${m.seed} (${tail})`;
    if (BIND_ARRAYS.epochLoss.name in m.arrays) {
      const y = Array.from((await run.readArray(BIND_ARRAYS.epochLoss.name)).data);
      curves.push({ label, x: epochs(y), y });
    }
    if (BIND_ARRAYS.stepLoss.name in m.arrays) {
      stepLoss = Array.from((await run.readArray(BIND_ARRAYS.stepLoss.name)).data);
    }
  } else if (kind === "bench") {
    label = `bench (${tail})`;
    for (const name of Object.keys(m.arrays).sort()) {
      const match = BENCH_LOSS.exec(name);
      if (!match) continue;
      const y = Array.from((await run.readArray(name)).data);
      curves.push({ label: `bench ${match[1]} s${match[2]} (${tail})`, x: epochs(y), y });
    }
  } else {
    label = `score ${String(m.summary.complex ?? "?")} (${tail})`;
  }
  return {
    id,
    kind,
    label,
    status: m.status,
    curves,
    stepLoss,
    hasView: hasComplexView(m),
    summary: m.summary,
  };
}

/** The binding runs of the store, newest first (at most `max`). */
export async function bindRunIds(state: DashState, max: number): Promise<string[]> {
  const { runs } = await state.store.list();
  return runs.filter((m) => bindRunKind(m) !== null).slice(0, max).map((m) => m.id);
}

/** The scored complex of a run, as the 3-D view draws it (flat xyz arrays, row-major). */
export interface ComplexData {
  id: string;
  complex: string;
  /** Atom class names; `ligandClass`/`pocketClass` index them. */
  classes: string[];
  ligand: number[];
  pocket: number[];
  forces: number[];
  corrected: number[];
  /** The crystal pose when `ligand` is a perturbed one (train runs), else null. */
  native: number[] | null;
  ligandClass: number[];
  pocketClass: number[];
  translation: number[];
  torque: number[];
  omega: number[];
  energy: number | null;
}

/** `GET /api/bind/:id/complex`: the stored arrays of the view, exactly (404 without them). */
export async function complexData(state: DashState, id: string): Promise<ComplexData> {
  const run = await openRun(state, id);
  const m = run.manifest;
  if (!hasComplexView(m)) {
    throw new NotFound(
      `run '${id}' stores no scored complex (expected ${
        Object.values(BIND_VIEW_ARRAYS).map((s) => s.name).join(", ")
      }: bind train, or bind score --save)`,
    );
  }
  const V = BIND_VIEW_ARRAYS;
  const read = async (name: string) => Array.from((await run.readArray(name)).data);
  const s = m.summary;
  const energy = s.view_energy ?? s.score_energy;
  return {
    id,
    complex: String(s.view_complex ?? s.complex ?? ""),
    classes: typeof s.atom_classes === "string" ? s.atom_classes.split(",") : [],
    ligand: await read(V.ligand.name),
    pocket: await read(V.pocket.name),
    forces: await read(V.forces.name),
    corrected: await read(V.corrected.name),
    native: V.native.name in m.arrays ? await read(V.native.name) : null,
    ligandClass: await read(V.ligandClass.name),
    pocketClass: await read(V.pocketClass.name),
    translation: await read(V.translation.name),
    torque: await read(V.torque.name),
    omega: await read(V.omega.name),
    energy: typeof energy === "number" ? energy : null,
  };
}
