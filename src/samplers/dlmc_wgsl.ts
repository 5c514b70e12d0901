/**
 * WGSL twin of the DLMC per-site proposal (see `dlmc.ts`); the shared Langevin step in
 * `langevin_common.ts` calls it.
 * @module
 */
import type { DiscreteModel } from "../models/discrete/model.ts";
import type { BalancingFn } from "./balancing.ts";
import { langevinWgsl } from "./langevin_common.ts";

/** DLMC solvers: exact per-site CTMC ('interpolate', DLMC) or Euler ('euler_forward', DLMCf). */
export type DlmcSolver = "interpolate" | "euler_forward";

/** `fn sampler_lg_dist` of DLMC for one solver. */
export function dlmcDistWgsl(solver: DlmcSolver): string {
  // log of the move probability to a value with log ratio d, rate weight lw, stationary log nu.
  const move = solver === "interpolate"
    ? "lnu + sampler_lg_log1mexp(-math_exp((log_tau + lw) - lnu))"
    : "log_tau + lw";
  return /* wgsl */ `
const LG_ONE_MINUS: f32 = 0.99999994;
fn sampler_lg_move(log_tau: f32, lw: f32, lnu: f32) -> f32 {
  return ${move};
}
fn sampler_lg_dist(base: u32, i: u32, log_tau: f32) {
  let x = state[base + i];
  if (C == 2u) {
    let d = sampler_lg_ratio(base, i, 1u - x);
    let lnu = -math_log1p_exp(-d);
    let lp = min(sampler_lg_move(log_tau, acc_balance(d), lnu), lnu);
    sampler_lg_q[1u - x] = lp;
    sampler_lg_q[x] = sampler_lg_log1mexp(lp);
    return;
  }
  for (var c = 0u; c < C; c++) { sampler_lg_q[c] = sampler_lg_ratio(base, i, c); }
  var m = 0.0;
  for (var c = 0u; c < C; c++) { m = max(m, sampler_lg_q[c]); }
  var s = 0.0;
  for (var c = 0u; c < C; c++) { s = s + math_exp(sampler_lg_q[c] - m); }
  let lse = m + math_log(s);
  var moves = 0.0;
  for (var c = 0u; c < C; c++) {
    if (c == x) { continue; }
    let d = sampler_lg_q[c];
    let lp = sampler_lg_move(log_tau, acc_balance(d), d - lse);
    sampler_lg_q[c] = lp;
    moves = moves + math_exp(lp);
  }
  // Stay: max(1 - sum of moves, nu_x); d_x = 0, so log nu_x = -lse.
  sampler_lg_q[x] = max(math_log1p(-min(moves, LG_ONE_MINUS)), -lse);
  sampler_lg_normalise(sampler_lg_q[x]);
}`;
}

/** `sampler_step` and `sampler_adapt` of DLMC for one model and options. */
export function dlmcWgsl(
  model: DiscreteModel,
  balancing: BalancingFn,
  solver: DlmcSolver,
  target: number,
): string {
  return langevinWgsl(model, balancing, "rate", target, dlmcDistWgsl(solver));
}
