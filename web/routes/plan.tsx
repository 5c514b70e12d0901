/**
 * `GET /plan` and `GET /api/plan`: the shard plan the dashboard was started on (`--plan DIR`):
 * what `cli.ts shard status` prints, one row per shard, reread on every request.
 * @module
 */

import { renderPage } from "../components/layout.tsx";
import { readPlan, shardStates, type ShardStatus } from "../../src/shard/plan.ts";
import { NotFound } from "../utils/state.ts";

/** The plan's summary and its shards' states. */
export interface PlanView {
  readonly dir: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly codeVersion: string;
  readonly configHash: string;
  readonly units: number;
  readonly shards: readonly ShardStatus[];
  /** Shards per status. */
  readonly counts: Readonly<Record<string, number>>;
}

/** Reads the plan in `dir` (any code version: the page only shows it). */
export async function planView(dir: string | undefined): Promise<PlanView> {
  if (!dir) throw new NotFound("no shard plan: start the dashboard with --plan DIR");
  let plan;
  try {
    plan = await readPlan(dir, "dashboard", { anyCode: true });
  } catch (e) {
    throw new NotFound((e as Error).message);
  }
  const shards = await shardStates(dir, plan);
  const counts: Record<string, number> = {};
  for (const s of shards) counts[s.status] = (counts[s.status] ?? 0) + 1;
  return {
    dir,
    command: plan.command,
    args: plan.args,
    codeVersion: plan.codeVersion,
    configHash: plan.configHash,
    units: plan.units.length,
    shards,
    counts,
  };
}

/** Renders the plan page. */
export async function planPage(dir: string | undefined): Promise<string> {
  const v = await planView(dir);
  const order = ["done", "running", "failed", "missing", "foreign"];
  return renderPage(
    "Shard plan",
    <>
      <h1>Shard plan</h1>
      <p class="muted">
        <code>{v.dir}</code>: {v.units}{" "}
        {({ sample: "chain ranges", simulate: "trajectory ranges" } as Record<string, string>)[
          v.command
        ] ?? "cells"} of <code>{v.command} {v.args.join(" ")}</code> in {v.shards.length}{" "}
        shards; code {v.codeVersion}, plan {v.configHash.slice(0, 16)}.
      </p>
      <p id="plan-counts">
        {order.filter((s) => v.counts[s]).map((s) => `${v.counts[s]} ${s}`).join(", ")}
      </p>
      <table>
        <thead>
          <tr>
            <th>shard</th>
            <th>status</th>
            <th>cells</th>
            <th>host</th>
            <th>started</th>
            <th>finished</th>
            <th>error</th>
          </tr>
        </thead>
        <tbody>
          {v.shards.map((s) => (
            <tr key={String(s.index)} class={`status-${s.status}`}>
              <td>{s.index}</td>
              <td>{s.status}</td>
              <td>{s.cells}</td>
              <td>{s.host ?? ""}</td>
              <td>{s.startedAt ?? ""}</td>
              <td>{s.finishedAt ?? ""}</td>
              <td>{s.error ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        The shards' runs are listed on <a href="/">the runs page</a>.
      </p>
    </>,
  );
}
