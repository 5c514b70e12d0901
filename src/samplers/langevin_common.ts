/**
 * The step shared by the discrete Langevin samplers (DMALA, DLMC): every site proposes a new
 * value independently from a distribution built from the gradient at x, with a step size
 * `tau`; the reverse proposal is evaluated at y with its own gradient; Metropolis-Hastings.
 * A sampler supplies only the per-site proposal (`dist`); this module owns the five passes
 * (rates at x, proposal, apply, rates at y, reverse) on the CPU and in WGSL.
 *
 * Step size (deviation from DISCS, documented in `dmala.ts`/`dlmc.ts`): the engine keeps one
 * adaptive number per run, so the adapted quantity is `n`, the expected number of jumps, and
 * each chain uses `tau(x) = n / Z(x)` with its own total jump rate
 * `Z(x) = sum_i sum_c exp(g(d_{i,c}))` at its current state (the reverse uses `tau(y)`, so the
 * MH ratio stays exact). This is DISCS's CO-mode rule with DISCS's adaptive `n`; DISCS's
 * default instead shares `tau = n / mean_chains Z` refreshed on a schedule.
 * @module
 */
import type { DiscreteModel } from "../models/discrete/model.ts";
import { madF32, mathExp, mathLog, mathLog1p, mathRecip } from "../random/f32math.ts";
import { balanceWgsl, type BalancingFn, logBalance } from "./balancing.ts";
import type { CpuChain } from "./sampler.ts";
import { uniform01 } from "./sampler.ts";

const f = Math.fround;
const LN2 = f(Math.LN2);

/** How a Langevin sampler turns the shared parameter into log tau. */
export type LogTauRule =
  /** `param` is n: log tau = log n - log Z(x), per chain and state. */
  | "rate"
  /** `param` is DMALA's step size alpha: log tau = -1 / (2 alpha), fixed. */
  | "alpha";

/**
 * Per-site proposal of a Langevin sampler: fills `q[0..C)` with normalised log-probabilities
 * `log q_i(v | x)` of site i's next value at the chain's current state.
 */
export type SiteDist = (
  model: DiscreteModel,
  ch: CpuChain,
  i: number,
  logTau: number,
  q: Float32Array,
) => void;

/**
 * d_{i,c}: first-order estimate of log pi(x with x_i = c) - log pi(x) with log pi = -beta E
 * (DISCS: binary `(1 - 2 x_i) dlogpi/dx_i`, categorical `dlogpi/dx_{i,c} - dlogpi/dx_{i,x_i}`).
 */
export function logRatio(model: DiscreteModel, ch: CpuChain, i: number, c: number): number {
  const x = ch.x[ch.base + i];
  if (c === x) return 0;
  if (model.numCategories === 2) {
    const g = model.grad(ch.x, ch.base, i, 0);
    return x === 1 ? f(ch.beta * g) : f(-ch.beta * g);
  }
  const gc = model.grad(ch.x, ch.base, i, c), gx = model.grad(ch.x, ch.base, i, x);
  return f(-ch.beta * f(gc - gx));
}

/** Site i's total jump rate `sum_c exp(g(d_{i,c}))` (C > 2 includes c = x_i, as DISCS does). */
function siteRate(model: DiscreteModel, ch: CpuChain, i: number, fn: BalancingFn): number {
  const x = ch.x[ch.base + i];
  if (model.numCategories === 2) return mathExp(logBalance(fn, logRatio(model, ch, i, 1 - x)));
  let r = 0;
  for (let c = 0; c < model.numCategories; c++) {
    r = f(r + mathExp(logBalance(fn, logRatio(model, ch, i, c))));
  }
  return r;
}

/**
 * log(1 - e^a) for a <= 0 in f32, matching `sampler_lg_log1mexp`.
 */
export function log1mexp(a: number): number {
  if (a > -LN2) return mathLog(f(1 - mathExp(a)));
  return mathLog1p(f(-mathExp(a)));
}

/** Normalises log-weights `q[0..n)` in place (log-sum-exp from the largest). */
export function normaliseLog(q: Float32Array, n: number, start: number): void {
  let m = start;
  for (let c = 0; c < n; c++) m = Math.max(m, q[c]);
  let s = 0;
  for (let c = 0; c < n; c++) s = f(s + mathExp(f(q[c] - m)));
  const lse = f(m + mathLog(s));
  for (let c = 0; c < n; c++) q[c] = f(q[c] - lse);
}

