/**
 * WGSL twin of the DLMC per-site proposal (see `dlmc.ts`); the shared Langevin step in
 * `langevin_common.ts` calls it.
 * @module
 */
import type { DiscreteModel } from "../models/discrete/model.ts";
import type { BalancingFn } from "./balancing.ts";
import { type LangevinDistWgsl, langevinWgsl } from "./langevin_common.ts";

/** DLMC solvers: exact per-site CTMC ('interpolate', DLMC) or Euler ('euler_forward', DLMCf). */
export type DlmcSolver = "interpolate" | "euler_forward";

/** DLMC's per-site proposal for one solver (branch-free; same bits as the CPU twin). */
export function dlmcDistWgsl(solver: DlmcSolver): LangevinDistWgsl {
  // log of the move probability to a value with log ratio d, rate weight lw, stationary log nu.
  const move = solver === "interpolate"
    ? "lnu + sampler_lg_log1mexp(-math_exp((log_tau + lw) - lnu))"
    : "log_tau + lw";
  const moveFn = /* wgsl */ `
fn sampler_lg_move(log_tau: f32, lw: f32, lnu: f32) -> f32 {
  return ${move};
}`;
  return {
    // Stay: log(1 - q(move)), sharing q(move) = exp(log q(move)).
    binary: moveFn + /* wgsl */ `
fn sampler_lg_pair(d: f32, log_tau: f32) -> vec4<f32> {
  let lnu = -math_log1p_exp(-d);
  let mv = min(sampler_lg_move(log_tau, acc_balance(d), lnu), lnu);
  let e = math_exp(mv);
  let stay = math_log1p(-e);
  return vec4<f32>(mv, stay, e, math_exp(stay));
}`,
    categorical: moveFn + /* wgsl */ `
const LG_ONE_MINUS: f32 = 0.99999994;
fn sampler_lg_dist(base: u32, i: u32, xi: u32, gx: f32, log_tau: f32) {
  for (var c = 0u; c < C; c++) {
    scratch_set_f(sampler_lg_qi(c), sampler_lg_ratio(base, i, xi, gx, c));
  }
  var m = 0.0;
  for (var c = 0u; c < C; c++) { m = max(m, scratch_get_f(sampler_lg_qi(c))); }
  var s = 0.0;
  for (var c = 0u; c < C; c++) { s = s + math_exp(scratch_get_f(sampler_lg_qi(c)) - m); }
  let lse = m + math_log(s);
  var moves = 0.0;
  for (var c = 0u; c < C; c++) {
    let d = scratch_get_f(sampler_lg_qi(c));
    let lp = sampler_lg_move(log_tau, acc_balance(d), d - lse);
    let ok = c != xi;
    scratch_set_f(sampler_lg_qi(c), select(d, lp, ok));
    moves = select(moves, moves + math_exp(lp), ok);
  }
  // Stay: max(1 - sum of moves, nu_x); d_x = 0, so log nu_x = -lse.
  let stay = max(math_log1p(-min(moves, LG_ONE_MINUS)), -lse);
  scratch_set_f(sampler_lg_qi(xi), stay);
  sampler_lg_normalise(stay);
}`,
  };
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
