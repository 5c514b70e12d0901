/**
 * WGSL of the chains x sites layout (`engine_sites.ts`): one workgroup of `SITES_WG`
 * invocations steps one chain; invocation `lid` owns the quads of sites `q = lid, lid + SITES_WG,
 * ...` (sites 4q..4q+3, one Philox draw per quad as in the per-chain layout), and per-chain
 * quantities are reduced by fixed-order workgroup trees that the CPU twin repeats.
 * @module
 */

/**
 * Reductions and site-scratch helpers. Every reduction starts with a barrier (the previous
 * one's result may still be read) and ends with `workgroupUniformLoad`, so its result is
 * uniform and may bound loops that contain barriers.
 */
export function sitesHelpersWgsl(counts: boolean): string {
  return /* wgsl */ `
var<private> sites_lid: u32;
// First scratch word of the running chain (each chain owns SITES_WORDS consecutive words).
var<private> sites_scratch0: u32;
var<workgroup> sites_r2: array<vec2<f32>, SITES_WG>;
var<workgroup> sites_rk: array<f32, SITES_WG>;
var<workgroup> sites_ru: array<u32, SITES_WG>;
var<workgroup> sites_wu: u32;
var<workgroup> sites_wf: f32;
var<workgroup> sites_we: f32;
// A step's accept decision, made uniform (it bounds loops with barriers).
var<workgroup> sites_wo: u32;
fn sites_get(k: u32) -> u32 { return scratch[sites_scratch0 + k]; }
fn sites_set(k: u32, v: u32) { scratch[sites_scratch0 + k] = v; }
fn sites_get_f(k: u32) -> f32 { return bitcast<f32>(scratch[sites_scratch0 + k]); }
fn sites_set_f(k: u32, v: f32) { scratch[sites_scratch0 + k] = bitcast<u32>(v); }
// Component-wise sums of the invocations' partials: tree with strides SITES_WG / 2, ..., 1.
fn sites_sum2(v: vec2<f32>) -> vec2<f32> {
  workgroupBarrier();
  sites_r2[sites_lid] = v;
  for (var s = SITES_WG >> 1u; s > 0u; s = s >> 1u) {
    workgroupBarrier();
    if (sites_lid < s) { sites_r2[sites_lid] = sites_r2[sites_lid] + sites_r2[sites_lid + s]; }
  }
  return workgroupUniformLoad(&sites_r2[0]);
}
fn sites_count(v: u32) -> u32 {
  workgroupBarrier();
  sites_ru[sites_lid] = v;
  for (var s = SITES_WG >> 1u; s > 0u; s = s >> 1u) {
    workgroupBarrier();
    if (sites_lid < s) { sites_ru[sites_lid] = sites_ru[sites_lid] + sites_ru[sites_lid + s]; }
  }
  return workgroupUniformLoad(&sites_ru[0]);
}
// Exclusive prefix sum of the invocations' values (Hillis-Steele) and the total: (prefix, total).
fn sites_scan(v: u32) -> vec2<u32> {
  workgroupBarrier();
  sites_ru[sites_lid] = v;
  for (var s = 1u; s < SITES_WG; s = s << 1u) {
    workgroupBarrier();
    let add = select(0u, sites_ru[max(sites_lid, s) - s], sites_lid >= s);
    workgroupBarrier();
    sites_ru[sites_lid] = sites_ru[sites_lid] + add;
  }
  let total = workgroupUniformLoad(&sites_ru[SITES_WG - 1u]);
  return vec2<u32>(sites_ru[sites_lid] - v, total);
}
// Merges two online log-sum-exp pairs (m, s): the larger maximum keeps its sum, the other sum
// is scaled by exp(lo - hi) (skipped when lo = -inf).
fn sites_lse2(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> {
  let swap = b.x > a.x;
  let hi = select(a, b, swap);
  let lo = select(b, a, swap);
  let t = math_mad(lo.y, math_exp(lo.x - hi.x), hi.y);
  return vec2<f32>(hi.x, select(t, hi.y, lo.x == -math_inf()));
}
// log sum exp over the workgroup from each invocation's (m, s).
fn sites_lse(m: f32, s: f32) -> f32 {
  workgroupBarrier();
  sites_r2[sites_lid] = vec2<f32>(m, s);
  for (var st = SITES_WG >> 1u; st > 0u; st = st >> 1u) {
    workgroupBarrier();
    if (sites_lid < st) { sites_r2[sites_lid] = sites_lse2(sites_r2[sites_lid], sites_r2[sites_lid + st]); }
  }
  let t = workgroupUniformLoad(&sites_r2[0]);
  return t.x + math_log(t.y);
}
// The largest (key, index) of the workgroup: larger key first, then smaller index (a total
// order, so the tree's shape does not change the answer). Returns (bits of key, index).
fn sites_argmax(key: f32, idx: u32) -> vec2<u32> {
  workgroupBarrier();
  sites_rk[sites_lid] = key;
  sites_ru[sites_lid] = idx;
  for (var s = SITES_WG >> 1u; s > 0u; s = s >> 1u) {
    workgroupBarrier();
    if (sites_lid < s) {
      let k2 = sites_rk[sites_lid + s];
      let i2 = sites_ru[sites_lid + s];
      let k1 = sites_rk[sites_lid];
      let i1 = sites_ru[sites_lid];
      if (k2 > k1 || (k2 == k1 && i2 < i1)) {
        sites_rk[sites_lid] = k2;
        sites_ru[sites_lid] = i2;
      }
    }
  }
  let k = workgroupUniformLoad(&sites_rk[0]);
  let i = workgroupUniformLoad(&sites_ru[0]);
  return vec2<u32>(bitcast<u32>(k), i);
}
// Sites differing from the reference, and E(x) as the tree sum of site energies, of the chain.
fn sites_mismatches(base: u32) -> u32 {
  var h = 0u;
  for (var q = sites_lid; q * 4u < D; q += SITES_WG) {
    for (var jj = 0u; jj < 4u; jj++) {
      let i = q * 4u + jj;
      if (i < D && state[base + i] != reference[i]) { h++; }
    }
  }
  return sites_count(h);
}
${counts ? COUNT_ENERGY : TREE_ENERGY}
fn sites_chain(wid: vec3<u32>, nwg: vec3<u32>) -> u32 { return wid.x + wid.y * nwg.x; }
`;
}

