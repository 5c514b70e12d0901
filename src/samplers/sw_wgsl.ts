/**
 * WGSL twin of the Swendsen-Wang step (see `sw.ts`): the same bonds, the same flat labelling
 * loop and the same cluster draws, so both backends give the same bits. The chain's parent and
 * value arrays and per-root field sums live in the engine's per-chain scratch.
 * @module
 */

/** Philox stream of the bond draws (index: the edge's first site; word: the direction). */
export const SW_STREAM_BOND = 0x53570000;
/** Philox stream of the cluster values (index: the root); with a field, +1 + v / 4. */
export const SW_STREAM_VALUE = 0x53570100;

/** `sampler_step` of Swendsen-Wang for the `ising` or `potts` family. */
export function swWgsl(family: string): string {
  const m = `model_${family}`;
  // Field of site i at value v: Ising's b_i s_i with s = 2v - 1, Potts's b_{i,v}.
  const siteField = family === "ising"
    ? `let b = ${m}_field[i]; return select(-b, b, v == 1u);`
    : `return ${m}_field[i * C + v];`;
  return /* wgsl */ `
fn sampler_sw_field(i: u32, v: u32) -> f32 { ${siteField} }
fn sampler_sw_parent(chain: u32, i: u32) -> u32 { return scratch[scratch_u_at(chain, i)]; }
fn sampler_sw_set_parent(chain: u32, i: u32, r: u32) { scratch[scratch_u_at(chain, i)] = r; }
fn sampler_sw_sum_at(chain: u32, r: u32, v: u32) -> u32 { return scratch_at(chain, r * C + v); }
fn sampler_sw_value(chain: u32, step: u32, root: u32) -> u32 {
  if (SAMPLER_SW_FIELD == 0u) {
    let w = rng_draw(chain, step, root, ${SW_STREAM_VALUE}u);
    return rng_mulhilo(w.x, C).x;
  }
  var best = -math_inf();
  var best_v = 0u;
  var w = vec4<u32>();
  for (var v = 0u; v < C; v++) {
    if ((v & 3u) == 0u) { w = rng_draw(chain, step, root, ${SW_STREAM_VALUE + 1}u + (v >> 2u)); }
    let key = math_mad(-engine_beta, scratch_get_f(sampler_sw_sum_at(chain, root, v)), rng_gumbel(w[v & 3u]));
    let better = key > best;
    best = select(best, key, better);
    best_v = select(best_v, v, better);
  }
  return best_v;
}
fn sampler_step(chain: u32, base: u32, step: u32) -> f32 {
  for (var i = 0u; i < D; i++) { sampler_sw_set_parent(chain, i, i); }
  let q = math_exp(-(engine_beta * SAMPLER_SW_COUPLING));
  // Labelling: one flat loop (one edge or one Rem step per iteration), capped by the budget.
  var e = 0u;
  var a = 0u;
  var b = 0u;
  var busy = false;
  var done = false;
  for (var it = 0u; it < SAMPLER_SW_BUDGET; it++) {
    if (!busy) {
      if (e >= 2u * D) {
        done = true;
        break;
      }
      let i = e >> 1u;
      let dir = e & 1u;
      e++;
      let j = ${m}_nb(i, select(1u, 3u, dir == 1u));
      if (j < 0) { continue; }
      if (state[base + i] != state[base + u32(j)]) { continue; }
      if (rng_uniform(rng_draw(chain, step, i, ${SW_STREAM_BOND}u)[dir]) < q) { continue; }
      a = i;
      b = u32(j);
      busy = true;
      continue;
    }
    let pa = sampler_sw_parent(chain, a);
    let pb = sampler_sw_parent(chain, b);
    if (pa == pb) {
      busy = false;
      continue;
    }
    // Rem's step on the side whose parent is larger: splice it under the other's parent.
    let swap = pa < pb;
    let na = select(a, b, swap);
    b = select(b, a, swap);
    a = na;
    let hi = max(pa, pb);
    sampler_sw_set_parent(chain, a, min(pa, pb));
    if (a == hi) { busy = false; } else { a = hi; }
  }
  if (!done && !busy && e >= 2u * D) { done = true; }
  if (!done) { return 0.0; }
  if (SAMPLER_SW_FIELD == 1u) {
    for (var i = 0u; i < D; i++) {
      let r = sampler_sw_parent(chain, sampler_sw_parent(chain, i));
      sampler_sw_set_parent(chain, i, r);
      for (var v = 0u; v < C; v++) {
        let at = sampler_sw_sum_at(chain, r, v);
        let bv = sampler_sw_field(i, v);
        scratch_set_f(at, select(scratch_get_f(at) + bv, bv, r == i));
      }
    }
  }
  for (var i = 0u; i < D; i++) {
    let r = sampler_sw_parent(chain, sampler_sw_parent(chain, i));
    sampler_sw_set_parent(chain, i, r);
    if (r == i) { scratch[scratch_u_at(chain, D + i)] = sampler_sw_value(chain, step, i); }
    let v = scratch[scratch_u_at(chain, D + r)];
    if (v != state[base + i]) { engine_set(chain, i, v); }
  }
  energy[chain] = model_energy(base);
  return 1.0;
}
`;
}
