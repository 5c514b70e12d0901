/**
 * WGSL of the continuous samplers (ULA, MALA, HMC): one invocation per chain runs up to
 * `params.chunk` steps. Size-generic: the dimension travels in the uniform block and every
 * chain's vectors (x, grad U(x), the proposal y, grad U(y), the normals xi) live in one storage
 * buffer `smp_work`, chain-minor (entry i of chain c's vector `s` at `(s * dim + i) * chains +
 * c`); nothing in the text depends on the dimension. Twin: `samplers_cpu.ts`, same operations
 * in the same order (`math_keep` blocks contractions into fused multiply-adds).
 * @module
 */
import { type BindingDecl, UniformLayout } from "../gpu/mod.ts";
import { wgslPotentialHost } from "../models/continuous/potential.ts";
import { DA_INV_GAMMA, DA_KAPPA, DA_T0 } from "./samplers_setup.ts";

/** The samplers' uniform block; WGSL struct and packing both come from this field list. */
export const SMP_PARAMS = new UniformLayout("SmpParams", [
  { name: "key_lo", type: "u32" },
  { name: "key_hi", type: "u32" },
  { name: "chains", type: "u32" },
  { name: "burn_in", type: "u32" },
  { name: "block_end", type: "u32" },
  { name: "out0", type: "u32" },
  { name: "chunk", type: "u32" },
  { name: "leapfrog", type: "u32" },
  { name: "beta", type: "f32" },
  { name: "mu", type: "f32" },
  { name: "target_acc", type: "f32" },
  { name: "adapt", type: "u32" },
  { name: "dim", type: "u32" },
]);

/** Vector slots of `smp_work`. */
export const SMP_SLOTS = { x: 0, g: 1, y: 2, gy: 3, xi: 4, count: 5 } as const;

/** `@group(0)` of the sampler program, in binding order. */
export const SMP_BINDINGS: readonly BindingDecl[] = [
  { name: "smp_work", kind: "storage", type: "array<f32>" },
  { name: "smp_u", kind: "storage", type: "array<f32>" },
  { name: "smp_da", kind: "storage", type: "array<f32>" },
  { name: "smp_acc", kind: "storage", type: "array<f32>" },
  { name: "smp_step", kind: "storage", type: "array<u32>" },
  { name: "smp_out", kind: "storage", type: "array<f32>" },
  { name: "params", kind: "uniform", type: "SmpParams" },
];

/** Helper functions: the potential's host functions, vector access, normals, U and grad U. */
export const SMP_HELPERS = /* wgsl */ `
${wgslPotentialHost("smp_work", "params.chains", "smp_dim()", SMP_SLOTS.count)}
fn smp_get(h: u32, i: u32) -> f32 { return pot_get(h, i); }
fn smp_set(h: u32, i: u32, v: f32) { pot_set(h, i, v); }
// The dimension: baked in for a fixed-dimension potential (POT_FIXED_DIM > 0), else uniform.
fn smp_dim() -> u32 {
  if (POT_FIXED_DIM != 0u) { return POT_FIXED_DIM; }
  return params.dim;
}

// Copies chain c's vectors between smp_work and the register file (to_regs) or back.
fn smp_regs(c: u32, to_regs: bool) {
  let n = smp_dim();
  for (var s = 0u; s < ${SMP_SLOTS.count}u; s++) {
    for (var i = 0u; i < n; i++) {
      let o = (s * n + i) * params.chains + c;
      if (to_regs) { pot_reg_set(s, i, smp_work[o]); } else { smp_work[o] = pot_reg_get(s, i); }
    }
  }
}

// dim standard normals of (chain, step) into the vector with handle h, the twin of normals()
// in langevin.ts.
fn sampler_normals(h: u32, nb: u32, c: u32, step: u32) {
  let n = smp_dim();
  for (var j = 0u; 4u * j < nb; j++) {
    let w = rng_philox(vec4<u32>(j, step, c, 0u), vec2<u32>(params.key_lo, params.key_hi));
    let a = rng_normal2(w.x, w.y);
    let i = 4u * j;
    if (i < n) { smp_set(h, i, a.x); }
    if (i + 1u < n) { smp_set(h, i + 1u, a.y); }
    if (i + 2u < n) {
      let b = rng_normal2(w.z, w.w);
      smp_set(h, i + 2u, b.x);
      if (i + 3u < n) { smp_set(h, i + 3u, b.y); }
    }
  }
}

// U = beta V at y and its gradient into gy.
fn sampler_energy_grad(y: u32, gy: u32, nb: u32) -> f32 {
  let v = model_grad_energy(y, gy);
  for (var i = 0u; i < nb; i++) {
    if (i < smp_dim()) { smp_set(gy, i, params.beta * smp_get(gy, i)); }
  }
  return params.beta * v;
}`;

/**
 * Up to `params.chunk` steps of chain c on the vectors with handles hx..hxi; loops over the
 * coordinates run to nb >= dim (a constant on the register path, so they unroll).
 */
