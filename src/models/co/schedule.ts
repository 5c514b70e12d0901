/**
 * Annealing schedules as DISCS builds them with optax (`CO_Experiment`): exponential decay
 * `T(t) = T0 r^(t/L)` floored at `tMin`, and linear `T0 -> T1` over L steps (then constant).
 * Pure functions of the step index, so a run can resume at any step.
 * @module
 */
import { z } from "npm:zod@4.6.7";

/** A temperature schedule over a chain of `steps` steps. */
export interface Schedule {
  readonly kind: "exp_decay" | "linear" | "constant";
  readonly steps: number;
  /** Temperature at step t (t >= 0). */
  temperature(t: number): number;
  /** Inverse temperature 1 / T(t). */
  beta(t: number): number;
  /** f32 betas of steps start .. start + count - 1, for uploading one block. */
  betas(start: number, count: number): Float32Array;
}

/** Zod schema of an annealing schedule (DISCS MIS ER defaults: T0 = 1, r = 0.01). */
export const ScheduleConfig = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("exp_decay"),
    t0: z.number().positive().finite().default(1),
    decay: z.number().positive().max(1).default(0.01),
    tMin: z.number().positive().finite().default(1e-5),
  }).strict(),
  z.object({
    kind: z.literal("linear"),
    t0: z.number().positive().finite().default(1),
    t1: z.number().positive().finite().default(0.5),
  }).strict(),
  z.object({
    kind: z.literal("constant"),
    t0: z.number().positive().finite().default(1),
  }).strict(),
]);

function make(kind: Schedule["kind"], steps: number, temp: (t: number) => number): Schedule {
  if (!Number.isInteger(steps) || steps < 1) {
    throw new Error(`schedule steps must be a positive integer, got ${steps}`);
  }
  const temperature = (t: number) => {
    if (!(t >= 0)) throw new Error(`schedule step must be >= 0, got ${t}`);
    return temp(t);
  };
  return {
    kind,
    steps,
    temperature,
    beta: (t) => 1 / temperature(t),
    betas(start, count) {
      return Float32Array.from({ length: count }, (_, k) => 1 / temperature(start + k));
    },
  };
}

function checkPositive(name: string, v: number) {
  if (!(Number.isFinite(v) && v > 0)) {
    throw new Error(`${name} must be a finite number > 0, got ${v}`);
  }
}

/**
 * Exponential decay `T(t) = max(t0 * decay^(t / steps), tMin)`.
 *
 * @example
 * ```ts
 * const s = exponentialDecay({ t0: 1, decay: 0.1, tMin: 0.01, steps: 100 });
 * console.log(s.temperature(100)); // 0.1
 * ```
 */
export function exponentialDecay(
  opts: { t0: number; decay: number; tMin?: number; steps: number },
): Schedule {
  const { t0, decay } = opts;
  const tMin = opts.tMin ?? 1e-5;
  checkPositive("t0", t0);
  checkPositive("tMin", tMin);
  if (!(decay > 0 && decay <= 1)) throw new Error(`decay must be in (0, 1], got ${decay}`);
  return make("exp_decay", opts.steps, (t) => Math.max(t0 * decay ** (t / opts.steps), tMin));
}

/**
 * Linear `T(t) = t0 + (t1 - t0) min(t / steps, 1)`.
 *
 * @example
 * ```ts
 * console.log(linear({ t0: 1, t1: 0.5, steps: 10 }).temperature(5)); // 0.75
 * ```
 */
export function linear(opts: { t0: number; t1: number; steps: number }): Schedule {
  checkPositive("t0", opts.t0);
  checkPositive("t1", opts.t1);
  const { t0, t1, steps } = opts;
  return make("linear", steps, (t) => t0 + (t1 - t0) * Math.min(t / steps, 1));
}

/** A constant temperature. */
export function constant(opts: { t0: number; steps: number }): Schedule {
  checkPositive("t0", opts.t0);
  return make("constant", opts.steps, () => opts.t0);
}

/** A schedule from its zod config and the chain length. */
export function scheduleFromConfig(
  config: z.input<typeof ScheduleConfig>,
  steps: number,
): Schedule {
  const c = ScheduleConfig.parse(config);
  if (c.kind === "exp_decay") return exponentialDecay({ ...c, steps });
  if (c.kind === "linear") return linear({ ...c, steps });
  return constant({ t0: c.t0, steps });
}
