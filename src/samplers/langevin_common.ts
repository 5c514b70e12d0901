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
 *
 * @example
 * ```ts
 * // Bernoulli theta = [1]: at x = 0, flipping raises log pi by about theta.
 * const d = logRatio(bernoulliModel({ theta: [1] }), chain, 0, 1); // 1
 * ```
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
 *
 * @example
 * ```ts
 * log1mexp(-Math.LN2); // about -0.693 (log 1/2)
 * ```
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
 *
 * @example
 * ```ts
 * const step = langevinCpuStep({ balancing: "sqrt", rule: "rate", dist: dmalaDist("sqrt") });
 * ```
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

/** Bits per site needed to store a value in {0..C-1}, rounded up to a divisor of 32. */
function bitsPerSite(c: number): number {
  for (const b of [1, 2, 4, 8, 16]) if (c <= 2 ** b) return b;
  return 32;
}

/**
 * WGSL of the shared Langevin step: `sampler_step` and `sampler_adapt` (n <- max(n + 3 (a -
 * target), 1)), calling the sampler's `fn sampler_lg_dist(base: u32, i: u32, log_tau: f32)`
 * that fills `sampler_lg_q` (given in `dist`). The other state is packed in a private array.
 *
 * @example
 * ```ts
 * const code = langevinWgsl(model, "sqrt", "rate", 0.574, distCode);
 * ```
 */
export function langevinWgsl(
  model: DiscreteModel,
  balancing: BalancingFn,
  rule: LogTauRule,
  target: number,
  dist: string,
): string {
  const bits = bitsPerSite(model.numCategories);
  const words = Math.ceil((model.numSites * bits) / 32);
  const mask = bits === 32 ? "0xffffffffu" : `${2 ** bits - 1}u`;
  const logTau = rule === "alpha" ? "return -0.5 * math_recip(ctrl_param());" : `var z = 0.0;
  for (var i = 0u; i < D; i++) { z = z + sampler_lg_rate(base, i); }
  return math_log(ctrl_param()) - math_log(z);`;
  return /* wgsl */ `
${balanceWgsl(balancing)}
const LG_BITS: u32 = ${bits}u;
const LG_MASK: u32 = ${mask};
const LG_TARGET: f32 = ${f(target).toPrecision(9)};
const LG_LN2: f32 = ${LN2.toPrecision(9)};
// y (during the forward pass), then x (after the move), packed LG_BITS per site.
var<private> sampler_lg_other: array<u32, ${words}u>;
var<private> sampler_lg_q: array<f32, C>;
fn sampler_lg_get(i: u32) -> u32 {
  let b = i * LG_BITS;
  return (sampler_lg_other[b >> 5u] >> (b & 31u)) & LG_MASK;
}
fn sampler_lg_put(i: u32, v: u32) {
  let b = i * LG_BITS;
  let w = b >> 5u;
  let s = b & 31u;
  sampler_lg_other[w] = (sampler_lg_other[w] & ~(LG_MASK << s)) | (v << s);
}
fn sampler_lg_log1mexp(a: f32) -> f32 {
  if (a > -LG_LN2) { return math_log(1.0 - math_exp(a)); }
  return math_log1p(-math_exp(a));
}
fn sampler_lg_ratio(base: u32, i: u32, c: u32) -> f32 {
  let x = state[base + i];
  if (c == x) { return 0.0; }
  if (C == 2u) {
    let g = model_grad(base, i, 0u);
    if (x == 1u) { return engine_beta * g; }
    return -engine_beta * g;
  }
  return -engine_beta * (model_grad(base, i, c) - model_grad(base, i, x));
}
fn sampler_lg_rate(base: u32, i: u32) -> f32 {
  let x = state[base + i];
  if (C == 2u) { return math_exp(acc_balance(sampler_lg_ratio(base, i, 1u - x))); }
  var r = 0.0;
  for (var c = 0u; c < C; c++) { r = r + math_exp(acc_balance(sampler_lg_ratio(base, i, c))); }
  return r;
}
fn sampler_lg_normalise(start: f32) {
  var m = start;
  for (var c = 0u; c < C; c++) { m = max(m, sampler_lg_q[c]); }
  var s = 0.0;
  for (var c = 0u; c < C; c++) { s = s + math_exp(sampler_lg_q[c] - m); }
  let lse = m + math_log(s);
  for (var c = 0u; c < C; c++) { sampler_lg_q[c] = sampler_lg_q[c] - lse; }
}
${dist}
fn sampler_lg_log_tau(base: u32) -> f32 {
  ${logTau}
}
fn sampler_step(chain: u32, base: u32, step: u32) -> f32 {
  let tx = sampler_lg_log_tau(base);
  var fwd = 0.0;
  for (var i = 0u; i < D; i++) {
    sampler_lg_dist(base, i, tx);
    let u = rng_uniform(rng_draw(chain, step, i >> 2u, 0u)[i & 3u]);
    var y = state[base + i];
    var acc = 0.0;
    for (var v = 0u; v < C; v++) {
      acc = acc + math_exp(sampler_lg_q[v]);
      if (u < acc) {
        y = v;
        break;
      }
    }
    sampler_lg_put(i, y);
    fwd = fwd + sampler_lg_q[y];
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
  let ty = sampler_lg_log_tau(base);
  var rev = 0.0;
  for (var i = 0u; i < D; i++) {
    sampler_lg_dist(base, i, ty);
    rev = rev + sampler_lg_q[sampler_lg_get(i)];
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
fn sampler_adapt(param: f32, mean_acc: f32) -> f32 {
  // math_mad: a plain multiply-add may be fused or reassociated by the compiler.
  return max(math_mad(3.0, mean_acc - LG_TARGET, param), 1.0);
}
`;
}

/**
 * CPU twin of `sampler_adapt`: `n <- max(n + 3 (meanAcc - target), 1)` (DISCS's n update).
 *
 * @example
 * ```ts
 * adaptJumps(3, 0.674, 0.574); // about 3.3
 * ```
 */
export function adaptJumps(n: number, meanAcc: number, target: number): number {
  return Math.max(madF32(3, f(meanAcc - f(target)), n), 1);
}
