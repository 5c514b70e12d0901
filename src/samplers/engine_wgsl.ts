/**
 * WGSL of the sampling engine: the `@group(0)` bindings every discrete sampler shares, the
 * helper functions samplers call (`rng_draw`, `engine_set`, `ctrl_param`), and the three
 * entry programs (init, step, adapt). Samplers supply `sampler_step`/`sampler_adapt`.
 * @module
 */
import type { BindingDecl, UniformField } from "../gpu/mod.ts";

/**
 * Fields of the engine's uniform block (written once per submitted block of steps); the model's
 * and the sampler's sizes follow them (see `engineLayout` in `engine.ts`).
 */
export const ENGINE_FIELDS: readonly UniformField[] = [
  { name: "key_lo", type: "u32" },
  { name: "key_hi", type: "u32" },
  { name: "chains", type: "u32" },
  { name: "block_start", type: "u32" },
  { name: "beta", type: "f32" },
  { name: "burn_in", type: "u32" },
  { name: "adapt_until", type: "u32" },
  { name: "multi", type: "u32" },
  { name: "trace_steps", type: "u32" },
  { name: "block_end", type: "u32" },
  // 1 when every step has inverse temperature params.beta (no schedule): no per-step load.
  { name: "constant_beta", type: "u32" },
  // 1 when the state buffer holds given initial states (init then only derives the rest).
  { name: "init_given", type: "u32" },
  // 1 when each chain's inverse temperature is scaled by chain_betas[chain] (tempering).
  { name: "chain_beta_given", type: "u32" },
  // Global index of chain 0: a shard running chains [a, b) draws what they draw in the full run.
  { name: "chain_offset", type: "u32" },
];

/** `@group(0)` of every engine program, in binding order. */
export const ENGINE_BINDINGS: readonly BindingDecl[] = [
  { name: "state", kind: "storage", type: "array<u32>" },
  { name: "energy", kind: "storage", type: "array<f32>" },
  { name: "hamming", kind: "storage", type: "array<u32>" },
  { name: "reference", kind: "read", type: "array<u32>" },
  { name: "accept", kind: "storage", type: "array<f32>" },
  { name: "acc_sum", kind: "storage", type: "array<f32>" },
  { name: "ctrl", kind: "storage", type: "array<u32>" },
  { name: "trace", kind: "storage", type: "array<f32>" },
  // Inverse temperature of each step of the block, then each chain's factor (tempering).
  { name: "betas", kind: "read", type: "array<f32>" },
  { name: "params", kind: "uniform", type: "EngineParams" },
  // Per-chain scratch of samplers that need it (sized chains x words, chain-minor: word k of
  // chain c at k * chains + c, so SIMD lanes touch neighbouring addresses); the sampler's f32
  // words come first (bitcast), its u32 words from SCRATCH_U0 on. One buffer, since storage
  // bindings per stage are limited (the FHMM alone binds five).
  { name: "scratch", kind: "storage", type: "array<u32>" },
];

/** The bind groups of an engine program: the engine's buffers, then the model's parameter arrays. */
export function engineBindingGroups(
  params: readonly { name: string; data: unknown }[],
): (readonly BindingDecl[])[] {
  return [
    ENGINE_BINDINGS,
    params.map((p) => ({
      name: p.name,
      kind: "read" as const,
      type: p.data instanceof Float32Array ? "array<f32>" : "array<u32>",
    })),
  ];
}

/** Slots of the `ctrl` buffer. */
export const CTRL = { step: 0, param: 1, words: 4 } as const;

/** Helpers available to sampler snippets. */
export const ENGINE_HELPERS = /* wgsl */ `
fn rng_draw(chain: u32, step: u32, index: u32, stream: u32) -> vec4<u32> {
  return rng_philox(vec4<u32>(index, step, chain + params.chain_offset, stream), vec2<u32>(params.key_lo, params.key_hi));
}
fn engine_set(chain: u32, i: u32, v: u32) {
  let base = chain * D;
  let old = state[base + i];
  let r = reference[i];
  if (old == r && v != r) { hamming[chain] = hamming[chain] + 1u; }
  if (old != r && v == r) { hamming[chain] = hamming[chain] - 1u; }
  state[base + i] = v;
}
// The shared adaptive parameter of the current step; every entry program sets it.
var<private> engine_param: f32;
fn ctrl_param() -> f32 { return engine_param; }
// Inverse temperature of this step (annealing schedules change it per step), before any
// per-chain factor; the step loop stores the chain's beta in engine_beta, which samplers use.
fn step_beta(step: u32) -> f32 { return betas[step - params.block_start]; }
var<private> engine_beta: f32;
fn acc_prob(log_acc: f32) -> f32 { return math_exp(min(log_acc, 0.0)); }
fn chain_index(gid: vec3<u32>, nwg: vec3<u32>) -> u32 { return gid.x + gid.y * nwg.x * WG; }
// f32 word k of this chain's scratch (scratch_get_f / scratch_set_f), and u32 word k.
fn scratch_at(chain: u32, k: u32) -> u32 { return k * params.chains + chain; }
fn scratch_u_at(chain: u32, k: u32) -> u32 { return (SCRATCH_U0 + k) * params.chains + chain; }
fn scratch_get_f(at: u32) -> f32 { return bitcast<f32>(scratch[at]); }
fn scratch_set_f(at: u32, v: f32) { scratch[at] = bitcast<u32>(v); }
`;

