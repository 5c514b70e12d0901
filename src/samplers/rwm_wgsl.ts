/**
 * WGSL twin of the random-walk Metropolis step (see `rwm.ts`).
 * @module
 */
import type { TypedScalar } from "../gpu/uniforms.ts";

/**
 * `sampler_step` and `sampler_adapt` for RWM with the target baked in; `1 / D` and the radius
 * clip travel as the sizes of {@link rwmSizes}.
 */
export function rwmWgsl(target: number): string {
  const f = (v: number) => Math.fround(v).toPrecision(9);
  return /* wgsl */ `
const RWM_TARGET: f32 = ${f(target)};
// Walks the sites flipped by the proposal (each with probability p, by geometric skips) and
// either applies them (apply = true) or restores the values they had before.
fn rwm_walk(chain: u32, base: u32, step: u32, p: f32, inv_log1mp: f32, apply: bool) -> f32 {
  var de = 0.0;
  var i = 0u;
  var k = 0u;
  loop {
    let w = rng_draw(chain, step, k, 0u);
    if (p < 1.0) {
      let g = floor(math_log(rng_uniform_open(w.x)) * inv_log1mp);
      i = i + u32(min(g, f32(D)));
    }
    if (i >= D) { break; }
    var shift = 1u;
    if (C > 2u) { shift = 1u + u32(floor(rng_uniform(w.y) * f32(C - 1u))); }
    let cur = state[base + i];
    if (apply) {
      let v = (cur + shift) % C;
      de = de + model_delta(base, i, v);
      engine_set(chain, i, v);
    } else {
      engine_set(chain, i, (cur + C - shift) % C);
    }
    i = i + 1u;
    k = k + 1u;
  }
  return de;
}
fn sampler_step(chain: u32, base: u32, step: u32) -> f32 {
  let p = min(ctrl_param() * SAMPLER_RWM_INV_D, 1.0);
  var inv_log1mp = 0.0;
  if (p < 1.0) { inv_log1mp = math_recip(math_log(1.0 - p)); }
  let de = rwm_walk(chain, base, step, p, inv_log1mp, true);
  let a = acc_prob(-engine_beta * de);
  let u = rng_uniform(rng_draw(chain, step, 0u, 1u).x);
  if (u < a) {
    energy[chain] = energy[chain] + de;
  } else {
    rwm_walk(chain, base, step, p, inv_log1mp, false);
  }
  return a;
}
fn sampler_adapt(param: f32, mean_acc: f32) -> f32 {
  return clamp(math_keep(param + mean_acc) - RWM_TARGET, 1.0, SAMPLER_RWM_MAX_RADIUS);
}
`;
}

/** RWM's size-derived values: f32 `1 / D` and the radius clip D. */
export function rwmSizes(numSites: number): Record<string, TypedScalar> {
  return {
    SAMPLER_RWM_INV_D: { type: "f32", value: Math.fround(1 / numSites) },
    SAMPLER_RWM_MAX_RADIUS: { type: "f32", value: numSites },
  };
}
