/**
 * WGSL of the Langevin integrators: one invocation per trajectory runs up to `params.chunk`
 * steps (stopping at the next frame, which it then writes). `chunk` is the stride except on
 * llvmpipe, whose loop limiter caps each invocation's loop iterations. `rngWgsl()` supplies
 * `rng_philox` / `rng_normal2`; the potential snippet supplies `model_grad_energy`.
 *
 * Size-generic: the dimension travels in the uniform block (`params.dim`) and every
 * trajectory's position, velocity and gradient live in one storage buffer `dyn_work`, chain-minor
 * (entry i of trajectory t's vector `s` at `(s * dim + i) * trajectories + t`, so neighbouring
 * invocations touch neighbouring words). Nothing in the text depends on the dimension, so D = 2
 * and D = 1000 compile the same program.
 *
 * Random counters are (index = block of 4 normals, step, trajectory, stream), the same as the
 * CPU twin in `langevin.ts`.
 * @module
 */
import { type BindingDecl, UniformLayout } from "../gpu/mod.ts";
import { wgslPotentialHost } from "../models/continuous/potential.ts";

/**
 * The integrator's uniform block, written once per block of frames; WGSL struct and packing both
 * come from this field list.
 */
export const DYN_PARAMS = new UniformLayout("DynParams", [
  { name: "key_lo", type: "u32" },
  { name: "key_hi", type: "u32" },
  { name: "trajectories", type: "u32" },
  // Global index of trajectory 0 here (a split run's range start): offsets the noise counter.
  { name: "traj_offset", type: "u32" },
  { name: "stride", type: "u32" },
  { name: "dt", type: "f32" },
  { name: "noise", type: "f32" },
  { name: "c1", type: "f32" },
  { name: "block_frame0", type: "u32" },
  // Most steps one dispatch runs (the llvmpipe loop budget); a dispatch also stops at a frame.
  { name: "chunk", type: "u32" },
  // The potential's dimension.
  { name: "dim", type: "u32" },
  // Steps served by one Philox call: 4 / dim at dim <= 2, else 1.
  { name: "noise_group", type: "u32" },
]);

/** `@group(0)` of the integrator program, in binding order. */
export const DYN_BINDINGS: readonly BindingDecl[] = [
  // Position, velocity and gradient of every trajectory, [3, dim, trajectories].
  { name: "dyn_work", kind: "storage", type: "array<f32>" },
  { name: "dyn_step", kind: "storage", type: "array<u32>" },
  { name: "dyn_frames", kind: "storage", type: "array<f32>" },
  { name: "dyn_box", kind: "read", type: "array<f32>" },
  { name: "params", kind: "uniform", type: "DynParams" },
];

/** Vector slots of `dyn_work`: position, velocity, gradient. */
export const DYN_SLOTS = { position: 0, velocity: 1, gradient: 2 } as const;

/** Stream word of the integrator noise and of the initial velocities. */
export const DYN_STREAM = { noise: 0, velocity: 1 } as const;

