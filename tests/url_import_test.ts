import { assert, assertEquals } from "./_assert.ts";

const ROOT = new URL("../", import.meta.url);
const TYPES: Record<string, string> = {
  ts: "application/typescript",
  json: "application/json",
  js: "application/javascript",
};

Deno.test("mod.ts imports by URL with --no-config and runs the Bernoulli RWM slice", async () => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname);
    if (path.includes("..")) return new Response("bad path", { status: 400 });
    try {
      const body = await Deno.readFile(new URL(`.${path}`, ROOT));
      const ext = path.split(".").pop() ?? "";
      return new Response(body, { headers: { "content-type": TYPES[ext] ?? "text/plain" } });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
  const host = `127.0.0.1:${server.addr.port}`;
  const dir = await Deno.makeTempDir({ prefix: "landscape-url-" });
  try {
    await Deno.writeTextFile(
      `${dir}/use.ts`,
      `import { bernoulliModel, rwmSampler, runSampler } from "http://${host}/mod.ts";
const model = bernoulliModel({ numSites: 8, sigma: 1, seed: 1 });
const r = await runSampler(model, rwmSampler(), { chains: 512, steps: 100, seed: 2 }, null);
const exact = model.marginals();
let maxErr = 0;
for (let i = 0; i < 8; i++) {
  let ones = 0;
  for (let c = 0; c < 512; c++) ones += r.finalStates[c * 8 + i];
  maxErr = Math.max(maxErr, Math.abs(ones / 512 - exact[i]));
}
console.log(JSON.stringify({ backend: r.backend, chains: r.chains, maxErr }));
`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-config",
        "--no-lock",
        `--allow-import=${host}`,
        "--allow-env",
        "--allow-read",
        `${dir}/use.ts`,
      ],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assertEquals(out.code, 0, stderr);
    const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
    const result = JSON.parse(lines[lines.length - 1]);
    assertEquals(result.backend, "cpu");
    assertEquals(result.chains, 512);
    // 512 chains: standard error <= 0.022 per site; 0.1 is > 4.5 standard errors.
    assert(result.maxErr < 0.1, `max marginal error ${result.maxErr}`);
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
