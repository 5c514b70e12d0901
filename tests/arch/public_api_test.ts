import { assert, assertEquals } from "../_assert.ts";
import { publicModules, sourceModules } from "../doc/public_modules.ts";
import denoJson from "../../deno.json" with { type: "json" };

Deno.test("internal modules (not re-exported by an entry point) keep no @example", async () => {
  const pub = new Set(await publicModules());
  const withExamples: string[] = [];
  for (const f of await sourceModules()) {
    if (pub.has(f)) continue;
    const text = await Deno.readTextFile(new URL(`../../${f}`, import.meta.url));
    if (text.includes("@example")) withExamples.push(f);
  }
  assertEquals(withExamples, []);
});

Deno.test("the root module is a curated set, and every entry point of deno.json loads", async () => {
  const root = await import("../../mod.ts");
  const names = Object.keys(root);
  assert(names.length >= 20 && names.length <= 80, `${names.length} root exports`);
  for (const n of names) assert(root[n as keyof typeof root] !== undefined, n);
  const entries = Object.entries(denoJson.exports).filter(([k]) => k !== "./cli");
  for (const [name, path] of entries) {
    const mod = await import(new URL(`../../${path}`, import.meta.url).href);
    assert(Object.keys(mod).length > 0, `${name} exports something`);
  }
  // Every public module is reachable from an entry point, and the entry points include the
  // domains the README documents.
  for (
    const d of ["./samplers", "./models", "./basins", "./diagnostics", "./io", "./gpu", "./nn"]
  ) {
    assert(d in denoJson.exports, d);
  }
});
