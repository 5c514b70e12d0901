import { assertEquals, assertRejects } from "../_assert.ts";
import { writeNpyFile } from "../../src/io/npy_file.ts";
import { streamNpyEnsemble } from "../../src/basins/stream.ts";
import { ensembleFromCandidateArray } from "../../src/basins/user_data.ts";
import { featurize, parseFeaturizer } from "../../src/basins/features.ts";
import { splitByTrajectory } from "../../src/basins/c2st.ts";
import { fitProjection } from "../../src/basins/reduce.ts";
import { detectBasins } from "../../src/basins/detect.ts";
import { SplitMix32 } from "../../src/random/splitmix.ts";

Deno.test("streamed .npy input equals the in-memory pipeline: same projected rows, same detection", async () => {
  // 4 candidates (0, 1 at -1.5 and 2, 3 at +1.5 along coordinate 0) x 12 trajectories x 6 frames x 30 dims.
  const k = 4, n = 12, nf = 6, d = 30, rng = new SplitMix32(11);
  const data = new Float32Array(k * n * nf * d);
  for (let i = 0; i < data.length; i++) {
    const c = Math.floor(i / (n * nf * d));
    data[i] = rng.normal() + (i % d === 0 ? (c < 2 ? -1.5 : 1.5) : 0);
  }
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/traj.npy`;
    await writeNpyFile(path, { dtype: "f32", shape: [k, n, nf, d], data });
    const reduce = { kind: "pca", components: 3, means: true } as const;
    const st = await streamNpyEnsemble(path, {
      featurizer: { kind: "auto" },
      seed: 5,
      reduce,
      keepTrajectories: 2,
    });
    // In memory: the whole array, featurised, split, reduction fitted on the training rows.
    const ens = ensembleFromCandidateArray({ dtype: "f32", shape: [k, n, nf, d], data });
    const s = featurize(ens, { kind: "auto" });
    assertEquals(st.samples.candidate, s.candidate);
    assertEquals(st.samples.trajectory, s.trajectory);
    const { train } = splitByTrajectory(s, 0.3, 5);
    const xt = new Float32Array(train.length * d);
    train.forEach((r, i) => xt.set(s.x.subarray(r * d, r * d + d), i * d));
    const p = fitProjection(xt, Int32Array.from(train, (r) => s.candidate[r]), d, reduce, {
      seed: 5,
    })!;
    assertEquals(st.projection!.width, p.width);
    assertEquals(Array.from(st.samples.x), Array.from(p.apply(s.x)));
    // The preview keeps the first 2 trajectories of each candidate, all frames.
    for (let f = 0; f < nf; f++) {
      for (let c = 0; c < k; c++) {
        for (let t = 0; t < 2; t++) {
          const a = st.preview.frames.subarray(
            (f * 8 + c * 2 + t) * d,
            (f * 8 + c * 2 + t + 1) * d,
          );
          const b = ens.frames.subarray(
            (f * k * n + c * n + t) * d,
            (f * k * n + c * n + t + 1) * d,
          );
          assertEquals(Array.from(a), Array.from(b));
        }
      }
    }
    // Detection on the streamed rows (no second reduction) equals detection in memory.
    const o = { seed: 5, backend: "cpu" as const, hidden: [8] };
    const a = await detectBasins(st.samples, { ...o, reduce: { kind: "none" } });
    const b = await detectBasins(s, { ...o, reduce });
    a.assigner?.dispose();
    b.assigner?.dispose();
    assertEquals(Array.from(a.risk), Array.from(b.risk));
    assertEquals(Array.from(a.labels), [0, 0, 1, 1]);
    // Every frame read (one read per candidate), every other one kept, no reduction: the raw
    // rows; and the same rows from a float64 file.
    for (const dtype of ["f32", "f64"] as const) {
      const p64 = `${dir}/traj_${dtype}.npy`;
      const d2 = dtype === "f32" ? data : Float64Array.from(data);
      await writeNpyFile(p64, { dtype, shape: [k, n, nf, d], data: d2 });
      for (const text of ["window:0:-1:2", "segment:1:3:2"]) {
        const f = parseFeaturizer(text);
        const raw = await streamNpyEnsemble(p64, {
          featurizer: f,
          seed: 5,
          reduce: { kind: "none" },
        });
        assertEquals(Array.from(raw.samples.x), Array.from(featurize(ens, f).x), text);
      }
    }
    // A truncated file: a one-line reason naming the file.
    const whole = await Deno.readFile(path);
    await Deno.writeFile(`${dir}/cut.npy`, whole.subarray(0, whole.length - 100));
    await assertRejects(
      () => streamNpyEnsemble(`${dir}/cut.npy`, { featurizer: { kind: "auto" }, seed: 1 }),
      /cut\.npy: truncated \.npy file/,
    );
    // A file of the wrong rank is refused with a one-line reason.
    await writeNpyFile(`${dir}/flat.npy`, {
      dtype: "f32",
      shape: [3, 4],
      data: new Float32Array(12),
    });
    await assertRejects(
      () => streamNpyEnsemble(`${dir}/flat.npy`, { featurizer: { kind: "auto" }, seed: 1 }),
      /expected \[candidates, trajectories, frames, dim\]/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
