/**
 * The dashboard's shard plan page (`--plan DIR`): the same shard states as `cli.ts shard status`,
 * as JSON (`/api/plan`) and as a page (`/plan`); without a plan both are 404.
 */
import { assert, assertEquals } from "../_assert.ts";
import { createApp } from "../../web/app.tsx";
import { parseDashArgs } from "../../web/utils/args.ts";
import { buildPlan, writePlan, writeShardState } from "../../src/shard/plan.ts";
import { cli } from "../_cli.ts";

Deno.test("web plan: /api/plan and /plan show what shard status shows", async () => {
  const dir = await Deno.makeTempDir({ prefix: "landscape-plan-" });
  try {
    const units = ["a", "b", "c", "d", "e"];
    const plan = await buildPlan("discs", ["--quick"], { x: 1 }, units, 3, "img");
    await writePlan(dir, plan);
    const base = {
      configHash: plan.configHash,
      codeVersion: plan.codeVersion,
      startedAt: "2026-12-03T12:00:00.000Z",
      host: "node7",
    };
    await writeShardState(dir, {
      ...base,
      index: 0,
      status: "done",
      finishedAt: "2026-12-03T12:05:00.000Z",
    });
    await writeShardState(dir, { ...base, index: 1, status: "failed", error: "out of memory" });
    const app = createApp({ runsDir: `${dir}/runs`, planDir: dir, staticDir: dir });
    const api = await (await app.request("http://127.0.0.1/api/plan")).json();
    const cliStatus = JSON.parse((await cli(["shard", "status", "--plan", dir, "--json"])).out);
    assertEquals(
      api.shards.map((s: { status: string; cells: number }) => [s.status, s.cells]),
      cliStatus.shards.map((s: { status: string; cells: number }) => [s.status, s.cells]),
    );
    assertEquals(api.shards.map((s: { status: string }) => s.status), [
      "done",
      "failed",
      "missing",
    ]);
    assertEquals(api.counts, { done: 1, failed: 1, missing: 1 });
    const page = await (await app.request("http://127.0.0.1/plan")).text();
    assert(page.includes("1 done, 1 failed, 1 missing"), page);
    assert(page.includes("out of memory") && page.includes("node7"));
    const none = createApp({ runsDir: `${dir}/runs`, staticDir: dir });
    assertEquals((await none.request("http://127.0.0.1/api/plan")).status, 404);
    assertEquals((await none.request("http://127.0.0.1/plan")).status, 404);
    assertEquals(parseDashArgs(["--plan", dir]).runsDir, `${dir}/runs`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