const HELPERS = /* wgsl */ `
${wgslPotentialHost("dyn_work", "params.trajectories", "dyn_dim()", 3)}
// The dimension: baked in for a fixed-dimension potential (POT_FIXED_DIM > 0, so loops unroll),
// else from the uniform block.
fn dyn_dim() -> u32 {
  if (POT_FIXED_DIM != 0u) { return POT_FIXED_DIM; }
  return params.dim;
}
fn dyn_noise_group() -> u32 {
  if (POT_FIXED_DIM != 0u) { return select(1u, 4u / max(POT_FIXED_DIM, 1u), POT_FIXED_DIM <= 2u); }
  return params.noise_group;
}
fn dyn_get(h: u32, i: u32) -> f32 { return pot_get(h, i); }
fn dyn_set(h: u32, i: u32, v: f32) { pot_set(h, i, v); }

// v[i] = keep * v[i] + scale * n_i with n ~ N(0, I), v the vector with handle h; block j of 4
// normals uses counter (j, step, traj, stream): normals 4j, 4j+1 from words (x, y), 4j+2, 4j+3
// from (z, w). Loops run to nb >= dim (the constant POT_REG_CAP on the register path, so the
// compiler unrolls them; entries past dim are skipped).
fn dyn_add_noise(h: u32, nb: u32, keep: f32, scale: f32, traj: u32, step: u32, stream: u32) {
  let n = dyn_dim();
  for (var j = 0u; 4u * j < nb; j++) {
    let w = rng_philox(vec4<u32>(j, step, traj, stream), vec2<u32>(params.key_lo, params.key_hi));
    let a = rng_normal2(w.x, w.y);
    let i = 4u * j;
    if (i < n) { dyn_set(h, i, keep * dyn_get(h, i) + scale * a.x); }
    if (i + 1u < n) { dyn_set(h, i + 1u, keep * dyn_get(h, i + 1u) + scale * a.y); }
    if (i + 2u < n) {
      let b = rng_normal2(w.z, w.w);
      dyn_set(h, i + 2u, keep * dyn_get(h, i + 2u) + scale * b.x);
      if (i + 3u < n) { dyn_set(h, i + 3u, keep * dyn_get(h, i + 3u) + scale * b.y); }
    }
  }
}

// Reflects coordinate y into [lo, hi]; returns (new y, velocity sign).
fn dyn_reflect(y: f32, lo: f32, hi: f32) -> vec2<f32> {
  var z = y;
  var s = 1.0;
  if (z < lo) { z = 2.0 * lo - z; s = -s; }
  if (z > hi) { z = 2.0 * hi - z; s = -s; }
  return vec2<f32>(clamp(z, lo, hi), s);
}

// The 4 normals of Philox counter (0, step0, traj, stream), step0 a multiple of noise_group:
// at dim <= 2 one call serves noise_group = 4 / dim consecutive steps (all four words used).
fn dyn_group_normals(step0: u32, traj: u32, stream: u32) -> vec4<f32> {
  let w = rng_philox(vec4<u32>(0u, step0, traj, stream), vec2<u32>(params.key_lo, params.key_hi));
  let a = rng_normal2(w.x, w.y);
  let b = rng_normal2(w.z, w.w);
  return vec4<f32>(a.x, a.y, b.x, b.y);
}

// v[i] = keep * v[i] + scale * n_i for this step's dim normals: grouped for dim <= 2 (nz
// caches the group's normals, gi = step % noise_group kept by the caller without a division;
// fresh = first step of this invocation), else dyn_add_noise.
fn dyn_step_noise(h: u32, nb: u32, nz: ptr<function, vec4<f32>>, gi: u32, fresh: bool, keep: f32,
                  scale: f32, traj: u32, step: u32, stream: u32) {
  if (dyn_noise_group() == 1u) {
    dyn_add_noise(h, nb, keep, scale, traj, step, stream);
    return;
  }
  if (gi == 0u || fresh) { *nz = dyn_group_normals(step - gi, traj, stream); }
  for (var i = 0u; i < nb; i++) {
    if (i < dyn_dim()) { dyn_set(h, i, keep * dyn_get(h, i) + scale * (*nz)[gi * dyn_dim() + i]); }
  }
}

fn dyn_traj(gid: vec3<u32>, nwg: vec3<u32>) -> u32 { return gid.x + gid.y * nwg.x * WG; }

// Copies trajectory t's 3 vectors between dyn_work and the register file (to_regs) or back.
fn dyn_regs(t: u32, to_regs: bool) {
  let n = dyn_dim();
  for (var s = 0u; s < 3u; s++) {
    for (var i = 0u; i < n; i++) {
      let o = (s * n + i) * params.trajectories + t;
      if (to_regs) { pot_reg_set(s, i, dyn_work[o]); } else { dyn_work[o] = pot_reg_get(s, i); }
    }
  }
}
`;

/** Helper functions of every integrator program (including the potential's host functions). */
export function dynHelpersWgsl(): string {
  return HELPERS;
}

function boxLines(withVelocity: boolean): string {
  return `
    if (HAS_BOX != 0u) {
      for (var i = 0u; i < nb; i++) {
        if (i < n) {
          let r = dyn_reflect(dyn_get(hx, i), dyn_box[i], dyn_box[n + i]);
          dyn_set(hx, i, r.x);${
    withVelocity ? "\n          dyn_set(hv, i, dyn_get(hv, i) * r.y);" : ""
  }
        }
      }
    }`;
}