/** Options of the shared Langevin step. */
export interface LangevinStepOptions {
  balancing: BalancingFn;
  rule: LogTauRule;
  dist: SiteDist;
}

/**
 * Builds the CPU step of a Langevin sampler (returns the acceptance probability), the twin of
 * {@link langevinWgsl}. Scratch arrays are owned by the returned closure.
 */
export function langevinCpuStep(
  opts: LangevinStepOptions,
): (model: DiscreteModel, ch: CpuChain) => number {
  const { balancing, rule, dist } = opts;
  let other = new Uint32Array(0);
  let q = new Float32Array(0);
  const logTau = (model: DiscreteModel, ch: CpuChain): number => {
    if (rule === "alpha") return f(-0.5 * mathRecip(ch.param));
    let z = 0;
    for (let i = 0; i < model.numSites; i++) z = f(z + siteRate(model, ch, i, balancing));
    return f(mathLog(ch.param) - mathLog(z));
  };
  return (model, ch) => {
    const d = model.numSites, c = model.numCategories;
    if (other.length !== d) other = new Uint32Array(d);
    if (q.length !== c) q = new Float32Array(c);
    const x = ch.x, base = ch.base;
    // Forward proposal at x; other[i] holds y_i.
    const tx = logTau(model, ch);
    let fwd = 0;
    for (let i = 0; i < d; i++) {
      dist(model, ch, i, tx, q);
      const u = uniform01(ch.draw(i >>> 2, 0)[i & 3]);
      const cur = x[base + i];
      let y = cur, acc = 0;
      for (let v = 0; v < c; v++) {
        acc = f(acc + mathExp(q[v]));
        if (u < acc) {
          y = v;
          break;
        }
      }
      other[i] = y;
      fwd = f(fwd + q[y]);
    }
    // Move to y; other[i] now holds x_i.
    let de = 0;
    for (let i = 0; i < d; i++) {
      const y = other[i], cur = x[base + i];
      if (y !== cur) {
        de = f(de + model.delta(x, base, i, y));
        ch.set(i, y);
        other[i] = cur;
      }
    }
    // Reverse proposal at y.
    const ty = logTau(model, ch);
    let rev = 0;
    for (let i = 0; i < d; i++) {
      dist(model, ch, i, ty, q);
      rev = f(rev + q[other[i]]);
    }
    const logAcc = f(madF32(-ch.beta, de, rev) - fwd);
    const a = mathExp(Math.min(logAcc, 0));
    const u = uniform01(ch.draw(0, 1)[0]);
    if (u < a) {
      ch.energy = f(ch.energy + de);
    } else {
      for (let i = 0; i < d; i++) if (other[i] !== x[base + i]) ch.set(i, other[i]);
    }
    return a;
  };
}

/**
 * Per-chain scratch words of the Langevin step (engine `scratch`: f32 words, then u32 words): binary models
 * cache the log-ratios at x and at y (2 D floats) and the flip bit mask (ceil(D / 32) words);
 * categorical ones the proposal's C log-probabilities and one value per site.
 */
export function langevinScratch(model: DiscreteModel): { f32: number; u32: number } {
  const d = model.numSites, c = model.numCategories;
  return c === 2 ? { f32: 2 * d, u32: Math.ceil(d / 32) } : { f32: c, u32: d };
}

/** The sampler's per-site proposal in WGSL, for binary and for categorical models. */
export interface LangevinDistWgsl {
  /**
   * Binary models: `fn sampler_lg_pair(d: f32, log_tau: f32) -> vec4<f32>` returning
   * `(log q(move), log q(stay), q(move), q(stay))` for the log-ratio d of the site's flip, the
   * probabilities being `math_exp` of the logs (bit-identical to the CPU twin's `q`).
   */
  binary: string;
  /**
   * Categorical models: `fn sampler_lg_dist(base: u32, i: u32, xi: u32, gx: f32, log_tau: f32)`
   * filling q_c at `scratch_set_f(sampler_lg_qi(c), q)` (`xi` the site's value, `gx` the gradient
   * there; use `sampler_lg_ratio(base, i, xi, gx, c)`).
   */
  categorical: string;
}

