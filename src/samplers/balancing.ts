/**
 * Locally balanced weight functions g(t), applied in log space to log-ratios d (DISCS
 * `samplers/locallybalanced.py`): sqrt -> d/2, ratio (Barker, t/(t+1)) -> log sigmoid(d),
 * max -> max(d, 0), min -> min(d, 0). Default everywhere: sqrt.
 * @module
 */
import { mathLog1pExp } from "../random/f32math.ts";

/** The balancing functions DISCS offers. */
export type BalancingFn = "sqrt" | "ratio" | "max" | "min";

/** All balancing function names. */
export const BALANCING_FNS: readonly BalancingFn[] = ["sqrt", "ratio", "max", "min"];

const f = Math.fround;

/**
 * log g(exp(d)) in f32, matching `acc_balance` in WGSL.
 *
 * @example
 * ```ts
 * console.log(logBalance("sqrt", 2)); // 1
 * ```
 */
export function logBalance(fn: BalancingFn, d: number): number {
  switch (fn) {
    case "sqrt":
      return f(d * 0.5);
    case "ratio":
      return f(-mathLog1pExp(f(-d)));
    case "max":
      return Math.max(f(d), 0);
    case "min":
      return Math.min(f(d), 0);
  }
}

/** WGSL `fn acc_balance(d: f32) -> f32` for one balancing function (baked into the program). */
export function balanceWgsl(fn: BalancingFn): string {
  const body = {
    sqrt: "return d * 0.5;",
    ratio: "return -math_log1p_exp(-d);",
    max: "return max(d, 0.0);",
    min: "return min(d, 0.0);",
  }[fn];
  return `fn acc_balance(d: f32) -> f32 { ${body} }\n`;
}
