/**
 * NERE throughput on tfjs (wasm) against the PyTorch peer (bench/peers/nere_peer.py, same
 * network, same loss, second-order autograd through the forces), run side by side:
 * training complexes/s (one NERE step on a batch of 4; `--forces closed`, the default, takes the
 * forces in closed form and the parameter gradient by first-order autodiff through them,
 * `--forces autodiff` by second-order autodiff as before) and scoring complexes/s (energy, forces
 * and rigid readout of the 4 complexes in one padded pass, `scorePoses`), at the synthetic
 * benchmark's size and at a real-complex size (1HPV: 35 ligand atoms, 341 pocket atoms), plus
 * where the time of a training step goes. The peer runs twice: a Python loop over the complexes
 * and the batch as one tensor program (`--batched`, as the tfjs side's padded batches).
 * Scoring is timed over 5 x steps passes after 10 untimed ones on both sides (the first passes
 * of a process run 2x slower while the JIT warms up).
 *
 *   deno run -A bench/nere_bench.ts [--steps 20] [--forces closed|autodiff]
 */
import process from "node:process";
import { loadTf } from "../src/nn/tf.ts";
import type * as TfNs from "npm:@tensorflow/tfjs@4.22.0";
import type { BindingExample } from "../src/binding/complex.ts";
import { batchOf, EnergyNet, scorePoses } from "../src/binding/energy.ts";
import { energyForcesBatch } from "../src/binding/energy_forces.ts";
import { firstOrderOnly } from "../src/nn/patches.ts";
import { rigidNoiseOf, TrainConfig, trainStep } from "../src/binding/train.ts";
import { Adam } from "../src/binding/adam.ts";
import { SplitMix32 } from "../src/random/splitmix.ts";
import { uniformIn, uniformIndex, unitVector3 } from "../src/random/seeded_draws.ts";

const stepsArg = Deno.args.indexOf("--steps");
const STEPS = stepsArg >= 0 ? Number(Deno.args[stepsArg + 1]) : 20;
const forcesArg = Deno.args.indexOf("--forces");
const FORCES = forcesArg >= 0 ? Deno.args[forcesArg + 1] : "closed";
if (FORCES !== "closed" && FORCES !== "autodiff") {
  console.error(`--forces expects closed or autodiff, got '${FORCES}'`);
  Deno.exit(2);
}
const BATCH = 4;
/** Scoring passes before timing (JIT warm-up of the scoring code) and timed, per size. */
const SCORE_WARMUP = 10;
const scoreSteps = (steps: number) => 5 * steps;

function randomComplex(
  rng: SplitMix32,
  nL: number,
  nP: number,
  ldim: number,
  pdim: number,
): BindingExample {
  const ligand = Float64Array.from({ length: 3 * nL }, () => rng.normal() * 1.2);
  const pocket = new Float64Array(3 * nP);
  for (let j = 0; j < nP; j++) {
    const u = unitVector3(rng), r = uniformIn(rng, 3.5, 6);
    for (let k = 0; k < 3; k++) pocket[3 * j + k] = u[k] * r;
  }
  const hot = (n: number, d: number) => {
    const f = new Float32Array(n * d);
    for (let i = 0; i < n; i++) f[i * d + uniformIndex(rng, d)] = 1;
    return f;
  };
  return {
    name: "bench",
    ligand,
    ligandFeatures: hot(nL, ldim),
    ligandDim: ldim,
    pocket,
    pocketFeatures: hot(nP, pdim),
    pocketDim: pdim,
  };
}

