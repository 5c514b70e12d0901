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
