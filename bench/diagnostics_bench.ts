/**
 * Diagnostics on the DISCS scale: 100 chains x 100k steps of a Gaussian AR(1) (phi = 0.9),
 * generated once outside the timed functions. Run: `deno bench -P bench/diagnostics_bench.ts`.
 * @module
 */
import {
  discsEss,
  essBulk,
  essTail,
  essTfpChains,
  rhat,
  summarizeChains,
} from "../src/diagnostics/mod.ts";

const CHAINS = 100;
const DRAWS = 100_000;

/** Seeded xorshift32 uniform + Box-Muller; quality is irrelevant for timing. */
function makeData(): Float64Array[] {
  let s = 0x2545f491;
  const u = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) + 0.5) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const phi = 0.9, sd = Math.sqrt(1 - phi * phi);
  return Array.from({ length: CHAINS }, () => {
    const x = new Float64Array(DRAWS);
    let v = normal();
    for (let t = 0; t < DRAWS; t++) x[t] = v = t === 0 ? v : phi * v + sd * normal();
    return x;
  });
}

const data = makeData();
const opts = { n: 2, warmup: 1 };
let sink = 0;

Deno.bench({
  name: "essTfpChains, 100 x 100k (per-chain TFP ESS)",
  ...opts,
  fn: () => {
    sink += essTfpChains(data)[0];
  },
});
Deno.bench({
  name: "discsEss, 100 x 100k (second half kept)",
  ...opts,
  fn: () => {
    sink += discsEss(data).mean;
  },
});
Deno.bench({
  name: "essBulk, 100 x 100k",
  ...opts,
  fn: () => {
    sink += essBulk(data);
  },
});
Deno.bench({
  name: "essTail, 100 x 100k",
  ...opts,
  fn: () => {
    sink += essTail(data);
  },
});
Deno.bench({
  name: "rhat (rank, bulk + folded), 100 x 100k",
  ...opts,
  fn: () => {
    sink += rhat(data);
  },
});
Deno.bench({
  name: "summarizeChains, 100 x 100k",
  ...opts,
  fn: () => {
    sink += summarizeChains(data).rhat;
  },
});

globalThis.addEventListener("unload", () => {
  if (Number.isNaN(sink)) console.log("NaN result");
});
