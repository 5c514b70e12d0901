import { assert, assertEquals } from "../_assert.ts";
import { folderGraph, importGraph } from "./_imports.ts";

const SRC = new URL("../../src/", import.meta.url);

Deno.test("dynamics takes llvmpipe facts from src/gpu, not from the discrete sampler engine", async () => {
  const files = await importGraph(SRC);
  const folders = folderGraph(files, SRC.pathname);
  assertEquals((folders.get("dynamics") ?? []).filter((f) => f === "samplers"), []);
  // The continuous samplers and integrators do use the loop budget: from gpu/limits.ts.
  const limitsUsers = [...files].filter(([f, deps]) =>
    f.includes("/dynamics/") && deps.some((d) => d.endsWith("/gpu/limits.ts"))
  );
  assert(limitsUsers.length >= 2, "langevin and the samplers read the budget from gpu/limits.ts");
});