/** WGSL shared by both paths (and the chains x sites step): balancing, constants, the adaptation. */
export function commonWgsl(balancing: BalancingFn, target: number): string {
  return /* wgsl */ `
${balanceWgsl(balancing)}
const LG_TARGET: f32 = ${f(target).toPrecision(9)};
// log(1 - e^a) for a <= 0: the CPU twin's log(1 - e^a) branch (a > -ln 2, so e^a >= 1/2 and
// 1 - e^a is exact) gives the same bits as log1p(-e^a), so no branch is needed.
fn sampler_lg_log1mexp(a: f32) -> f32 { return math_log1p(-math_exp(a)); }
fn sampler_adapt(param: f32, mean_acc: f32) -> f32 {
  // math_mad: a plain multiply-add may be fused or reassociated by the compiler.
  return max(math_mad(3.0, mean_acc - LG_TARGET, param), 1.0);
}
`;
}

/** log tau from the total rate `z` (rule "rate") or the step size (rule "alpha"). */
export function logTauWgsl(rule: LogTauRule): string {
  return rule === "alpha"
    ? "fn sampler_lg_log_tau(z: f32) -> f32 { return -0.5 * math_recip(ctrl_param()); }"
    : "fn sampler_lg_log_tau(z: f32) -> f32 { return math_log(ctrl_param()) - math_log(z); }";
}

/**
 * Binary step, shaped for SIMD software adapters (llvmpipe runs 8 chains in lock step, every
 * divergent branch runs both sides and every storage access is a per-lane gather): one move
 * per site (`1 - x_i`), branch-free site updates, one Philox draw per 4 sites, a flip bit mask
 * so the apply and undo loops visit 32 sites per word, and the log-ratios d_i cached in the
 * chain's scratch (storage, so the program does not grow with D): the rate pass fills them for
 * the dist pass, and a step's y pass serves as the next step's x pass when the same invocation
 * steps the same chain at the next step with the same beta (same values, so the same bits as
 * recomputing).
 */
