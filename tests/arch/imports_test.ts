import { assertEquals } from "../_assert.ts";
import { folderGraph, importCycles, importGraph } from "./_imports.ts";

const SRC = new URL("../../src/", import.meta.url);

Deno.test("src has no import cycles between folders (nor between files)", async () => {
  const files = await importGraph(SRC);
  assertEquals(importCycles(files), []);
  assertEquals(importCycles(folderGraph(files, SRC.pathname)), []);
});

Deno.test("io keeps bytes and files: it imports nothing outside src/io", async () => {
  const folders = folderGraph(await importGraph(SRC), SRC.pathname);
  assertEquals(folders.get("io"), []);
});

Deno.test("layers: models import no sampler or application code; only the CLI imports runs", async () => {
  const folders = folderGraph(await importGraph(SRC), SRC.pathname);
  const apps = ["samplers", "dynamics", "basins", "co", "discs", "runs", "cli"];
  for (const m of ["models/discrete", "models/co", "models/continuous"]) {
    assertEquals((folders.get(m) ?? []).filter((f) => apps.includes(f)), [], m);
  }
  for (const base of ["random", "linalg", "io", "wgsl", "gpu"]) {
    const deps = (folders.get(base) ?? []).filter((f) => f !== "random");
    assertEquals(deps, [], `${base} imports only src/random`);
  }
  const importersOf = (target: string) =>
    [...folders].filter(([, deps]) => deps.includes(target)).map(([f]) => f);
  assertEquals(importersOf("runs"), ["cli"]);
  assertEquals(importersOf("cli"), []);
});
