/** Static relative imports of the TypeScript files under a folder, as a graph (test helper). */
export async function importGraph(root: URL): Promise<Map<string, string[]>> {
  const graph = new Map<string, string[]>();
  const walk = async (dir: URL) => {
    for await (const e of Deno.readDir(dir)) {
      const url = new URL(e.name + (e.isDirectory ? "/" : ""), dir);
      if (e.isDirectory) await walk(url);
      else if (/\.tsx?$/.test(e.name)) {
        const text = await Deno.readTextFile(url);
        const deps: string[] = [];
        const re = /^\s*(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"/gms;
        for (const m of text.matchAll(re)) deps.push(new URL(m[1], url).pathname);
        graph.set(url.pathname, deps);
      }
    }
  };
  await walk(root);
  return graph;
}

/** The strongly connected components with more than one file (import cycles), by Tarjan. */
export function importCycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>(), low = new Map<string, number>();
  const stack: string[] = [], on = new Set<string>(), out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index), low.set(v, index++), stack.push(v), on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) visit(w), low.set(v, Math.min(low.get(v)!, low.get(w)!));
      else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!, on.delete(w), comp.push(w);
      } while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

/** The folder of a file under `src/`: `samplers`, or `models/discrete` for the model kinds. */
export function folderOf(path: string, srcRoot: string): string {
  const parts = path.slice(srcRoot.length).split("/");
  if (parts.length === 1) return ".";
  return parts[0] === "models" && parts.length > 2 ? `models/${parts[1]}` : parts[0];
}

/** The import graph collapsed to folders (self-imports dropped). */
export function folderGraph(graph: Map<string, string[]>, srcRoot: string): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const [file, deps] of graph) {
    const a = folderOf(file, srcRoot);
    const set = out.get(a) ?? new Set<string>();
    for (const d of deps) {
      if (!d.startsWith(srcRoot)) continue;
      const b = folderOf(d, srcRoot);
      if (b !== a) set.add(b);
    }
    out.set(a, set);
  }
  return new Map([...out].map(([k, v]) => [k, [...v].sort()]));
}
