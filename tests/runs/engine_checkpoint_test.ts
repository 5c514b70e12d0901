import { assertEquals } from "../_assert.ts";
import {
  engineCheckpointOf,
  readCheckpoint,
  writeEngineCheckpoint,
} from "../../src/runs/checkpoint.ts";
import type { EngineCheckpoint } from "../../src/samplers/engine.ts";

Deno.test("engine checkpoints keep the chains x sites layout (a resume replays the same sums)", async () => {
  for (const layout of ["sites", undefined] as const) {
    const dir = await Deno.makeTempDir();
    const c: EngineCheckpoint = {
      step: 40,
      states: Uint32Array.from([1, 0, 1, 1, 0, 0]),
      param: 0.25,
      acceptTotal: Float64Array.from([3, 5]),
      ...(layout ? { layout } : {}),
    };
    await writeEngineCheckpoint(dir, c, { best: 2 });
    const back = engineCheckpointOf(await readCheckpoint(dir, "r"));
    assertEquals(back?.layout, layout);
    assertEquals(back?.step, 40);
    assertEquals(Array.from(back!.states), [1, 0, 1, 1, 0, 0]);
    await Deno.remove(dir, { recursive: true });
  }
});
