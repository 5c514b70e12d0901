/**
 * The `retro` run kind (`retro train`): the backward model's loss per finished epoch, appended
 * as epochs finish; the trained energies themselves live in the prepared folder
 * (`<dir>/model/`, read by `retro predict` and `retro eval`), with the backward model's
 * checkpoint, so `runs resume` continues from there. The summary holds the dual weights.
 * @module
 */
import type { ArraySpec } from "./writer.ts";

/** The `retro` kind's name. */
export const RETRO_KIND = "retro";

/** Arrays of a `retro` run. */
export const RETRO_ARRAYS = {
  backwardLoss: { name: "backward_loss", dtype: "f64", shape: ["epochs"] },
} as const satisfies Record<string, ArraySpec>;
