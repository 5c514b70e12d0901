/**
 * WGSL twin of the DMALA per-site proposal (see `dmala.ts`); the shared Langevin step in
 * `langevin_common.ts` calls it.
 * @module
 */
import type { DiscreteModel } from "../models/discrete/model.ts";
import type { BalancingFn } from "./balancing.ts";
import { langevinWgsl, type LogTauRule } from "./langevin_common.ts";

/** `fn sampler_lg_dist`: binary flip log-odds `log tau + g(d_i)`; categorical softmax. */
export const DMALA_DIST_WGSL = /* wgsl */ `
fn sampler_lg_dist(base: u32, i: u32, log_tau: f32) {
  let x = state[base + i];
  if (C == 2u) {
    let l = log_tau + acc_balance(sampler_lg_ratio(base, i, 1u - x));
    sampler_lg_q[1u - x] = -math_log1p_exp(-l);
    sampler_lg_q[x] = -math_log1p_exp(l);
    return;
  }
  for (var c = 0u; c < C; c++) {
    if (c == x) {
      sampler_lg_q[c] = 0.0;
    } else {
      sampler_lg_q[c] = log_tau + acc_balance(sampler_lg_ratio(base, i, c));
    }
  }
  sampler_lg_normalise(0.0);
}`;

/** `sampler_step` and `sampler_adapt` of DMALA for one model and options. */
export function dmalaWgsl(
  model: DiscreteModel,
  balancing: BalancingFn,
  rule: LogTauRule,
  target: number,
): string {
  return langevinWgsl(model, balancing, rule, target, DMALA_DIST_WGSL);
}
