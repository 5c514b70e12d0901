/**
 * A short showcase of basin detection for `cli.ts demo`: the issue-18 landscape (two close narrow
 * wells, a long valley sampled at both ends, a wide well), lifted nonlinearly into D = 100 with
 * slow OU noise, 16 trajectories per candidate: the default featuriser (later frames pooled)
 * against the last frame alone, and k-means on the same frames.
 * @module
 */
import { runBenchCell } from "./evaluate.ts";
import type { Featurizer } from "./features.ts";

/** The issue-18 case at demo size (the test of the default featuriser runs the same cell). */
export const CLOSE_WELLS_CASE = {
  system: "close-wells-valley",
  ambientDim: 100,
  noise: "ou",
  candidates: 10,
  trajectories: 16,
  hidden: [32],
  backend: "cpu",
  seed: 1,
} as const;

/**
 * Prints the comparison (about 10 s on 2 idle cores).
 */
export async function demoSection(io: { out(text: string): void }): Promise<void> {
  io.out("Basins: close wells + long valley + wide well, wave-lifted into D = 100, OU noise");
  io.out("10 candidates x 16 trajectories x 10 frames; true basins 4");
  for (
    const [name, featurizer] of [
      ["default (frames 5-10 pooled)", { kind: "auto" }],
      ["last frame only", { kind: "snapshot", frame: -1 }],
    ] as [string, Featurizer][]
  ) {
    const t0 = performance.now();
    const r = await runBenchCell({
      ...CLOSE_WELLS_CASE,
      hidden: [...CLOSE_WELLS_CASE.hidden],
      baselines: featurizer.kind === "auto" ? ["kmeans"] : [],
      featurizer,
    });
    r.detection.assigner?.dispose();
    const s = (performance.now() - t0) / 1000;
    for (const m of r.methods) {
      const label = m.method === "classifier" ? `classifier, ${name}` : `${m.method} (all frames)`;
      io.out(
        `  ${label.padEnd(40)} ARI ${m.ari.toFixed(2)}  basins ${m.estimatedCount}/${m.trueCount}`,
      );
    }
    io.out(`  (${s.toFixed(1)} s, labels ${Array.from(r.detection.labels).join("")})`);
  }
}
