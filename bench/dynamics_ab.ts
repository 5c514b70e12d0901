/**
 * Before/after throughput of the continuous GPU programs in ONE process, so that both sides
 * see the same load: `--before DIR` is another checkout of this repository (e.g. `git worktree
 * add /tmp/before <commit>`); each case runs alternately on the old and the current code,
 * `--rounds` times, compile excluded (one warm-up run each), and prints the median rate of each
 * side from the runners' own GPU-synchronised timers.
 *
 * `deno run -A bench/dynamics_ab.ts --before /tmp/before [--rounds 3] [--only D=2]`
 * @module
 */
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    before: { type: "string" },
    rounds: { type: "string", default: "3" },
    only: { type: "string" }, // substring of the case names to run
  },
});
if (!values.before) throw new Error("--before DIR is required (another checkout)");
const rounds = Number(values.rounds);

// deno-lint-ignore no-explicit-any
type Any = any;
async function side(root: string) {
  const dyn: Any = await import(`${root}/src/dynamics/mod.ts`);
  const models: Any = await import(`${root}/src/models/continuous/mod.ts`);
  const gpuMod: Any = await import(`${root}/src/gpu/mod.ts`);
  const gpu = await gpuMod.acquireGpu();
  if (!gpu) throw new Error(`${root}: no WebGPU adapter`);
  return { dyn, models, gpu };
}
const sides = {
  before: await side(new URL(`file://${Deno.realPathSync(values.before)}`).href),
  after: await side(new URL("..", import.meta.url).href.replace(/\/$/, "")),
};

interface Case {
  name: string;
  unit: string;
  run(s: Awaited<ReturnType<typeof side>>): Promise<number>;
}

const langevin = (
  name: string,
  make: (m: Any) => Any,
  n: number,
  steps: number,
  integrator: string,
): Case => ({
  name,
  unit: "M trajectory-steps/s",
  async run(s) {
    const p = make(s.models);
    const r = await s.dyn.simulate(
      p,
      {
        starts: [Array.from(p.minima[0])],
        trajectoriesPerStart: n,
        steps,
        stride: 100,
        dt: 1e-4,
        beta: 1,
        seed: 1,
        integrator,
        keepFrames: false,
      },
      s.gpu,
      () => {},
    );
    return n * steps / r.seconds / 1e6;
  },
});

function mala(
  name: string,
  make: (m: Any) => Any,
  chains: number,
  steps: number,
  eps: number,
): Case {
  return {
    name,
    unit: "M chain-steps/s",
    async run(s) {
      const p = make(s.models);
      const t = performance.now();
      await s.dyn.sampleContinuous(p, {
        sampler: "mala",
        chains,
        steps,
        burnIn: 0,
        seed: 1,
        start: Array.from(p.minima[0]),
        stepSize: eps,
      }, s.gpu);
      // Wall time on both sides (the old runner reports no seconds): upload and readback included.
      return chains * steps / ((performance.now() - t) / 1000) / 1e6;
    },
  };
}

const CASES: Case[] = [
  langevin(
    "EM muller-brown D=2, 16384 x 2000",
    (m) => m.mullerBrown({ scale: 0.1 }),
    16384,
    2000,
    "euler-maruyama",
  ),
  langevin(
    "BAOAB muller-brown D=2, 16384 x 2000",
    (m) => m.mullerBrown({ scale: 0.1 }),
    16384,
    2000,
    "baoab",
  ),
  langevin(
    "EM gaussian-mixture D=100, 1024 x 200",
    (m) => m.gaussianMixture({ dim: 100 }),
    1024,
    200,
    "euler-maruyama",
  ),
  mala(
    "MALA muller-brown D=2, 16384 x 200",
    (m) => m.mullerBrown({ scale: 0.1 }),
    16384,
    200,
    0.02,
  ),
  mala(
    "MALA gaussian-mixture D=100, 1024 x 100",
    (m) => m.gaussianMixture({ dim: 100 }),
    1024,
    100,
    0.05,
  ),
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = () => Deno.loadavg().map((x) => x.toFixed(2)).join(", ");
console.log(`load average at start: ${load()}`);
console.log("| case | before | after | after / before |");
console.log("| --- | ---: | ---: | ---: |");
for (const c of CASES.filter((c) => !values.only || c.name.includes(values.only))) {
  await c.run(sides.before); // compile outside the timed runs
  await c.run(sides.after);
  const got: Record<string, number[]> = { before: [], after: [] };
  for (let k = 0; k < rounds; k++) {
    got.before.push(await c.run(sides.before));
    got.after.push(await c.run(sides.after));
  }
  const b = median(got.before), a = median(got.after);
  console.log(
    `| ${c.name} | ${b.toFixed(3)} | ${a.toFixed(3)} | ${(a / b).toFixed(2)} | (${c.unit})`,
  );
}
console.log(`load average at end: ${load()}`);
