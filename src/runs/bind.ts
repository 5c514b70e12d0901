/**
 * The `bind` run kind (`bind train`): the loss curves, appended epoch by epoch (with a
 * checkpoint per epoch for `runs resume`), and at the end the energy network's parameters as
 * float32 arrays `w_<name>` (read back by `bind score --model RUN`). The network's
 * configuration is in the run's config (`net`).
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
