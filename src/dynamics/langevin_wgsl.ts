/**
 * WGSL of the Langevin integrators: one invocation per trajectory runs up to `params.chunk`
 * steps (stopping at the next frame, which it then writes). `chunk` is the stride except on
 * llvmpipe, whose loop limiter caps each invocation's loop iterations. The potential snippet supplies `DIM`,
 * `model_grad_energy`; `rngWgsl()` supplies `rng_philox` / `rng_normal2`.
 *
 * Random counters are (index = block of 4 normals, step, trajectory, stream), the same as the
 * CPU twin in `langevin.ts`.
 * @module
 */
import { type BindingDecl, UniformLayout } from "../gpu/mod.ts";

/**
 * The integrator's uniform block, written once per block of frames; WGSL struct and packing both
 * come from this field list.
 */
export const DYN_PARAMS = new UniformLayout("DynParams", [
  { name: "key_lo", type: "u32" },
  { name: "key_hi", type: "u32" },
  { name: "trajectories", type: "u32" },
  { name: "stride", type: "u32" },
  { name: "dt", type: "f32" },
  { name: "noise", type: "f32" },
  { name: "c1", type: "f32" },
  { name: "block_frame0", type: "u32" },
  // Most steps one dispatch runs (the llvmpipe loop budget); a dispatch also stops at a frame.
  { name: "chunk", type: "u32" },
]);

/** `@group(0)` of the integrator program, in binding order. */
export const DYN_BINDINGS: readonly BindingDecl[] = [
  { name: "dyn_pos", kind: "storage", type: "array<f32>" },
  { name: "dyn_vel", kind: "storage", type: "array<f32>" },
  { name: "dyn_step", kind: "storage", type: "array<u32>" },
  { name: "dyn_frames", kind: "storage", type: "array<f32>" },
  { name: "dyn_box", kind: "read", type: "array<f32>" },
  { name: "params", kind: "uniform", type: "DynParams" },
];

/** Stream word of the integrator noise and of the initial velocities. */
export const DYN_STREAM = { noise: 0, velocity: 1 } as const;

const HELPERS = /* wgsl */ `
// v[i] = keep * v[i] + scale * n_i with n ~ N(0, I); block j of 4 normals uses counter
// (j, step, traj, stream): normals 4j, 4j+1 from words (x, y), 4j+2, 4j+3 from (z, w).
fn dyn_add_noise(v: ptr<function, array<f32, DIM>>, keep: f32, scale: f32, traj: u32, step: u32,
                 stream: u32) {
  for (var j = 0u; 4u * j < DIM; j++) {
    let w = rng_philox(vec4<u32>(j, step, traj, stream), vec2<u32>(params.key_lo, params.key_hi));
    let a = rng_normal2(w.x, w.y);
    let i = 4u * j;
    (*v)[i] = keep * (*v)[i] + scale * a.x;
    if (i + 1u < DIM) { (*v)[i + 1u] = keep * (*v)[i + 1u] + scale * a.y; }
    if (i + 2u < DIM) {
      let b = rng_normal2(w.z, w.w);
      (*v)[i + 2u] = keep * (*v)[i + 2u] + scale * b.x;
      if (i + 3u < DIM) { (*v)[i + 3u] = keep * (*v)[i + 3u] + scale * b.y; }
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

// The 4 normals of Philox counter (0, step0, traj, stream), step0 a multiple of NOISE_GROUP:
// at DIM <= 2 one call serves NOISE_GROUP = 4 / DIM consecutive steps (all four words used).
fn dyn_group_normals(step0: u32, traj: u32, stream: u32) -> vec4<f32> {
  let w = rng_philox(vec4<u32>(0u, step0, traj, stream), vec2<u32>(params.key_lo, params.key_hi));
  let a = rng_normal2(w.x, w.y);
  let b = rng_normal2(w.z, w.w);
  return vec4<f32>(a.x, a.y, b.x, b.y);
}

// v[i] = keep * v[i] + scale * n_i for this step's DIM normals: grouped for DIM <= 2 (nz caches
// the group's normals; fresh = first step of this invocation), else dyn_add_noise.
fn dyn_step_noise(v: ptr<function, array<f32, DIM>>, nz: ptr<function, vec4<f32>>, fresh: bool,
                  keep: f32, scale: f32, traj: u32, step: u32, stream: u32) {
  if (NOISE_GROUP == 1u) {
    dyn_add_noise(v, keep, scale, traj, step, stream);
    return;
  }
  let gi = step % NOISE_GROUP;
  if (gi == 0u || fresh) { *nz = dyn_group_normals(step - gi, traj, stream); }
  for (var i = 0u; i < DIM; i++) { (*v)[i] = keep * (*v)[i] + scale * (*nz)[gi * DIM + i]; }
}

fn dyn_traj(gid: vec3<u32>, nwg: vec3<u32>) -> u32 { return gid.x + gid.y * nwg.x * WG; }
`;