/** Init: random uniform states (unless given), Hamming statistic, energies. */
export const INIT_MAIN = /* wgsl */ `
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  engine_load_sizes();
  let chain = chain_index(gid, nwg);
  if (chain >= params.chains) { return; }
  let base = chain * D;
  var h = 0u;
  let given = params.init_given == 1u;
  for (var i = 0u; i < D; i++) {
    var v = state[base + i];
    if (!given) {
      let w = rng_philox(vec4<u32>(i, 0xffffffffu, chain + params.chain_offset, 0xfffffff0u), vec2<u32>(params.key_lo, params.key_hi));
      v = w.x % C;
      state[base + i] = v;
    }
    if (v != reference[i]) { h++; }
  }
  hamming[chain] = h;
  energy[chain] = model_energy(base);
}`;

/**
 * Start of each block: recomputes cached energies from the states (bounds f32 drift) and starts
 * the block's acceptance sums (f32 per block; the host combines blocks in f64).
 */
export const REFRESH_MAIN = /* wgsl */ `
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  engine_load_sizes();
  let chain = chain_index(gid, nwg);
  if (chain >= params.chains) { return; }
  energy[chain] = model_energy(chain * D);
  acc_sum[chain] = 0.0;
}`;

/**
 * `params.multi` steps of every chain (1 while adapting), each followed by its trace row. The
 * acceptance sum stays in a register across the steps (same additions in the same order): on
 * llvmpipe every storage access is a per-lane gather or scatter, a large share of a cheap step.
 */
export const STEP_MAIN = /* wgsl */ `
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  engine_load_sizes();
  let chain = chain_index(gid, nwg);
  if (chain >= params.chains) { return; }
  let first = ctrl[0];
  let count = min(params.multi, params.block_end - first);
  engine_param = bitcast<f32>(ctrl[1]);
  var sum = acc_sum[chain];
  var a = 0.0;
  for (var k = 0u; k < count; k++) {
    let step = first + k;
    a = engine_step(chain, step);
    if (step >= params.burn_in) { sum = sum + a; }
  }
  accept[chain] = a;
  acc_sum[chain] = sum;
}`;

/** Step one chain and record its trace row; returns the acceptance probability. */
export const STEP_HELPERS = /* wgsl */ `
fn engine_step(chain: u32, step: u32) -> f32 {
  var b = params.beta;
  if (params.constant_beta != 1u) { b = step_beta(step); }
  if (params.chain_beta_given == 1u) { b = b * betas[params.trace_steps + chain]; }
  engine_beta = b;
  let a = sampler_step(chain, chain * D, step);
  let t = (step - params.block_start) * params.chains + chain;
  // Energies, then Hamming statistics, then parameters: each a contiguous copy on the host.
  trace[t] = energy[chain];
  trace[params.trace_steps * params.chains + t] = f32(hamming[chain]);
  return a;
}
// Step counter and shared parameter of the fused program's single workgroup.
var<workgroup> fused_first: u32;
var<workgroup> fused_param: f32;`;

/**
 * All chains in ONE workgroup of FW invocations run `params.multi` steps, adapting the shared
 * parameter after each step behind a barrier: adaptation then costs no extra dispatch, which
 * dominates cheap steps (a dispatch on llvmpipe costs ~100 us). Same arithmetic and summation
 * order as the step + adapt programs, so the same bits.
 */
export function fusedMain(adaptive: boolean): string {
  return /* wgsl */ `
fn main(@builtin(local_invocation_index) lid: u32) {
  engine_load_sizes();
  if (lid == 0u) {
    fused_first = ctrl[0];
    fused_param = bitcast<f32>(ctrl[1]);
  }
  let first = workgroupUniformLoad(&fused_first);
  let count = min(params.multi, params.block_end - first);
  for (var k = 0u; k < count; k++) {
    let step = first + k;
    engine_param = workgroupUniformLoad(&fused_param);
    for (var chain = lid; chain < params.chains; chain += FW) {
      let a = engine_step(chain, step);
      accept[chain] = a;
      if (step >= params.burn_in) { acc_sum[chain] = acc_sum[chain] + a; }
    }
    storageBarrier();
    if (lid == 0u) {
      trace[2u * params.trace_steps * params.chains + step - params.block_start] = engine_param;
      ${
    adaptive
      ? `if (step < params.adapt_until) {
        var s = 0.0;
        for (var c = 0u; c < params.chains; c++) { s = s + accept[c]; }
        fused_param = sampler_adapt(engine_param, s / f32(params.chains));
      }`
      : ""
  }
    }
  }
  let last = workgroupUniformLoad(&fused_param);
  if (lid == 0u) {
    ctrl[0] = first + count;
    ctrl[1] = bitcast<u32>(last);
  }
}`;
}

