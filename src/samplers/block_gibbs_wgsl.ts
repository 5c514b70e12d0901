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

/** The same arithmetic in the same order as the loop version, written out per joint value. */
function unrolledWgsl(k: number, n: number, c: number): string {
  const ts = [...Array(k).keys()];
  const sites = ts.map((t) =>
    `  let i${t} = (start + ${t}u) % D;\n  let o${t} = state[base + i${t}];`
  )
    .join("\n");
  const values = (j: number) => ts.map((t) => Math.floor(j / c ** t) % c);
  const trial = (j: number) => {
    const v = values(j);
    const sets = ts.map((t) =>
      `    de = de + model_delta(base, i${t}, ${v[t]}u);\n    state[base + i${t}] = ${v[t]}u;`
    ).join("\n");
    const undo = ts.slice().reverse().map((t) => `    state[base + i${t}] = o${t};`).join("\n");
    const draw = j % 4 === 0 ? `  w = rng_draw(chain, step, ${j >> 2}u, 0u);\n` : "";
    return `${draw}  {
    var de = 0.0;
${sets}
${undo}
    let key = math_mad(-engine_beta, de, rng_gumbel(w[${j & 3}u]));
    let better = key > best;
    best = select(best, key, better);
    best_j = select(best_j, ${j}u, better);
    best_de = select(best_de, de, better);
  }`;
  };
  const apply = ts.map((t) => `  engine_set(chain, i${t}, (best_j / ${c ** t}u) % C);`).join("\n");
  return /* wgsl */ `
fn sampler_step(chain: u32, base: u32, step: u32) -> f32 {
  let start = ((step % D) * ${k}u) % D;
${sites}
  var best = -math_inf();
  var best_j = 0u;
  var best_de = 0.0;
  var w = vec4<u32>();
${[...Array(n).keys()].map(trial).join("\n")}
${apply}
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
