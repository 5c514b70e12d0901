/**
 * WGSL of the frame embedding y = Q1 x + (I - Q1 Q1^T) w (see `embed_gpu.ts`), three kernels
 * over one block of frames and one chunk of trajectories:
 *
 * 1. {@link EMBED_NOISE_MAIN}, one invocation per (trajectory, block of `ROWS` rows): for each
 *    frame in turn draws the Philox normals of its rows, advances the OU state (`OU` = 1) or
 *    scales white noise, writes w into y and the block's partial sums of Q1^T w.
 * 2. {@link EMBED_REDUCE_MAIN}, one invocation per (frame, trajectory): c = sum of the partial
 *    sums - x.
 * 3. {@link EMBED_PROJECT_MAIN}, one invocation per output value: y -= Q1 c.
 *
 * Size-generic: D, d and NB (= ceil(D / ROWS)) travel in the uniform block; only `WG`, `ROWS`,
 * `OU` and `STREAM` are baked into the text, so every embedding size compiles the same programs.
 * Random counters are (row / 4, frame, trajectory, STREAM), the same as the CPU twin's
 * `normals(..., traj, frame, stream)`.
 * @module
 */
import { type BindingDecl, UniformLayout } from "../gpu/mod.ts";

/** The embedder's uniform block; WGSL struct and packing both come from this field list. */
export const EMBED_PARAMS = new UniformLayout("EmbedParams", [
  { name: "key_lo", type: "u32" },
  { name: "key_hi", type: "u32" },
  { name: "frame0", type: "u32" },
  { name: "frames", type: "u32" },
  { name: "traj0", type: "u32" },
  { name: "trajs", type: "u32" },
  // OU: w <- a w + b eps (frame > 0), w <- sigma eps (frame 0); white: w <- sigma eps.
  { name: "a", type: "f32" },
  { name: "b", type: "f32" },
  { name: "sigma", type: "f32" },
  // Ambient dimension D, core dimension d, row blocks NB = ceil(D / ROWS).
  { name: "ambient", type: "u32" },
  { name: "core", type: "u32" },
  { name: "nb", type: "u32" },
]);

/** `@group(0)` shared by the three kernels, in binding order. */
export const EMBED_BINDINGS: readonly BindingDecl[] = [
  { name: "embed_params", kind: "uniform", type: "EmbedParams" },
  // Q1 column-major: column j at j * D.
  { name: "embed_q1", kind: "read", type: "array<f32>" },
  // Core frames x [frames, trajs, d].
  { name: "embed_core", kind: "read", type: "array<f32>" },
  // OU state w [trajs, D] of this trajectory chunk, kept across blocks.
  { name: "embed_state", kind: "storage", type: "array<f32>" },
  // Output y [frames, trajs, D]; holds w between kernels 1 and 3.
  { name: "embed_out", kind: "storage", type: "array<f32>" },
  // Partial sums of Q1^T w [frames, trajs, NB, d].
  { name: "embed_partial", kind: "storage", type: "array<f32>" },
  // c = Q1^T w - x [frames, trajs, d].
  { name: "embed_coef", kind: "storage", type: "array<f32>" },
];

/**
 * Kernel 1: noise, OU update and partial sums of Q1^T w. The block's w values go to the output
 * first and are read back per core column, so no per-invocation array grows with d.
 */
export const EMBED_NOISE_MAIN = /* wgsl */ `
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let g = id.x + id.y * nwg.x * WG;
  let trajs = embed_params.trajs;
  let D = embed_params.ambient;
  let d = embed_params.core;
  let nb = embed_params.nb;
  if (g >= trajs * nb) { return; }
  let tl = g / nb;
  let blk = g % nb;
  let r0 = blk * ROWS;
  let r1 = min(r0 + ROWS, D);
  let traj = embed_params.traj0 + tl;
  for (var f = 0u; f < embed_params.frames; f++) {
    let frame = embed_params.frame0 + f;
    let keep = select(embed_params.a, 0.0, frame == 0u);
    let scale = select(embed_params.b, embed_params.sigma, frame == 0u);
    let yo = (f * trajs + tl) * D;
    for (var i0 = r0; i0 < r1; i0 += 4u) {
      let w = rng_philox(vec4<u32>(i0 / 4u, frame, traj, STREAM), vec2<u32>(embed_params.key_lo, embed_params.key_hi));
      let n01 = rng_normal2(w.x, w.y);
      let n23 = rng_normal2(w.z, w.w);
      let eps = vec4<f32>(n01.x, n01.y, n23.x, n23.y);
      for (var k = 0u; k < 4u; k++) {
        let i = i0 + k;
        if (i >= r1) { break; }
        var z: f32;
        if (OU == 1u) {
          let so = tl * D + i;
          z = keep * embed_state[so] + scale * eps[k];
          embed_state[so] = z;
        } else {
          z = embed_params.sigma * eps[k];
        }
        embed_out[yo + i] = z;
      }
    }
    let po = ((f * trajs + tl) * nb + blk) * d;
    for (var j = 0u; j < d; j++) {
      var acc = 0.0;
      for (var i = r0; i < r1; i++) { acc += embed_q1[j * D + i] * embed_out[yo + i]; }
      embed_partial[po + j] = acc;
    }
  }
}`;

/** Kernel 2: c = sum over row blocks of the partial sums - x. */
export const EMBED_REDUCE_MAIN = /* wgsl */ `
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let g = id.x + id.y * nwg.x * WG;
  if (g >= embed_params.frames * embed_params.trajs) { return; }
  let d = embed_params.core;
  let nb = embed_params.nb;
  for (var j = 0u; j < d; j++) {
    var s = 0.0;
    for (var b = 0u; b < nb; b++) { s += embed_partial[(g * nb + b) * d + j]; }
    embed_coef[g * d + j] = s - embed_core[g * d + j];
  }
}`;

/** Kernel 3: y = w - Q1 c = Q1 x + (I - Q1 Q1^T) w. */
export const EMBED_PROJECT_MAIN = /* wgsl */ `
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let g = id.x + id.y * nwg.x * WG;
  let D = embed_params.ambient;
  let d = embed_params.core;
  if (g >= embed_params.frames * embed_params.trajs * D) { return; }
  let e = g / D;
  let i = g % D;
  var s = embed_out[g];
  for (var j = 0u; j < d; j++) { s -= embed_q1[j * D + i] * embed_coef[e * d + j]; }
  embed_out[g] = s;
}`;
