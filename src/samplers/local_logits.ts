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

/** The flip logits `g(d_i)` of every site of a binary chain at `base`, written into `w`. */
export function flipLogits(
  model: DiscreteModel,
  x: Uint32Array,
  base: number,
  beta: number,
  mode: LogRatioMode,
  fn: BalancingFn,
  w: Float32Array,
): void {
  for (let i = 0; i < model.numSites; i++) {
    w[i] = localLogit(model, x, base, i, 1 - x[base + i], beta, mode, fn);
  }
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

/**
 * WGSL `sampler_unit_logit(base, i, xi, v, gx)`: `sampler_logit(base, i, v)` given
 * `xi = state[base + i]` and `gx = sampler_grad_x(base, i, xi)`, so a pass over sites loads each
 * `x_i` once and computes the categorical `grad(x_i)` once per site rather than per value. The
 * expressions match {@link localLogitWgsl} term for term, so the bits do too. Needs
 * `localLogitWgsl` (for `acc_balance`).
 */
export function unitLogitWgsl(numCategories: number, mode: LogRatioMode): string {
  const t = mode === "exact"
    ? "model_delta(base, i, v)"
    : numCategories === 2
    ? "select(g, -g, xi != 0u)"
    : "(model_grad(base, i, v) - gx)";
  const g = mode === "grad" && numCategories === 2 ? "let g = model_grad(base, i, v);\n  " : "";
  const gx = mode === "grad" && numCategories > 2 ? "model_grad(base, i, xi)" : "0.0";
  return /* wgsl */ `
fn sampler_grad_x(base: u32, i: u32, xi: u32) -> f32 { return ${gx}; }
fn sampler_unit_logit(base: u32, i: u32, xi: u32, v: u32, gx: f32) -> f32 {
  ${g}return acc_balance(-engine_beta * ${t});
}`;
}

/**
 * WGSL statements adding `exp(l - m)` to a running online log-sum-exp `(m, s)` with one exp and
 * no branch: for `d = l - m`, `exp(m - l) = exp(-|d|)` when `l > m` (IEEE subtraction is
 * antisymmetric) and `exp(l - m) = exp(-|d|)` otherwise. Same bits as the CPU twins' branchy
 * form (`madF32(s, exp(m - l), 1)` on a new maximum, `s + exp(l - m)` otherwise, skipping
 * `l = -inf` and units where `ok` is false). Leaves `take` (new maximum) in scope.
 */
export function lseUnitWgsl(l: string, ok: string): string {
  return `let d = ${l} - m;
    let e = math_exp(-abs(d));
    let take = ${ok} && ${l} > m;
    let add = ${ok} && !take && ${l} > -math_inf();
    s = select(select(s, s + e, add), math_mad(s, e, 1.0), take);
    m = select(m, ${l}, take);`;
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
