/**
 * The public modules: the entry points of deno.json `exports` and every file they re-export
 * (`export * from` / `export { ... } from`), transitively. Everything else under `src/` is
 * internal: importable inside the repository, not part of the API, and without `@example`s.
 * @module
 */

const ROOT = new URL("../../", import.meta.url);

/** Relative paths (from the repository root) of the public modules, sorted. */
export async function publicModules(): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  const entries = Object.entries(config.exports as Record<string, string>)
    .filter(([name]) => name !== "./cli")
    .map(([, path]) => new URL(path, ROOT));
  const seen = new Set<string>();
  const visit = async (url: URL) => {
    if (seen.has(url.href)) return;
    seen.add(url.href);
    const text = await Deno.readTextFile(url);
    const re = /^export\s+(?:\*|\{[^}]*\}|type\s+\{[^}]*\})\s+from\s+"(\.[^"]+)"/gm;
    for (const m of text.matchAll(re)) await visit(new URL(m[1], url));
  };
  for (const e of entries) await visit(e);
  return [...seen].map((h) => h.slice(ROOT.href.length)).sort();
}

/** Every TypeScript file under `src/`, relative to the repository root. */
export async function sourceModules(): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: URL) => {
    for await (const e of Deno.readDir(dir)) {
      const url = new URL(e.name + (e.isDirectory ? "/" : ""), dir);
      if (e.isDirectory) await walk(url);
      else if (e.name.endsWith(".ts")) out.push(url.href.slice(ROOT.href.length));
    }
  };
  await walk(new URL("src/", ROOT));
  return out.sort();
}

if (import.meta.main) {
  // Two processes of about half the modules each: one process over every example holds every GPU
  // device, tfjs backend and worker they create until it exits, and that process has been seen to
  // abort in teardown (glibc heap check) after all its tests passed.
  const files = await publicModules();
  const half = Math.ceil(files.length / 2);
  let code = 0;
  for (const part of [files.slice(0, half), files.slice(half)]) {
    const cmd = new Deno.Command(Deno.execPath(), {
      args: ["test", "-P", "--doc", ...Deno.args, ...part],
      cwd: ROOT,
      stdout: "inherit",
      stderr: "inherit",
    });
    code ||= (await cmd.output()).code;
  }
  Deno.exit(code);
}
