/**
 * The dashboard server as a Hono app: pages, the JSON API, live status (SSE) and the client
 * bundle, all read-only over one runs folder. Every route is GET; anything else is 404.
 * This table plays the part of Fresh's generated route manifest.
 * @module
 */

import { Hono } from "hono";
import type { Context } from "hono";
import { renderPage } from "./components/layout.tsx";
import { indexPage } from "./routes/index.tsx";
import { runPage } from "./routes/runs/[id].tsx";
import { comparePage } from "./routes/compare.tsx";
import { lmPage } from "./routes/lm.tsx";
import { bindPage, bindPageData } from "./routes/bind.tsx";
import { complexData } from "./utils/bind_runs.ts";
import { planPage, planView } from "./routes/plan.tsx";
import {
  arrayData,
  basins,
  compare,
  diagnostics,
  listRuns,
  projection,
  runDetail,
} from "./routes/api/runs.ts";
import { eventsResponse } from "./routes/api/events.ts";
import { BadRequest, dashState, NotFound } from "./utils/state.ts";

/** Options of {@linkcode createApp}. */
export type AppOptions = {
  /** The runs folder (read only). */
  runsDir: string;
  /** A shard plan folder whose status `/plan` shows (its runs are `<plan>/runs`). */
  planDir?: string;
  /** Folder holding the built client (`client.js`, chunks, `uplot.css`). */
  staticDir?: string;
  /** Poll interval of the live status stream (default 1000 ms). */
  sseIntervalMs?: number;
  /** Ends open event streams when aborted (so the server can shut down). */
  signal?: AbortSignal;
  /**
   * Accept requests whose Host is not loopback (default false: a DNS-rebinding guard for the
   * default 127.0.0.1 binding). Set when serving on another interface with `--expose`.
   */
  anyHost?: boolean;
};

const STATIC_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*\.(js|css|map)$/;
const MIME: Record<string, string> = {
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  map: "application/json",
};
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

function notFoundPage(message: string): string {
  return renderPage(
    "Not found",
    (
      <>
        <h1>Not found</h1>
        <p>{message}</p>
        <p>
          <a href="/">Back to the runs</a>
        </p>
      </>
    ),
  );
}

/**
 * Creates the dashboard app; use `app.fetch` with `Deno.serve`, or `app.request` in tests.
 *
 * @example
 * ```ts
 * const app = createApp({ runsDir: "runs", staticDir: "web/static" });
 * const res = await app.request("/api/runs");
 * ```
 */
export function createApp(opts: AppOptions): Hono {
  const state = dashState(opts.runsDir);
  const staticDir = opts.staticDir ?? new URL("static", import.meta.url).pathname;
  const app = new Hono();

  app.use("*", async (c, next) => {
    if (!opts.anyHost) {
      const host = (c.req.header("host") ?? new URL(c.req.url).host).replace(/:\d+$/, "");
      if (!LOOPBACK_HOSTS.has(host)) return c.text(`host '${host}' is not served`, 403);
    }
    await next();
    c.header("x-content-type-options", "nosniff");
  });

  app.get("/", async (c) => c.html(await indexPage(state)));
  app.get("/runs/:id", async (c) => c.html(await runPage(state, c.req.param("id"))));
  app.get("/compare", async (c) => {
    const ids = (c.req.query("ids") ?? "").split(",").filter((s) => s !== "");
    return c.html(await comparePage(state, ids));
  });

  app.get("/plan", async (c) => c.html(await planPage(opts.planDir)));
  app.get("/api/plan", async (c) => c.json(await planView(opts.planDir)));

  app.get("/lm", async (c) => {
    const ids = (c.req.query("ids") ?? "").split(",").filter((s) => s !== "");
    return c.html(await lmPage(state, ids));
  });

  const bindIds = (c: Context) => (c.req.query("ids") ?? "").split(",").filter((s) => s !== "");
  app.get("/bind", async (c) => c.html(await bindPage(state, bindIds(c), c.req.query("view"))));
  app.get(
    "/api/bind",
    async (c) => c.json(await bindPageData(state, bindIds(c), c.req.query("view"))),
  );
  app.get(
    "/api/bind/:id/complex",
    async (c) => c.json(await complexData(state, c.req.param("id"))),
  );

  const query = (c: Context) => new URL(c.req.url).searchParams;
  app.get("/api/runs", async (c) => c.json(await listRuns(state)));
  app.get("/api/runs/:id", async (c) => c.json(await runDetail(state, c.req.param("id"))));
  app.get(
    "/api/runs/:id/arrays/:names",
    async (c) => c.json(await arrayData(state, c.req.param("id"), c.req.param("names"), query(c))),
  );
  app.get(
    "/api/runs/:id/diagnostics",
    async (c) => c.json(await diagnostics(state, c.req.param("id"))),
  );
  app.get(
    "/api/runs/:id/projection",
    async (c) => c.json(await projection(state, c.req.param("id"), query(c))),
  );
  app.get("/api/runs/:id/basins", async (c) => c.json(await basins(state, c.req.param("id"))));
  app.get("/api/compare", async (c) => c.json(await compare(state, query(c))));
  app.get(
    "/api/events",
    () => eventsResponse(opts.runsDir, { intervalMs: opts.sseIntervalMs, signal: opts.signal }),
  );

  app.get("/static/:file", async (c) => {
    const file = c.req.param("file");
    if (!STATIC_NAME.test(file) || file.includes("..")) {
      throw new NotFound(`no static file '${file}'`);
    }
    let body: Uint8Array;
    try {
      body = await Deno.readFile(`${staticDir}/${file}`);
    } catch {
      throw new NotFound(`no static file '${file}': is the client built (deno task dash)?`);
    }
    const ext = file.slice(file.lastIndexOf(".") + 1);
    return c.body(body as Uint8Array<ArrayBuffer>, 200, {
      "content-type": MIME[ext],
      "cache-control": "no-cache",
    });
  });

  const isApi = (c: Context) => new URL(c.req.url).pathname.startsWith("/api/");
  app.notFound((c) =>
    isApi(c)
      ? c.json({ error: `no route ${c.req.method} ${new URL(c.req.url).pathname}` }, 404)
      : c.html(notFoundPage(`No page at ${new URL(c.req.url).pathname}.`), 404)
  );
  app.onError((err, c) => {
    const status = err instanceof NotFound ? 404 : err instanceof BadRequest ? 400 : 500;
    if (status === 500) console.error(err);
    if (isApi(c) || c.req.path.startsWith("/static/")) {
      return c.json({ error: err.message }, status);
    }
    return c.html(
      status === 404 ? notFoundPage(err.message) : renderPage("Error", <p>{err.message}</p>),
      status,
    );
  });
  return app;
}