function binaryStepWgsl(rule: LogTauRule, pair: string): string {
  return /* wgsl */ `
// Scratch of the running chain: f32 words [s * D + i] hold d_i at x (half sampler_lg_slot) and
// at y (the other half); u32 word w holds bits 32w.. of the flip mask (bit i: site i moves).
var<private> sampler_lg_at: u32;
fn sampler_lg_dc(s: u32, i: u32) -> f32 { return scratch_get_f(scratch_at(sampler_lg_at, s * D + i)); }
fn sampler_lg_flips(w: u32) -> u32 { return scratch[scratch_u_at(sampler_lg_at, w)]; }
var<private> sampler_lg_slot: u32;
var<private> sampler_lg_zx: f32;
// The cache holds x of (chain, step + 1) at inverse temperature beta when valid.
var<private> sampler_lg_valid: bool;
var<private> sampler_lg_chain: u32;
var<private> sampler_lg_step: u32;
var<private> sampler_lg_beta: f32;
${pair}
${logTauWgsl(rule)}
// d_i = log pi(flip i) - log pi(x) to first order, at x_i = xi.
fn sampler_lg_d(base: u32, i: u32, xi: u32) -> f32 {
  let bg = engine_beta * model_grad(base, i, 0u);
  return select(-bg, bg, xi == 1u);
}
// Fills cache slot s with d at the current state; returns Z = sum_i exp(g(d_i)).
fn sampler_lg_scan(base: u32, s: u32) -> f32 {
  var z = 0.0;
  for (var i = 0u; i < D; i++) {
    let d = sampler_lg_d(base, i, state[base + i]);
    scratch_set_f(scratch_at(sampler_lg_at, s * D + i), d);
    ${rule === "rate" ? "z = z + math_exp(acc_balance(d));" : ""}
  }
  return z;
}
fn sampler_step(chain: u32, base: u32, step: u32) -> f32 {
  sampler_lg_at = chain;
  let hit = sampler_lg_valid && sampler_lg_chain == chain &&
    sampler_lg_step + 1u == step && sampler_lg_beta == engine_beta;
  if (!hit) { sampler_lg_zx = sampler_lg_scan(base, sampler_lg_slot); }
  let sx = sampler_lg_slot;
  let tx = sampler_lg_log_tau(sampler_lg_zx);
  let words = (D + 31u) >> 5u;
  // Forward: y_i from the cumulative walk over v = 0, 1 (as the CPU twin), branch-free.
  var fwd = 0.0;
  var r = vec4<u32>(0u);
  var word = 0u;
  for (var i = 0u; i < D; i++) {
    if ((i & 3u) == 0u) { r = rng_draw(chain, step, i >> 2u, 0u); }
    let u = rng_uniform(r[i & 3u]);
    let xi = state[base + i];
    let p = sampler_lg_pair(sampler_lg_dc(sx, i), tx);
    let one = xi == 1u;
    let acc0 = select(p.w, p.z, one);
    let acc1 = acc0 + select(p.z, p.w, one);
    let y = select(select(xi, 1u, u < acc1), 0u, u < acc0);
    let flip = y != xi;
    fwd = fwd + select(p.y, p.x, flip);
    word = word | (select(0u, 1u, flip) << (i & 31u));
    if ((i & 31u) == 31u || i + 1u == D) {
      scratch[scratch_u_at(chain, i >> 5u)] = word;
      word = 0u;
    }
  }
  // Move to y, in site order (delta sees the earlier moves).
  var de = 0.0;
  for (var w = 0u; w < words; w++) {
    var bits = sampler_lg_flips(w);
    while (bits != 0u) {
      let i = w * 32u + countTrailingZeros(bits);
      bits = bits & (bits - 1u);
      let v = 1u - state[base + i];
      de = de + model_delta(base, i, v);
      engine_set(chain, i, v);
    }
  }
  let sy = sx ^ 1u;
  let zy = sampler_lg_scan(base, sy);
  let ty = sampler_lg_log_tau(zy);
  // Reverse: log q(x_i | y) is the move's log-probability where the site moved.
  var rev = 0.0;
  for (var i = 0u; i < D; i++) {
    if ((i & 31u) == 0u) { word = sampler_lg_flips(i >> 5u); }
    let p = sampler_lg_pair(sampler_lg_dc(sy, i), ty);
    rev = rev + select(p.y, p.x, ((word >> (i & 31u)) & 1u) != 0u);
  }
  let a = acc_prob(math_mad(-engine_beta, de, rev) - fwd);
  let u = rng_uniform(rng_draw(chain, step, 0u, 1u).x);
  if (u < a) {
    energy[chain] = energy[chain] + de;
    sampler_lg_slot = sy;
    sampler_lg_zx = zy;
  } else {
    for (var w = 0u; w < words; w++) {
      var bits = sampler_lg_flips(w);
      while (bits != 0u) {
        let i = w * 32u + countTrailingZeros(bits);
        bits = bits & (bits - 1u);
        engine_set(chain, i, 1u - state[base + i]);
      }
    }
  }
  sampler_lg_valid = true;
  sampler_lg_chain = chain;
  sampler_lg_step = step;
  sampler_lg_beta = engine_beta;
  return a;
}
`;
}

/**
 * Categorical step: the CPU twin's five passes, with `x_i` and `grad(x_i)` loaded once. The
 * proposal's C log-probabilities and the other state (y, then x) live in the chain's scratch.
 */
