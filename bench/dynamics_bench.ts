/**
 * Langevin (Euler-Maruyama) throughput in trajectory-steps/s on each backend, at D = 2
 * (Müller–Brown; peer: NumPy 2.9 M/s, target >= 60 M/s on the software adapter), D = 100 and a
 * native D = 1000 (Gaussian mixture, k = 3), plus MALA chain-steps/s at D = 100.
 * `deno bench -P bench/dynamics_bench.ts`; each case also prints its rate from the runner's
 * own GPU-synchronised timer.
 *
 * The embedded D = 1000 case is the Müller–Brown core embedded at saved frames (simulateToRun).
 * Since the potentials keep their vectors in storage (size-generic WGSL), a native D = 1000
 * potential compiles as fast as D = 2 (bench/continuous_compile_bench.ts).
 */
import { acquireGpu, type GpuContext } from "../src/gpu/mod.ts";
import { sampleContinuous, simulate } from "../src/dynamics/mod.ts";
import { simulateToRun } from "../src/runs/simulate.ts";
import { RunStore } from "../src/io/run_store.ts";
import { gaussianMixture, mullerBrown } from "../src/models/continuous/mod.ts";

const gpu = await acquireGpu();

const cases = [
  { name: "muller-brown D=2", p: mullerBrown({ scale: 0.1 }), gpuTraj: 16384, cpuTraj: 256 },
  { name: "gaussian-mixture D=100", p: gaussianMixture({ dim: 100 }), gpuTraj: 1024, cpuTraj: 16 },
  {
    name: "gaussian-mixture D=1000 (native)",
    p: gaussianMixture({ dim: 1000 }),
    gpuTraj: 256,
    cpuTraj: 4,
  },
];

for (const c of cases) {
  for (const backend of gpu ? [gpu, null] : [null]) {
    const n = backend ? c.gpuTraj : c.cpuTraj;
    const steps = c.p.dim === 2 ? 2000 : c.p.dim === 100 ? 200 : 100;
    const run = (g: GpuContext | null) =>
      simulate(
        c.p,
        {
          starts: [c.p.minima[0]],
          trajectoriesPerStart: n,
          steps,
          stride: 100,
          dt: 1e-4,
          beta: 1,
          seed: 1,
          keepFrames: false,
        },
        g,
        () => {},
      );
    if (backend) await run(backend); // compile outside the timed loop
    Deno.bench({
      name: `${c.name} ${n} traj x ${steps} steps (${backend ? "webgpu" : "cpu"})`,
      group: c.name,
      async fn() {
        const r = await run(backend);
        console.log(`  ${(n * steps / r.seconds / 1e6).toFixed(2)} M trajectory-steps/s`);
      },
    });
  }
}

const mixture100 = cases[1].p;
for (const backend of gpu ? [gpu, null] : [null]) {
  const chains = backend ? 1024 : 16, steps = 100;
  const run = () =>
    sampleContinuous(mixture100, {
      sampler: "mala",
      chains,
      steps,
      burnIn: 0,
      seed: 1,
      start: Array.from(mixture100.minima[0]),
      stepSize: 0.05,
      backend: backend ? "webgpu" : "cpu",
    }, backend);
  if (backend) await run(); // compile outside the timed loop
  Deno.bench({
    name: `mala gaussian-mixture D=100 ${chains} chains x ${steps} steps (${
      backend ? "webgpu" : "cpu"
    })`,
    group: "mala D=100",
    async fn() {
      const r = await run();
      console.log(`  ${(chains * steps / r.seconds / 1e6).toFixed(3)} M chain-steps/s`);
    },
  });
}

const root = await Deno.makeTempDir();
for (const backend of gpu ? ["webgpu", "cpu"] as const : ["cpu"] as const) {
  Deno.bench({
    name: `muller-brown embedded D=1000, 512 traj x 20 frames x 100 steps (${backend})`,
    group: "embedded D=1000",
    async fn() {
      const r = await simulateToRun(new RunStore(root), {
        system: "muller-brown",
        systemOptions: { scale: 0.1 },
        starts: [[-0.5, 1.4]],
        trajectories: 512,
        frames: 20,
        stride: 100,
        dt: 1e-4,
        dim: 1000,
        noise: "ou",
        backend,
      }, backend === "webgpu" ? gpu : null);
      console.log(`  integrator ${(512 * 2000 / r.seconds / 1e6).toFixed(2)} M trajectory-steps/s`);
    },
  });
}
