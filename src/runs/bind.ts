/**
 * The `bind` run kind (`bind train`): the loss curves, appended epoch by epoch (with a
 * checkpoint per epoch for `runs resume`), and at the end the energy network's parameters as
 * float32 arrays `w_<name>` (read back by `bind score --model RUN`). The network's
 * configuration is in the run's config (`net`), and one scored complex for the dashboard
 * ({@link BIND_VIEW_ARRAYS}).
 * @module
 */
import type { ArraySpec } from "./writer.ts";

/** The `bind` kind's name. */
export const BIND_KIND = "bind";

/** Loss curves of a `bind` run, one row per finished epoch or step. */
export const BIND_ARRAYS = {
  epochLoss: { name: "epoch_loss", dtype: "f32", shape: ["epochs"] },
  stepLoss: { name: "step_loss", dtype: "f32", shape: ["steps"] },
} as const satisfies Record<string, ArraySpec>;

/**
 * One scored complex, for the dashboard's 3-D view (`/bind`): `bind score --save` stores the
 * given pose; `bind train` stores its first complex moved by a seeded rigid perturbation, with
 * the crystal pose as `native_xyz`. Forces, translation, torque and omega are the network's at
 * `ligand_xyz`; `corrected_xyz` is `ligand_xyz` after the predicted rigid correction. Atom
 * classes index the run's summary `atom_classes` (comma-separated: element classes for real
 * structures, types for synthetic complexes).
 */
export const BIND_VIEW_ARRAYS = {
  ligand: { name: "ligand_xyz", dtype: "f32", shape: ["ligandAtoms", "3"] },
  pocket: { name: "pocket_xyz", dtype: "f32", shape: ["pocketAtoms", "3"] },
  forces: { name: "forces", dtype: "f32", shape: ["ligandAtoms", "3"] },
  corrected: { name: "corrected_xyz", dtype: "f32", shape: ["ligandAtoms", "3"] },
  native: { name: "native_xyz", dtype: "f32", shape: ["ligandAtoms", "3"], optional: true },
  ligandClass: { name: "ligand_class", dtype: "i32", shape: ["ligandAtoms"] },
  pocketClass: { name: "pocket_class", dtype: "i32", shape: ["pocketAtoms"] },
  translation: { name: "translation", dtype: "f64", shape: ["3"] },
  torque: { name: "torque", dtype: "f64", shape: ["3"] },
  omega: { name: "omega", dtype: "f64", shape: ["3"] },
} as const satisfies Record<string, ArraySpec>;