// The steps of this dispatch: up to params.chunk, stopping at the next frame.
const STEPS_HERE = `
  let n = dyn_dim();
  var step = dyn_step[t];
  let n_here = min(params.chunk, params.stride - step % params.stride);
  var nz = vec4<f32>(0.0);
  var gi = step % dyn_noise_group();`;

const FRAME_OUT = `
  dyn_step[t] = step;
  if (step % params.stride != 0u) { return; }
  let frame = step / params.stride - 1u - params.block_frame0;
  let out = (frame * params.trajectories + t) * n;
  for (var i = 0u; i < nb; i++) {
    if (i < n) { dyn_frames[out + i] = dyn_get(hx, i); }
  }`;

/**
 * The entry point: at dim <= POT_REG_CAP the trajectory's vectors move to the register file for
 * the dispatch and the steps run on constant handles (the compiler then keeps them in
 * registers), else they stay in `dyn_work`. `dyn_steps` ({@link EM_STEPS}, {@link BAOAB_STEPS})
 * holds the integrator.
 */
export const DYN_MAIN = /* wgsl */ `
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = dyn_traj(gid, nwg);
  if (t >= params.trajectories) { return; }
  let n = dyn_dim();
  if (n <= POT_REG_CAP) {
    dyn_regs(t, true);
    let nb = select(POT_REG_CAP, POT_FIXED_DIM, POT_FIXED_DIM != 0u);
    dyn_steps(t, POT_REG_BASE, POT_REG_BASE + POT_REG_CAP, POT_REG_BASE + 2u * POT_REG_CAP, nb);
    dyn_regs(t, false);
  } else {
    let slot = n * params.trajectories;
    dyn_steps(t, ${DYN_SLOTS.position}u * slot + t, ${DYN_SLOTS.velocity}u * slot + t, ${DYN_SLOTS.gradient}u * slot + t, n);
  }
}`;

/** Euler-Maruyama: x <- x - dt grad V(x) + sqrt(2 dt / beta) xi (noise = the square root). */
export const EM_STEPS = /* wgsl */ `
fn dyn_steps(t: u32, hx: u32, hv: u32, hg: u32, nb: u32) {
${STEPS_HERE}
  for (var k = 0u; k < n_here; k++) {
    model_grad_energy(hx, hg);
    for (var i = 0u; i < nb; i++) {
      if (i < n) { dyn_set(hx, i, dyn_get(hx, i) - params.dt * dyn_get(hg, i)); }
    }
    dyn_step_noise(hx, nb, &nz, gi, k == 0u, 1.0, params.noise, t + params.traj_offset, step, ${DYN_STREAM.noise}u);${
  boxLines(false)
}
    step++;
    gi++;
    if (gi == dyn_noise_group()) { gi = 0u; }
  }${FRAME_OUT}
}`;

/**
 * BAOAB (Leimkuhler & Matthews 2013), mass 1: B half kick, A half drift, O exact OU
 * v <- c1 v + sqrt((1 - c1^2) / beta) xi (noise = that square root), A, B.
 */
export const BAOAB_STEPS = /* wgsl */ `
fn dyn_steps(t: u32, hx: u32, hv: u32, hg: u32, nb: u32) {
${STEPS_HERE}
  let h = 0.5 * params.dt;
  model_grad_energy(hx, hg);
  for (var k = 0u; k < n_here; k++) {
    for (var i = 0u; i < nb; i++) {
      if (i < n) {
        let v = dyn_get(hv, i) - h * dyn_get(hg, i);
        dyn_set(hv, i, v);
        dyn_set(hx, i, dyn_get(hx, i) + h * v);
      }
    }
    dyn_step_noise(hv, nb, &nz, gi, k == 0u, params.c1, params.noise, t + params.traj_offset, step, ${DYN_STREAM.noise}u);
    for (var i = 0u; i < nb; i++) {
      if (i < n) { dyn_set(hx, i, dyn_get(hx, i) + h * dyn_get(hv, i)); }
    }${boxLines(true)}
    model_grad_energy(hx, hg);
    for (var i = 0u; i < nb; i++) {
      if (i < n) { dyn_set(hv, i, dyn_get(hv, i) - h * dyn_get(hg, i)); }
    }
    step++;
    gi++;
    if (gi == dyn_noise_group()) { gi = 0u; }
  }${FRAME_OUT}
}`;
