/**
 * WGSL twin of the DMALA per-site proposal (see `dmala.ts`); the shared Langevin step in
 * `langevin_common.ts` calls it.
 * @module
 */
import type { DiscreteModel } from "../models/discrete/model.ts";
import type { BalancingFn } from "./balancing.ts";
import { type LangevinDistWgsl, langevinWgsl, type LogTauRule } from "./langevin_common.ts";

/**
 * DMALA's per-site proposal: binary flip log-odds `l = log tau + g(d_i)`, so log q(move) =
 * `-softplus(-l)` and log q(stay) = `-softplus(l)`, sharing `log1p(exp(-|l|))` (the terms of
 * `math_log1p_exp`, so the same bits); categorical: softmax of stay 0, moves `log tau + g(d)`.
 */
export const DMALA_DIST_WGSL: LangevinDistWgsl = {
  binary: /* wgsl */ `
fn sampler_lg_pair(d: f32, log_tau: f32) -> vec4<f32> {
  let l = log_tau + acc_balance(d);
  let t = math_log1p(math_exp(-abs(l)));
  let mv = -(max(-l, 0.0) + t);
  let stay = -(max(l, 0.0) + t);
  return vec4<f32>(mv, stay, math_exp(mv), math_exp(stay));
}`,
  categorical: /* wgsl */ `
fn sampler_lg_dist(base: u32, i: u32, xi: u32, gx: f32, log_tau: f32) {
  for (var c = 0u; c < C; c++) {
    let l = log_tau + acc_balance(sampler_lg_ratio(base, i, xi, gx, c));
    scratch_set_f(sampler_lg_qi(c), select(l, 0.0, c == xi));
  }
  sampler_lg_normalise(0.0);
}`,
};

/** `sampler_step` and `sampler_adapt` of DMALA for one model and options. */
export function dmalaWgsl(
  model: DiscreteModel,
  balancing: BalancingFn,
  rule: LogTauRule,
  target: number,
): string {
  return langevinWgsl(model, balancing, rule, target, DMALA_DIST_WGSL);
}
