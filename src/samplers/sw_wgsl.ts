/**
 * WGSL twin of the Swendsen-Wang step (see `sw.ts`): the same bonds, the same flat labelling
 * loop and the same cluster draws, so both backends give the same bits. The chain's parent and
 * value arrays and per-root field sums live in the engine's per-chain scratch.
 * @module
 */

/** Philox stream of the bond draws (edge e = 2 site + direction: block e / 4, word e % 4). */
export const SW_STREAM_BOND = 0x53570000;
/**
 * Philox stream of the cluster values: block root / 4, word root % 4; with a field, stream
 * +1 + v / 4 of block root gives the Gumbel key of value v.
 */
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
// A root's value under a field: Gumbel-max over -beta F_v (F: the cluster's summed field).
fn sampler_sw_field_value(chain: u32, step: u32, root: u32) -> u32 {
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
  let q = math_exp(-(engine_beta * SAMPLER_SW_COUPLING));
  // Bonds of every site's down and right edge (bits 0, 1; kept in the value words until the
  // values are drawn), keyed by edge e = 2 i + dir: word e % 4 of Philox block e / 4. The draw
  // sits in an outer loop over pairs of sites, not under a branch: llvmpipe runs a branch for
  // the whole SIMD group (masked) whenever it is reached, so a guarded draw costs every site.
  for (var i0 = 0u; i0 < D; i0 += 2u) {
    let w = rng_draw(chain, step, i0 >> 1u, ${SW_STREAM_BOND}u);
    for (var k = 0u; k < 2u; k++) {
      let i = i0 + k;
      if (i < D) {
        sampler_sw_set_parent(chain, i, i);
        let nb = ${m}_nbs(i);
        let xi = state[base + i];
        let dn = (nb.y >= 0) & (xi == state[base + u32(max(nb.y, 0))]);
        let rt = (nb.w >= 0) & (xi == state[base + u32(max(nb.w, 0))]);
        let open_dn = dn & (rng_uniform(w[2u * k]) >= q);
        let open_rt = rt & (rng_uniform(w[2u * k + 1u]) >= q);
        scratch[scratch_u_at(chain, D + i)] = select(0u, 1u, open_dn) | select(0u, 2u, open_rt);
      }
    }
  }
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
      if (((scratch[scratch_u_at(chain, D + i)] >> dir) & 1u) == 0u) { continue; }
      let j = ${m}_nb(i, select(1u, 3u, dir == 1u));
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
  if (SAMPLER_SW_FIELD == 1u) {
    // Roots (parent[i] == i after flattening) draw from their clusters' field conditionals.
    for (var i = 0u; i < D; i++) {
      if (sampler_sw_parent(chain, i) == i) {
        scratch[scratch_u_at(chain, D + i)] = sampler_sw_field_value(chain, step, i);
      }
    }
  }
  // Without a field a root's value is word r % 4 of Philox block r / 4, drawn for every block
  // of four sites in the outer loop (not under a branch, as above).
  for (var i0 = 0u; i0 < D; i0 += 4u) {
    let u = rng_draw(chain, step, i0 >> 2u, ${SW_STREAM_VALUE}u);
    for (var k = 0u; k < 4u; k++) {
      let i = i0 + k;
      if (i < D) {
        let r = sampler_sw_parent(chain, sampler_sw_parent(chain, i));
        sampler_sw_set_parent(chain, i, r);
        if (SAMPLER_SW_FIELD == 0u && r == i) {
          scratch[scratch_u_at(chain, D + i)] = rng_mulhilo(u[k], C).x;
        }
        let v = scratch[scratch_u_at(chain, D + r)];
        if (v != state[base + i]) { engine_set(chain, i, v); }
      }
    }
  }
  energy[chain] = model_energy(base);
  return 1.0;
}
`;
}
