/**
 * WGSL twin of the block Gibbs step (see `block_gibbs.ts`).
 * @module
 */

/** Largest `C^k` emitted as straight-line code (no loops, no dynamically indexed arrays). */
const UNROLL_MAX = 16;

/**
 * `sampler_step` for block Gibbs with block size `k` and `n = C^k` joint values baked in; small
 * blocks (DISCS's BG-2 on binary models: n = 4) are unrolled, which llvmpipe runs much faster.
 */
export function blockGibbsWgsl(k: number, n: number, c: number): string {
  return n <= UNROLL_MAX ? unrolledWgsl(k, n, c) : loopWgsl(k, n);
}

/**
 * The loop version written out per joint value, with each energy change computed once: the
 * change at site t depends only on the values at sites 0..t (the prefix), so prefixes shared by
 * several joint values reuse it, and trial values are stored only when a site's value must
 * change. Every sum still adds the same terms in the same order, so the bits are unchanged.
 */
function unrolledWgsl(k: number, n: number, c: number): string {
  const ts = [...Array(k).keys()];
  const digit = (j: number, t: number) => Math.floor(j / c ** t) % c;
  const lines: string[] = [];
  const current: (number | null)[] = ts.map(() => null); // null: the original value
  const put = (t: number, v: number | null) => {
    if (current[t] === v) return;
    lines.push(`  state[base + i${t}] = ${v === null ? `o${t}` : `${v}u`};`);
    current[t] = v;
  };
  const terms = new Set<string>();
  for (let j = 0; j < n; j++) {
    if (j % 4 === 0) lines.push(`  w = rng_draw(chain, step, ${j >> 2}u, 0u);`);
    const names = ts.map((t) => {
      const prefix = ts.slice(0, t + 1).map((s) => digit(j, s)).join("_");
      if (!terms.has(prefix)) {
        // Sites before t hold the prefix, t and later their original values.
        for (const s of ts) put(s, s < t ? digit(j, s) : null);
        lines.push(`  let d_${prefix} = model_delta(base, i${t}, ${digit(j, t)}u);`);
        terms.add(prefix);
      }
      return `d_${prefix}`;
    });
    lines.push(`  {
    var de = 0.0;
${names.map((d) => `    de = de + ${d};`).join("\n")}
    let key = math_mad(-engine_beta, de, rng_gumbel(w[${j & 3}u]));
    let better = key > best;
    best = select(best, key, better);
    best_j = select(best_j, ${j}u, better);
    best_de = select(best_de, de, better);
  }`);
  }
  for (const s of ts) put(s, null);
  const sites = ts.map((t) =>
    `  let i${t} = (start + ${t}u) % D;\n  let o${t} = state[base + i${t}];`
  );
  const apply = ts.map((t) => `  engine_set(chain, i${t}, (best_j / ${c ** t}u) % C);`);
  return /* wgsl */ `
fn sampler_step(chain: u32, base: u32, step: u32) -> f32 {
  let start = ((step % D) * ${k}u) % D;
${sites.join("\n")}
  var best = -math_inf();
  var best_j = 0u;
  var best_de = 0.0;
  var w = vec4<u32>();
${lines.join("\n")}
${apply.join("\n")}
  energy[chain] = energy[chain] + best_de;
  return 1.0;
}
`;
}

function loopWgsl(k: number, n: number): string {
  return /* wgsl */ `
const BG_K: u32 = ${k}u;
const BG_N: u32 = ${n}u;
fn sampler_step(chain: u32, base: u32, step: u32) -> f32 {
  let start = ((step % D) * BG_K) % D;
  var orig: array<u32, BG_K>;
  for (var t = 0u; t < BG_K; t++) { orig[t] = state[base + (start + t) % D]; }
  var best = -math_inf();
  var best_j = 0u;
  var best_de = 0.0;
  var w = vec4<u32>();
  for (var j = 0u; j < BG_N; j++) {
    // Four Gumbel keys per Philox call: draw a new block of words every fourth value.
    if ((j & 3u) == 0u) { w = rng_draw(chain, step, j >> 2u, 0u); }
    var de = 0.0;
    var r = j;
    for (var t = 0u; t < BG_K; t++) {
      let i = (start + t) % D;
      let v = r % C;
      r = r / C;
      de = de + model_delta(base, i, v);
      // Trial values need no Hamming bookkeeping: they are undone below.
      state[base + i] = v;
    }
    for (var t = BG_K; t > 0u; t--) { state[base + (start + t - 1u) % D] = orig[t - 1u]; }
    let key = math_mad(-engine_beta, de, rng_gumbel(w[j & 3u]));
    // Selects, not a branch: lanes (chains) disagree about the maximum.
    let better = key > best;
    best = select(best, key, better);
    best_j = select(best_j, j, better);
    best_de = select(best_de, de, better);
  }
  var r = best_j;
  for (var t = 0u; t < BG_K; t++) {
    engine_set(chain, (start + t) % D, r % C);
    r = r / C;
  }
  energy[chain] = energy[chain] + best_de;
  return 1.0;
}
`;
}
