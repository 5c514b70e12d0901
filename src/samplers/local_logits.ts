/**
 * Shared piece of the locally balanced samplers (GWG, PAS): the balanced log-weight `g(d_{i,c})`
 * of one single-site move, where `d_{i,c}` estimates `log pi(x with x_i = c) - log pi(x)` for the
 * target `pi = exp(-beta E)`. DISCS's default estimate is first order, from the gradient of the
 * one-hot relaxation: binary `d_i = -beta (1 - 2 x_i) dE/dx_i`, categorical
 * `d_{i,c} = -beta (dE/dx_{i,c} - dE/dx_{i,x_i})`; the exact alternative uses `model.delta`.
 * @module
 */
import type { DiscreteModel } from "../models/discrete/model.ts";
import { f32ToBits } from "../random/f32math.ts";
import { wgslF32Literal } from "../wgsl/math.ts";
import { balanceWgsl, type BalancingFn, logBalance } from "./balancing.ts";

const f = Math.fround;

/** How `d_{i,c}` is obtained: the gradient estimate (DISCS default) or the exact energy change. */
export type LogRatioMode = "grad" | "exact";

/**
 * CPU twin of `sampler_logit`: `g(d_{i,c})` at the chain's current state (`c != x_i`).
 *
 * @example
 * ```ts
 * const m = bernoulliModel({ theta: [2] });
 * console.log(localLogit(m, new Uint32Array(1), 0, 0, 1, 1, "grad", "sqrt")); // 1
 * ```
 */
export function localLogit(
  model: DiscreteModel,
  x: Uint32Array,
  base: number,
  i: number,
  c: number,
  beta: number,
  mode: LogRatioMode,
  fn: BalancingFn,
): number {
  let t: number;
  if (mode === "exact") t = model.delta(x, base, i, c);
  else if (model.numCategories === 2) {
    const g = model.grad(x, base, i, c);
    t = x[base + i] === 0 ? g : -g;
  } else t = f(model.grad(x, base, i, c) - model.grad(x, base, i, x[base + i]));
  return logBalance(fn, f(-beta * t));
}

/**
 * WGSL `fn sampler_logit(base: u32, i: u32, c: u32) -> f32` (plus `acc_balance`), the twin of
 * {@link localLogit}, specialised to the model's category count.
 */
export function localLogitWgsl(numCategories: number, mode: LogRatioMode, fn: BalancingFn): string {
  const t = mode === "exact"
    ? "let t = model_delta(base, i, c);"
    : numCategories === 2
    ? "var t = model_grad(base, i, c);\n  if (state[base + i] != 0u) { t = -t; }"
    : "let t = model_grad(base, i, c) - model_grad(base, i, state[base + i]);";
  return `${balanceWgsl(fn)}
fn sampler_logit(base: u32, i: u32, c: u32) -> f32 {
  ${t}
  return acc_balance(-engine_beta * t);
}
`;
}

/** An exact WGSL literal of the f32 nearest to `v` (a hex float, so no decimal parsing). */
export function wgslF32(v: number): string {
  return wgslF32Literal(f32ToBits(Math.fround(v)));
}

/**
 * Parses sampler options with a zod schema (adding the `name` literal), rethrowing failures as
 * one line that names the sampler and the offending fields.
 */
export function parseSamplerOptions<T>(
  schema: {
    safeParse(
      v: unknown,
    ): { success: true; data: T } | {
      success: false;
      error: { issues: { path: PropertyKey[]; message: string }[] };
    };
  },
  name: string,
  opts: object,
): T {
  const r = schema.safeParse({ name, ...opts });
  if (r.success) return r.data;
  const why = r.error.issues.map((i) =>
    `${i.path.map(String).join(".") || "options"}: ${i.message}`
  );
  throw new Error(`invalid ${name} options: ${why.join("; ")}`);
}