// E(x) as the tree sum of site energies.
const TREE_ENERGY = /* wgsl */ `fn sites_energy(base: u32) -> f32 {
  var e = 0.0;
  for (var q = sites_lid; q * 4u < D; q += SITES_WG) {
    for (var jj = 0u; jj < 4u; jj++) {
      let i = q * 4u + jj;
      if (i < D) { e = e + model_site_energy(base, i); }
    }
  }
  return sites_sum2(vec2<f32>(e, 0.0)).x;
}`;

// Count models: E(x) from the integer numbers of edges inside the set and of sites in it.
const COUNT_ENERGY = /* wgsl */ `fn sites_energy(base: u32) -> f32 {
  var pairs = 0u;
  var ones = 0u;
  for (var q = sites_lid; q * 4u < D; q += SITES_WG) {
    for (var jj = 0u; jj < 4u; jj++) {
      let i = q * 4u + jj;
      if (i < D && state[base + i] == 1u) {
        pairs = pairs + model_count(base, i);
        ones = ones + 1u;
      }
    }
  }
  let p = sites_count(pairs);
  return model_count_energy(p >> 1u, sites_count(ones));
}`;

/** Init: random uniform states (unless given), then the Hamming statistic and E(x) by trees. */
export const SITES_INIT_MAIN = /* wgsl */ `
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  engine_load_sizes();
  sites_lid = lid;
  let chain = sites_chain(wid, nwg);
  if (chain >= params.chains) { return; }
  let base = chain * D;
  if (params.init_given != 1u) {
    for (var i = lid; i < D; i += SITES_WG) {
      let w = rng_philox(vec4<u32>(i, 0xffffffffu, chain + params.chain_offset, 0xfffffff0u), vec2<u32>(params.key_lo, params.key_hi));
      state[base + i] = w.x % C;
    }
  }
  storageBarrier();
  let h = sites_mismatches(base);
  let e = sites_energy(base);
  if (lid == 0u) {
    hamming[chain] = h;
    energy[chain] = e;
  }
}`;

/** Start of each block: E(x) recomputed by the tree, the block's acceptance sum restarted. */
export const SITES_REFRESH_MAIN = /* wgsl */ `
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  engine_load_sizes();
  sites_lid = lid;
  let chain = sites_chain(wid, nwg);
  if (chain >= params.chains) { return; }
  let e = sites_energy(chain * D);
  if (lid == 0u) {
    energy[chain] = e;
    acc_sum[chain] = 0.0;
  }
}`;

/**
 * `params.multi` steps of one chain per workgroup (1 while adapting): the sampler's
 * `sampler_sites_step(chain, base, step, param, e)` returns (acceptance, energy after the step);
 * the Hamming statistic is recounted by a tree after each step, and invocation 0 writes the
 * trace rows, acceptance and energy.
 */
export const SITES_STEP_MAIN = /* wgsl */ `
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  engine_load_sizes();
  sites_lid = lid;
  let chain = sites_chain(wid, nwg);
  if (chain >= params.chains) { return; }
  sites_scratch0 = chain * SITES_WORDS;
  if (lid == 0u) {
    sites_wu = ctrl[0];
    sites_wf = bitcast<f32>(ctrl[1]);
    sites_we = energy[chain];
  }
  let first = workgroupUniformLoad(&sites_wu);
  let param = workgroupUniformLoad(&sites_wf);
  var e = workgroupUniformLoad(&sites_we);
  engine_param = param;
  let count = min(params.multi, params.block_end - first);
  var sum = acc_sum[chain];
  var a = 0.0;
  var h = 0u;
  for (var k = 0u; k < count; k++) {
    let step = first + k;
    var b = params.beta;
    if (params.constant_beta != 1u) { b = step_beta(step); }
    if (params.chain_beta_given == 1u) { b = b * betas[params.trace_steps + chain]; }
    engine_beta = b;
    let r = sampler_sites_step(chain, chain * D, step, param, e);
    a = r.x;
    e = r.y;
    storageBarrier();
    h = sites_mismatches(chain * D);
    if (lid == 0u) {
      if (step >= params.burn_in) { sum = sum + a; }
      let t = (step - params.block_start) * params.chains + chain;
      trace[t] = e;
      trace[params.trace_steps * params.chains + t] = f32(h);
    }
  }
  if (lid == 0u && count > 0u) {
    accept[chain] = a;
    acc_sum[chain] = sum;
    energy[chain] = e;
    hamming[chain] = h;
  }
}`;