export const SMP_STEPS = /* wgsl */ `
fn smp_steps(c: u32, hx: u32, hg: u32, hy: u32, hgy: u32, hxi: u32, nb: u32) {
  let n = smp_dim();
  var u = smp_u[c];
  var eps = smp_da[4u * c];
  var hbar = smp_da[4u * c + 1u];
  var lbar = smp_da[4u * c + 2u];
  var acc = smp_acc[c];
  var step = smp_step[c];
  let steps_here = min(params.chunk, params.block_end - step);
  for (var k = 0u; k < steps_here; k++) {
    if (step == params.burn_in && params.adapt != 0u) { eps = math_exp(lbar); }
    sampler_normals(hxi, nb, c, step);
    var a = 1.0;
    var uy = 0.0;
    if (SAMPLER_KIND == 2u) {
      var k0 = 0.0;
      for (var i = 0u; i < nb; i++) { if (i < n) {
        smp_set(hy, i, smp_get(hx, i));
        smp_set(hgy, i, smp_get(hg, i));
        let xi = smp_get(hxi, i);
        k0 = math_keep(k0 + math_keep(xi * xi));
      } }
      let he = 0.5 * eps;
      uy = u;
      for (var l = 0u; l < params.leapfrog; l++) {
        for (var i = 0u; i < nb; i++) { if (i < n) {
          let p = smp_get(hxi, i) - math_keep(he * smp_get(hgy, i));
          smp_set(hxi, i, p);
          smp_set(hy, i, smp_get(hy, i) + math_keep(eps * p));
        } }
        uy = sampler_energy_grad(hy, hgy, nb);
        for (var i = 0u; i < nb; i++) { if (i < n) { smp_set(hxi, i, smp_get(hxi, i) - math_keep(he * smp_get(hgy, i))); } }
      }
      var k1 = 0.0;
      for (var i = 0u; i < nb; i++) { if (i < n) { let p = smp_get(hxi, i); k1 = math_keep(k1 + math_keep(p * p)); } }
      let log_a = math_keep(math_keep(u - uy) + math_keep(0.5 * k0)) - math_keep(0.5 * k1);
      a = math_exp(min(log_a, 0.0));
    } else {
      let h2 = math_keep(0.5 * eps) * eps;
      for (var i = 0u; i < nb; i++) { if (i < n) {
        smp_set(hy, i, math_keep(smp_get(hx, i) - math_keep(h2 * smp_get(hg, i))) + math_keep(eps * smp_get(hxi, i)));
      } }
      uy = sampler_energy_grad(hy, hgy, nb);
      if (SAMPLER_KIND == 1u) {
        var fwd = 0.0;
        var bwd = 0.0;
        for (var i = 0u; i < nb; i++) { if (i < n) {
          let xi = smp_get(hxi, i);
          fwd = math_keep(fwd + math_keep(xi * xi));
          let r = math_keep(smp_get(hx, i) - smp_get(hy, i)) + math_keep(h2 * smp_get(hgy, i));
          bwd = math_keep(bwd + math_keep(r * r));
        } }
        let inv = math_recip(math_keep(2.0 * eps) * eps);
        let log_a = math_keep(math_keep(u - uy) - math_keep(bwd * inv)) + math_keep(0.5 * fwd);
        a = math_exp(min(log_a, 0.0));
      }
    }
    var accept = SAMPLER_KIND == 0u;
    if (!accept) {
      accept = rng_uniform(rng_philox(vec4<u32>(0u, step, c, 1u), vec2<u32>(params.key_lo, params.key_hi)).x) < a;
    }
    if (accept) {
      for (var i = 0u; i < nb; i++) { if (i < n) { smp_set(hx, i, smp_get(hy, i)); smp_set(hg, i, smp_get(hgy, i)); } }
      u = uy;
    }
    if (step < params.burn_in) {
      if (params.adapt != 0u) {
        // Dual averaging, twin of adaptStep() in samplers_cpu.ts.
        let t = f32(step + 1u);
        let r = math_recip(t + ${DA_T0.toFixed(1)});
        hbar = math_keep(math_keep(1.0 - r) * hbar) + math_keep(math_keep(params.target_acc - a) * r);
        let log_eps = params.mu - math_keep(math_keep(math_sqrt(t) * ${
  DA_INV_GAMMA.toFixed(1)
}) * hbar);
        let w = math_exp(-${DA_KAPPA} * math_log(t));
        lbar = math_keep(w * log_eps) + math_keep(math_keep(1.0 - w) * lbar);
        eps = math_exp(log_eps);
      }
    } else {
      acc = acc + a;
      let o = ((step - params.out0) * params.chains + c) * n;
      for (var i = 0u; i < nb; i++) { if (i < n) { smp_out[o + i] = smp_get(hx, i); } }
    }
    step++;
  }
  smp_u[c] = u;
  smp_da[4u * c] = eps;
  smp_da[4u * c + 1u] = hbar;
  smp_da[4u * c + 2u] = lbar;
  smp_acc[c] = acc;
  smp_step[c] = step;
}`;

/**
 * The entry point: at dim <= POT_REG_CAP the chain's vectors move to the register file for the
 * dispatch and the steps run on constant handles, else they stay in `smp_work`.
 */
export const SMP_MAIN = /* wgsl */ `
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let c = gid.x + gid.y * nwg.x * WG;
  if (c >= params.chains) { return; }
  let n = smp_dim();
  if (n <= POT_REG_CAP) {
    smp_regs(c, true);
    let nb = select(POT_REG_CAP, POT_FIXED_DIM, POT_FIXED_DIM != 0u);
    let r = POT_REG_BASE;
    let k = POT_REG_CAP;
    smp_steps(c, r, r + k, r + 2u * k, r + 3u * k, r + 4u * k, nb);
    smp_regs(c, false);
  } else {
    let slot = n * params.chains;
    smp_steps(c, c, slot + c, 2u * slot + c, 3u * slot + c, 4u * slot + c, n);
  }
}`;