/** Helper functions of every integrator program. */
export function dynHelpersWgsl(): string {
  return HELPERS;
}

function boxLines(withVelocity: boolean): string {
  return `
    if (HAS_BOX != 0u) {
      for (var i = 0u; i < DIM; i++) {
        let r = dyn_reflect(x[i], dyn_box[i], dyn_box[DIM + i]);
        x[i] = r.x;${withVelocity ? "\n        v[i] = v[i] * r.y;" : ""}
      }
    }`;
}

// Steps of this dispatch: up to params.chunk, stopping at the next frame.
const STEPS_HERE = `
  var step = dyn_step[t];
  let n_here = min(params.chunk, params.stride - step % params.stride);
  var nz = vec4<f32>(0.0);`;

const FRAME_OUT = `
  dyn_step[t] = step;
  if (step % params.stride != 0u) { return; }
  let slot = step / params.stride - 1u - params.block_frame0;
  let out = (slot * params.trajectories + t) * DIM;
  for (var i = 0u; i < DIM; i++) { dyn_frames[out + i] = x[i]; }`;

/** Euler-Maruyama: x <- x - dt grad V(x) + sqrt(2 dt / beta) xi (noise = the square root). */
export const EM_MAIN = /* wgsl */ `
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = dyn_traj(gid, nwg);
  if (t >= params.trajectories) { return; }
  var x: array<f32, DIM>;
  var g: array<f32, DIM>;
  let base = t * DIM;
  for (var i = 0u; i < DIM; i++) { x[i] = dyn_pos[base + i]; }
${STEPS_HERE}
  for (var k = 0u; k < n_here; k++) {
    model_grad_energy(&x, &g);
    for (var i = 0u; i < DIM; i++) { x[i] = x[i] - params.dt * g[i]; }
    dyn_step_noise(&x, &nz, k == 0u, 1.0, params.noise, t, step, ${DYN_STREAM.noise}u);${
  boxLines(false)
}
    step++;
  }
  for (var i = 0u; i < DIM; i++) { dyn_pos[base + i] = x[i]; }${FRAME_OUT}
}`;

/**
 * BAOAB (Leimkuhler & Matthews 2013), mass 1: B half kick, A half drift, O exact OU
 * v <- c1 v + sqrt((1 - c1^2) / beta) xi (noise = that square root), A, B.
 */
export const BAOAB_MAIN = /* wgsl */ `
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = dyn_traj(gid, nwg);
  if (t >= params.trajectories) { return; }
  var x: array<f32, DIM>;
  var v: array<f32, DIM>;
  var g: array<f32, DIM>;
  let base = t * DIM;
  for (var i = 0u; i < DIM; i++) { x[i] = dyn_pos[base + i]; v[i] = dyn_vel[base + i]; }
${STEPS_HERE}
  let h = 0.5 * params.dt;
  model_grad_energy(&x, &g);
  for (var k = 0u; k < n_here; k++) {
    for (var i = 0u; i < DIM; i++) { v[i] = v[i] - h * g[i]; x[i] = x[i] + h * v[i]; }
    dyn_step_noise(&v, &nz, k == 0u, params.c1, params.noise, t, step, ${DYN_STREAM.noise}u);
    for (var i = 0u; i < DIM; i++) { x[i] = x[i] + h * v[i]; }${boxLines(true)}
    model_grad_energy(&x, &g);
    for (var i = 0u; i < DIM; i++) { v[i] = v[i] - h * g[i]; }
    step++;
  }
  for (var i = 0u; i < DIM; i++) { dyn_pos[base + i] = x[i]; dyn_vel[base + i] = v[i]; }${FRAME_OUT}
}`;