const tf = await loadTf();
const uptime = new TextDecoder().decode((await new Deno.Command("uptime").output()).stdout).trim();
console.log(
  `tfjs ${tf.version.tfjs} backend ${tf.getBackend()}; training forces ${FORCES}; ${uptime}`,
);
const sizes = [
  { name: "synthetic 8 x 36", nL: 8, nP: 36, ldim: 3, pdim: 3, steps: STEPS },
  {
    name: "1HPV size 35 x 341",
    nL: 35,
    nP: 341,
    ldim: 7,
    pdim: 28,
    steps: Math.max(3, Math.round(STEPS / 5)),
  },
];
const rows: string[] = [];
/** Scoring at `scorePoses`'s default chunk (32 complexes per pass) against the batched peer. */
const SCORE_BATCH = 32;
const bulkRows: string[] = [];
for (const s of sizes) {
  const rng = new SplitMix32(1);
  const data = Array.from({ length: BATCH }, () => randomComplex(rng, s.nL, s.nP, s.ldim, s.pdim));
  const cfg = TrainConfig.parse({ method: "nere", forces: FORCES });
  const net = new EnergyNet(tf, { ligandDim: s.ldim, pocketDim: s.pdim });
  const opt = new Adam(tf, net.variables, 1e-3);
  const { inputs, poses } = batchOf(tf, data);
  const natives = data.map((d) => d.ligand);
  const noise = rigidNoiseOf(cfg);
  const step = async () => {
    const l = trainStep(tf, net, opt, data, cfg, noise, rng);
    await l.data();
    l.dispose();
  };
  for (let i = 0; i < 2; i++) await step();
  let t0 = performance.now();
  for (let i = 0; i < s.steps; i++) await step();
  const trainRate = s.steps * BATCH / ((performance.now() - t0) / 1000);
  // Scoring: energy, forces and rigid readout of the batch in one padded pass (scorePoses).
  for (let i = 0; i < SCORE_WARMUP; i++) await scorePoses(tf, net, data);
  t0 = performance.now();
  for (let i = 0; i < scoreSteps(s.steps); i++) await scorePoses(tf, net, data);
  const scoreRate = scoreSteps(s.steps) * BATCH / ((performance.now() - t0) / 1000);
  // Kernels of one scoring pass: the closed form as engine ops (on wasm its kernels are called
  // directly: all but Reshape and Fill) and, for comparison, first-order autodiff as before.
  // (tf.profile reuses its result object: read the counts at once.)
  const closedKernels = (await tf.profile(() =>
    tf.tidy(() =>
      energyForcesBatch(tf, net, poses(natives), inputs).forces
    )
      .dispose()
  )).kernels.filter((k) => k.name !== "Reshape" && k.name !== "Fill").length;
  const autodiffKernels = (await tf.profile(() =>
    firstOrderOnly(tf, () =>
      tf.tidy(() =>
        tf.grad((l: TfNs.Tensor) =>
          tf.sum(net.energyBatch(l as TfNs.Tensor3D, inputs))
        )(
          poses(natives),
        )
      )).dispose()
  )).kernels.length;
  // Where the time goes: forward energy, energy + forces (first order), full NERE step.
  const time = async (f: () => TfNs.Tensor | Promise<void>, n = 5) => {
    const t = performance.now();
    for (let i = 0; i < n; i++) {
      const r = f();
      if (r instanceof Promise) {
        await r;
      } else {
        await r.data();
        r.dispose();
      }
    }
    return (performance.now() - t) / n / BATCH;
  };
  const fwd = await time(() =>
    tf.tidy(() => tf.sum(net.energyBatch(poses(natives), inputs)))
  );
  const first = await time(() =>
    tf.tidy(() =>
      tf.sum(
        tf.grad((l: TfNs.Tensor) => tf.sum(net.energyBatch(l as TfNs.Tensor3D, inputs)))(
          poses(natives),
        ),
      )
    )
  );
  const closedFirst = await time(() =>
    tf.tidy(() => tf.sum(energyForcesBatch(tf, net, poses(natives), inputs).forces))
  );
  const full = await time(step);
  // Training paths A/B in this process: blocks of steps of each, alternating, so that both see
  // the same load; the median time per step of 4 over the blocks.
  const abSteps = s.steps >= 10 ? 10 : 2, abRounds = s.steps >= 10 ? 6 : 4;
  // CPU time of this process as well: less sensitive to other work on a loaded machine.
  const abTimes: Record<"closed" | "autodiff", number[]> = { closed: [], autodiff: [] };
  const abCpu: Record<"closed" | "autodiff", number[]> = { closed: [], autodiff: [] };
  for (let r = 0; r < abRounds; r++) {
    const order = r % 2 === 0 ? ["closed", "autodiff"] as const : ["autodiff", "closed"] as const;
    for (const forces of order) {
      const c = TrainConfig.parse({ method: "nere", forces });
      const t = performance.now(), c0 = process.cpuUsage();
      for (let i = 0; i < abSteps; i++) {
        const l = trainStep(tf, net, opt, data, c, noise, rng);
        await l.data();
        l.dispose();
      }
      abTimes[forces].push((performance.now() - t) / abSteps);
      const cpu = process.cpuUsage(c0);
      abCpu[forces].push((cpu.user + cpu.system) / 1000 / abSteps);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const abClosed = median(abTimes.closed), abAuto = median(abTimes.autodiff);
  const cpuClosed = median(abCpu.closed), cpuAuto = median(abCpu.autodiff);
  const prof = await tf.profile(async () => await step());
  // By kernel and input shapes: the same op on the pair tensors and on the weights differ.
  const byKernel = new Map<string, number>();
  for (const k of prof.kernels) {
    const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
    byKernel.set(key, (byKernel.get(key) ?? 0) + (k.kernelTimeMs as number));
  }
  const top = [...byKernel.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([n, ms]) =>
    `${n} ${ms.toFixed(1)}`
  ).join(", ");
  // Scoring in bulk, as `bind score` over many complexes runs it: one pass per 32 complexes.
  const bulk = Array.from(
    { length: SCORE_BATCH },
    () => randomComplex(rng, s.nL, s.nP, s.ldim, s.pdim),
  );
  for (let i = 0; i < 3; i++) await scorePoses(tf, net, bulk);
  const bulkSteps = s.steps >= 10 ? s.steps : 2;
  t0 = performance.now();
  for (let i = 0; i < bulkSteps; i++) await scorePoses(tf, net, bulk);
  const bulkRate = bulkSteps * SCORE_BATCH / ((performance.now() - t0) / 1000);
  Object.values(inputs).forEach((t) => t?.dispose());
  net.dispose();
  opt.dispose();
  // The peer twice: a Python loop over the complexes, and the batch as one tensor program.
  const peers: Record<string, number>[] = [];
  for (const batched of [false, true]) {
    const args = ["bench/peers/nere_peer.py", "--ligand", `${s.nL}`, "--pocket", `${s.nP}`];
    args.push("--ldim", `${s.ldim}`, "--pdim", `${s.pdim}`, "--steps", `${s.steps}`);
    args.push("--score-steps", `${scoreSteps(s.steps)}`, "--score-warmup", `${SCORE_WARMUP}`);
    const out = await new Deno.Command("/usr/bin/python3", {
      args: batched ? [...args, "--batched"] : args,
    }).output();
    peers.push(JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").pop() ?? "{}"));
  }
  const [p, pb] = peers;
  const ratio = (peer: number, mine: number) => `${(peer / mine).toFixed(1)}x`;
  const bulkArgs = ["bench/peers/nere_peer.py", "--ligand", `${s.nL}`, "--pocket", `${s.nP}`];
  bulkArgs.push("--ldim", `${s.ldim}`, "--pdim", `${s.pdim}`, "--steps", `${bulkSteps}`);
  bulkArgs.push("--batch", `${SCORE_BATCH}`, "--batched", "--score-warmup", "3");
  const bulkOut = await new Deno.Command("/usr/bin/python3", { args: bulkArgs }).output();
  const pbulk = JSON.parse(
    new TextDecoder().decode(bulkOut.stdout).trim().split("\n").pop() ?? "{}",
  ) as Record<string, number>;
  bulkRows.push(
    `| ${s.name} | ${bulkRate.toFixed(1)} | ${pbulk.score_complexes_per_s?.toFixed(1)} | ${
      ratio(pbulk.score_complexes_per_s, bulkRate)
    } |`,
  );
  rows.push(
    `| ${s.name} | ${trainRate.toFixed(1)} | ${p.train_complexes_per_s?.toFixed(1)} / ${
      pb.train_complexes_per_s?.toFixed(1)
    } | ${ratio(p.train_complexes_per_s, trainRate)} / ${
      ratio(pb.train_complexes_per_s, trainRate)
    } | ${scoreRate.toFixed(1)} | ${p.score_complexes_per_s?.toFixed(1)} / ${
      pb.score_complexes_per_s?.toFixed(1)
    } | ${ratio(p.score_complexes_per_s, scoreRate)} / ${
      ratio(pb.score_complexes_per_s, scoreRate)
    } |`,
  );
  console.log(
    `${s.name}: per complex ${fwd.toFixed(1)} ms forward, ${
      first.toFixed(1)
    } ms forward + forces (tf.grad), ${closedFirst.toFixed(1)} ms (closed form, engine ops), ${
      full.toFixed(1)
    } ms NERE step (forces ${FORCES}); ` +
      `profile of one step (${prof.kernels.length} kernels): ${top} ms; one scoring pass of ${BATCH}: ${
        (BATCH * 1000 / scoreRate).toFixed(2)
      } ms, ${closedKernels} wasm kernels (closed form; first-order autodiff: ${autodiffKernels}); ` +
      `training step of ${BATCH}, A/B in process (median of ${abRounds} blocks of ${abSteps}): closed ${
        abClosed.toFixed(1)
      } ms, autodiff ${abAuto.toFixed(1)} ms (${
        (abAuto / abClosed).toFixed(2)
      }x); CPU time closed ${cpuClosed.toFixed(1)} ms, autodiff ${cpuAuto.toFixed(1)} ms (${
        (cpuAuto / cpuClosed).toFixed(2)
      }x); peer ${p.peer}`,
  );
}
console.log(
  "\n| size | tfjs train cplx/s | torch train cplx/s (loop / batched) | torch/tfjs | tfjs score cplx/s | torch score cplx/s (loop / batched) | torch/tfjs |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- |");
console.log(rows.join("\n"));
console.log(
  `\nScoring ${SCORE_BATCH} complexes per pass (scorePoses's default chunk; peer --batched --batch ${SCORE_BATCH}):\n`,
);
console.log("| size | tfjs score cplx/s | torch score cplx/s (batched) | torch/tfjs |");
console.log("| --- | --- | --- | --- |");
console.log(bulkRows.join("\n"));
