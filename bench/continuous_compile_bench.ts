/**
 * Time to the first step, pipeline compilation included, of the continuous GPU programs
 * (Euler-Maruyama, BAOAB, MALA, HMC) at D = 2 (Müller–Brown), 100 and 1000 (Gaussian mixture,
 * k = 3): each case runs in a fresh process with Mesa's shader cache disabled, so nothing is
 * reused from an earlier compile. Cases still compiling after `--timeout` seconds are killed and
 * reported as "> timeout". Prints a markdown table (docs/PERFORMANCE.md "Continuous dynamics").
 *
 * `MESA_SHADER_CACHE_DISABLE=true deno run -A bench/continuous_compile_bench.ts [--dims 2,100,1000]
 *   [--programs euler-maruyama,baoab,mala,hmc] [--timeout 240]`
 * @module
 */
import { parseArgs } from "node:util";
import { acquireGpu } from "../src/gpu/mod.ts";
import { sampleContinuous, simulate } from "../src/dynamics/mod.ts";
import { gaussianMixture, mullerBrown } from "../src/models/continuous/mod.ts";

const PROGRAMS = ["euler-maruyama", "baoab", "mala", "hmc"] as const;

const { values } = parseArgs({
  options: {
    dims: { type: "string", default: "2,100,1000" },
    programs: { type: "string", default: PROGRAMS.join(",") },
    timeout: { type: "string", default: "240" },
    child: { type: "string" },
  },
});

if (values.child) {
  // One case: build the potential, then compile and take one step of 64 trajectories / chains.
  const [dimText, program] = values.child.split(":");
  const dim = Number(dimText);
  const gpu = await acquireGpu();
  if (!gpu) throw new Error("no WebGPU adapter");
  const p = dim === 2 ? mullerBrown({ scale: 0.1 }) : gaussianMixture({ dim, k: 3 });
  const start = Array.from(p.minima[0]);
  const t = performance.now();
  if (program === "euler-maruyama" || program === "baoab") {
    await simulate(p, {
      starts: [start],
      trajectoriesPerStart: 64,
      steps: 1,
      stride: 1,
      dt: 1e-4,
      beta: 1,
      seed: 1,
      integrator: program,
    }, gpu);
  } else {
    await sampleContinuous(p, {
      sampler: program as "mala" | "hmc",
      chains: 64,
      steps: 1,
      burnIn: 0,
      seed: 1,
      start,
      stepSize: 1e-3,
      leapfrogSteps: 2,
    }, gpu);
  }
  console.log(JSON.stringify({ seconds: (performance.now() - t) / 1000 }));
} else {
  const dims = values.dims.split(",");
  const programs = values.programs.split(",");
  const timeout = Number(values.timeout);
  console.log(`| program | ${dims.map((d) => `D = ${d}`).join(" | ")} |`);
  console.log(`| --- |${dims.map(() => " ---: |").join("")}`);
  for (const prog of programs) {
    const cells: string[] = [];
    for (const d of dims) {
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", new URL(import.meta.url).pathname, `--child=${d}:${prog}`],
        env: { MESA_SHADER_CACHE_DISABLE: "true" },
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const timer = setTimeout(() => child.kill("SIGKILL"), timeout * 1000);
      const out = await child.output();
      clearTimeout(timer);
      const text = new TextDecoder().decode(out.stdout).trim().split("\n").pop() ?? "";
      let cell: string;
      try {
        cell = `${JSON.parse(text).seconds.toFixed(1)} s`;
      } catch {
        cell = out.signal === "SIGKILL"
          ? `> ${timeout} s`
          : `error: ${new TextDecoder().decode(out.stderr).trim().split("\n").pop()}`;
      }
      cells.push(cell);
    }
    console.log(`| ${prog} | ${cells.join(" | ")} |`);
  }
}
