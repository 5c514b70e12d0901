/**
 * Streamed basin detection at large D (issue 18 target: 20 candidates x 512 trajectories x 10
 * frames at D = 10,000, read from the .npy file one candidate at a time):
 *
 *   deno run -A bench/basins_stream.ts [--dim 10000] [--per-candidate 512] [--system NAME]
 *     [--noise ou|white] [--file /tmp/basins_stream.npy] [--keep] [--reuse]
 *
 * Writes the embedded trajectories candidate by candidate (`NpyAppender`, never whole in memory),
 * then times `streamNpyEnsemble` + `detectBasins` and prints ARI, seconds (wall and CPU) and
 * peak RSS. `--keep` leaves the file; `--reuse` streams a kept file of the right size again.
 * @module
 */
import { parseArgs } from "node:util";
import { NpyAppender } from "../src/io/npy_appender.ts";
import { BENCH_SYSTEMS, simulateSystem } from "../src/basins/systems.ts";
import { streamNpyEnsemble } from "../src/basins/stream.ts";
import { detectBasins } from "../src/basins/detect.ts";
import { scorePartition } from "../src/basins/metrics.ts";

const { values: a } = parseArgs({
  args: Deno.args,
  options: {
    dim: { type: "string", default: "10000" },
    "per-candidate": { type: "string", default: "512" },
    candidates: { type: "string", default: "20" },
    system: { type: "string", default: "quadruple-well" },
    noise: { type: "string", default: "ou" },
    file: { type: "string", default: "/tmp/basins_stream.npy" },
    keep: { type: "boolean", default: false },
    reuse: { type: "boolean", default: false },
  },
});
const D = Number(a.dim), per = Number(a["per-candidate"]), k = Number(a.candidates);
const t0 = performance.now();
const e = await simulateSystem({
  setup: BENCH_SYSTEMS[a.system!],
  candidates: k,
  trajectories: per,
  ambientDim: D,
  noise: a.noise as "ou" | "white",
  seed: 1,
});
const nf = e.numFrames, frames = Array.from({ length: nf }, (_, i) => i);
// --reuse: a file of the right size from an earlier --keep run is streamed again as it is.
const want = k * per * nf * D * 4;
const have = await Deno.stat(a.file!).then((s) => s.size).catch(() => 0);
const reuse = a.reuse && have > want && have - want < 4096;
if (!reuse) await Deno.remove(a.file!).catch(() => {});
const app = reuse ? null : await NpyAppender.open(a.file!, "f32", [per, nf, D]);
for (let c = 0; c < k && app; c++) {
  const y = e.embed(frames, Int32Array.from({ length: per }, (_, t) => c * per + t));
  const row = new Float32Array(per * nf * D);
  for (let f = 0; f < nf; f++) {
    for (let t = 0; t < per; t++) {
      row.set(y.subarray((f * per + t) * D, (f * per + t + 1) * D), (t * nf + f) * D);
    }
  }
  await app.append(row, 1);
}
await app?.close();
/** CPU seconds (user + system) of this process so far, from /proc (Linux; NaN elsewhere). */
const cpuSeconds = () => {
  try {
    const f = Deno.readTextFileSync("/proc/self/stat").split(") ")[1].split(" ");
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
};
const t1 = performance.now(), c1 = cpuSeconds();
const st = await streamNpyEnsemble(a.file!, { featurizer: { kind: "auto" }, seed: 1 });
const t2 = performance.now(), c2 = cpuSeconds();
const det = await detectBasins(st.samples, { seed: 1, reduce: { kind: "none" } });
det.assigner?.dispose();
const t3 = performance.now(), c3 = cpuSeconds();
const s = scorePartition(det.labels, e.labelsTrue);
const gib = (b: number) => (b / 2 ** 30).toFixed(2);
console.log(JSON.stringify({
  system: a.system,
  D,
  candidates: k,
  perCandidate: per,
  frames: nf,
  fileGiB: Number(gib((await Deno.stat(a.file!)).size)),
  ari: s.ari,
  basins: `${s.estimatedCount}/${s.trueCount}`,
  writeSeconds: (t1 - t0) / 1000,
  streamSeconds: (t2 - t1) / 1000,
  streamPhases: st.seconds,
  streamCpuSeconds: c2 - c1,
  detectCpuSeconds: c3 - c2,
  reusedFile: reuse,
  load: Deno.loadavg(),
  featurizer: st.featurizer,
  detectSeconds: (t3 - t2) / 1000,
  classifierSeconds: (t3 - t1) / 1000,
  peakRssGiBWhileStreaming: Number(gib(st.peakRss)),
  rssGiBAtEnd: Number(gib(Deno.memoryUsage().rss)),
}));
if (!a.keep) await Deno.remove(a.file!);