/** One thread: mean acceptance, parameter update (while adapting), parameter trace, step counter. */
export function adaptMain(adaptive: boolean): string {
  return /* wgsl */ `
fn main() {
  engine_load_sizes();
  let step = ctrl[0];
  let param = bitcast<f32>(ctrl[1]);
  engine_param = param;
  let count = min(params.multi, params.block_end - step);
  for (var k = 0u; k < count; k++) {
    trace[2u * params.trace_steps * params.chains + step + k - params.block_start] = param;
  }
  ${
    adaptive
      ? `if (params.multi == 1u && step < params.adapt_until) {
    var s = 0.0;
    for (var c = 0u; c < params.chains; c++) { s = s + accept[c]; }
    ctrl[1] = bitcast<u32>(sampler_adapt(param, s / f32(params.chains)));
  }`
      : ""
  }
  ctrl[0] = step + count;
}`;
}

/**
 * Helpers of the grouped step (samplers with `exchange`, e.g. parallel tempering): a chain's
 * step without its trace row, the trace row, and the step's inverse temperature before
 * per-chain factors (what `sampler_exchange` scales by its ladder).
 */
export const GROUP_HELPERS = /* wgsl */ `
fn engine_base_beta(step: u32) -> f32 {
  if (params.constant_beta != 1u) { return step_beta(step); }
  return params.beta;
}
fn engine_trace(chain: u32, step: u32) {
  let t = (step - params.block_start) * params.chains + chain;
  trace[t] = energy[chain];
  trace[params.trace_steps * params.chains + t] = f32(hamming[chain]);
}`;

/**
 * One invocation per group of SLOTS consecutive chains (the last group may be short): each
 * step runs every chain of the group with its slot's parameter, then `sampler_exchange`, then
 * writes the group's trace rows, so a swap's effect shows in the step that made it.
 */
export const GROUP_STEP_MAIN = /* wgsl */ `
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  engine_load_sizes();
  let first_chain = chain_index(gid, nwg) * SLOTS;
  if (first_chain >= params.chains) { return; }
  let size = min(SLOTS, params.chains - first_chain);
  let first = ctrl[0];
  let count = min(params.multi, params.block_end - first);
  for (var k = 0u; k < count; k++) {
    let step = first + k;
    let b = engine_base_beta(step);
    for (var r = 0u; r < size; r++) {
      let chain = first_chain + r;
      engine_param = bitcast<f32>(ctrl[1u + r]);
      engine_beta = b;
      let a = sampler_step(chain, chain * D, step);
      accept[chain] = a;
      if (step >= params.burn_in) { acc_sum[chain] = acc_sum[chain] + a; }
    }
    sampler_exchange(first_chain, size, step);
    for (var r = 0u; r < size; r++) { engine_trace(first_chain + r, step); }
  }
}`;

/**
 * The adapt program with one parameter per slot (grouped samplers): slot r's parameter adapts
 * to the mean acceptance of chains r, r + SLOTS, ... (summed in chain order, as the CPU twin).
 */
export function slotsAdaptMain(adaptive: boolean): string {
  return /* wgsl */ `
fn main() {
  engine_load_sizes();
  let step = ctrl[0];
  let count = min(params.multi, params.block_end - step);
  let at = 2u * params.trace_steps * params.chains + (step - params.block_start) * SLOTS;
  for (var k = 0u; k < count; k++) {
    for (var r = 0u; r < SLOTS; r++) { trace[at + k * SLOTS + r] = bitcast<f32>(ctrl[1u + r]); }
  }
  ${
    adaptive
      ? `if (params.multi == 1u && step < params.adapt_until) {
    for (var r = 0u; r < min(SLOTS, params.chains); r++) {
      let param = bitcast<f32>(ctrl[1u + r]);
      engine_param = param;
      var s = 0.0;
      var n = 0u;
      for (var c = r; c < params.chains; c += SLOTS) {
        s = s + accept[c];
        n++;
      }
      ctrl[1u + r] = bitcast<u32>(sampler_adapt(param, s / f32(n)));
    }
  }`
      : ""
  }
  ctrl[0] = step + count;
}`;
}

/**
 * Grouped samplers when a group's steps do not fit one invocation under llvmpipe's loop limit
 * (split mode, one step per dispatch): the per-chain step with the chain's slot parameter...
 */
export const SLOT_STEP_MAIN: string = STEP_MAIN.replace(
  "engine_param = bitcast<f32>(ctrl[1]);",
  "engine_param = bitcast<f32>(ctrl[1u + chain % SLOTS]);",
);

/**
 * ...then one invocation per group: `sampler_exchange` for the step just made, and the group's
 * trace rows rewritten after it (the adapt dispatch then advances the step counter).
 */
export const GROUP_EXCHANGE_MAIN = /* wgsl */ `
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  engine_load_sizes();
  let first_chain = chain_index(gid, nwg) * SLOTS;
  if (first_chain >= params.chains) { return; }
  let size = min(SLOTS, params.chains - first_chain);
  let step = ctrl[0];
  if (step >= params.block_end) { return; }
  sampler_exchange(first_chain, size, step);
  for (var r = 0u; r < size; r++) { engine_trace(first_chain + r, step); }
}`;