function categoricalStepWgsl(rule: LogTauRule, dist: string): string {
  return /* wgsl */ `
var<private> sampler_lg_at: u32;
// q_c (f32 scratch word c) and the other state's value at site i (u32 scratch word i).
fn sampler_lg_qi(c: u32) -> u32 { return scratch_at(sampler_lg_at, c); }
fn sampler_lg_get(i: u32) -> u32 { return scratch[scratch_u_at(sampler_lg_at, i)]; }
fn sampler_lg_put(i: u32, v: u32) { scratch[scratch_u_at(sampler_lg_at, i)] = v; }
// d_{i,c} given xi = x_i and gx = grad(x_i); 0 at c = xi.
fn sampler_lg_ratio(base: u32, i: u32, xi: u32, gx: f32, c: u32) -> f32 {
  return select(-engine_beta * (model_grad(base, i, c) - gx), 0.0, c == xi);
}
fn sampler_lg_rate(base: u32, i: u32) -> f32 {
  let xi = state[base + i];
  let gx = model_grad(base, i, xi);
  var r = 0.0;
  for (var c = 0u; c < C; c++) {
    r = r + math_exp(acc_balance(sampler_lg_ratio(base, i, xi, gx, c)));
  }
  return r;
}
fn sampler_lg_normalise(start: f32) {
  var m = start;
  for (var c = 0u; c < C; c++) { m = max(m, scratch_get_f(sampler_lg_qi(c))); }
  var s = 0.0;
  for (var c = 0u; c < C; c++) { s = s + math_exp(scratch_get_f(sampler_lg_qi(c)) - m); }
  let lse = m + math_log(s);
  for (var c = 0u; c < C; c++) {
    scratch_set_f(sampler_lg_qi(c), scratch_get_f(sampler_lg_qi(c)) - lse);
  }
}
${dist}
${logTauWgsl(rule)}
fn sampler_lg_total(base: u32) -> f32 {
  ${
    rule === "rate"
      ? `var z = 0.0;
  for (var i = 0u; i < D; i++) { z = z + sampler_lg_rate(base, i); }
  return z;`
      : "return 0.0;"
  }
}
fn sampler_step(chain: u32, base: u32, step: u32) -> f32 {
  sampler_lg_at = chain;
  let tx = sampler_lg_log_tau(sampler_lg_total(base));
  var fwd = 0.0;
  var r = vec4<u32>(0u);
  for (var i = 0u; i < D; i++) {
    if ((i & 3u) == 0u) { r = rng_draw(chain, step, i >> 2u, 0u); }
    let u = rng_uniform(r[i & 3u]);
    let xi = state[base + i];
    sampler_lg_dist(base, i, xi, model_grad(base, i, xi), tx);
    // The first v whose cumulative probability exceeds u (x_i if none), without a break.
    var y = xi;
    var found = false;
    var acc = 0.0;
    for (var v = 0u; v < C; v++) {
      acc = acc + math_exp(scratch_get_f(sampler_lg_qi(v)));
      let take = !found && u < acc;
      y = select(y, v, take);
      found = found || take;
    }
    sampler_lg_put(i, y);
    fwd = fwd + scratch_get_f(sampler_lg_qi(y));
  }
  var de = 0.0;
  for (var i = 0u; i < D; i++) {
    let y = sampler_lg_get(i);
    let cur = state[base + i];
    if (y != cur) {
      de = de + model_delta(base, i, y);
      engine_set(chain, i, y);
      sampler_lg_put(i, cur);
    }
  }
  let ty = sampler_lg_log_tau(sampler_lg_total(base));
  var rev = 0.0;
  for (var i = 0u; i < D; i++) {
    let yi = state[base + i];
    sampler_lg_dist(base, i, yi, model_grad(base, i, yi), ty);
    rev = rev + scratch_get_f(sampler_lg_qi(sampler_lg_get(i)));
  }
  let a = acc_prob(math_mad(-engine_beta, de, rev) - fwd);
  let u = rng_uniform(rng_draw(chain, step, 0u, 1u).x);
  if (u < a) {
    energy[chain] = energy[chain] + de;
  } else {
    for (var i = 0u; i < D; i++) {
      let v = sampler_lg_get(i);
      if (v != state[base + i]) { engine_set(chain, i, v); }
    }
  }
  return a;
}
`;
}

/**
 * WGSL of the shared Langevin step: `sampler_step` and `sampler_adapt` (n <- max(n + 3 (a -
 * target), 1)) around the sampler's per-site proposal `dist` (binary or categorical form,
 * picked by the model's number of categories).
 */
export function langevinWgsl(
  model: DiscreteModel,
  balancing: BalancingFn,
  rule: LogTauRule,
  target: number,
  dist: LangevinDistWgsl,
): string {
  return commonWgsl(balancing, target) +
    (model.numCategories === 2
      ? binaryStepWgsl(rule, dist.binary)
      : categoricalStepWgsl(rule, dist.categorical));
}

/**
 * CPU twin of `sampler_adapt`: `n <- max(n + 3 (meanAcc - target), 1)` (DISCS's n update).
 */
export function adaptJumps(n: number, meanAcc: number, target: number): number {
  return Math.max(madF32(3, f(meanAcc - f(target)), n), 1);
}
