/**
 * `GET /api/events`: live run status as server-sent events (see `utils/status_stream.ts`).
 * @module
 */

import { statusStream } from "../../utils/status_stream.ts";

/** The SSE response for the runs under `root`. */
export function eventsResponse(
  root: string,
  opts: { intervalMs?: number; signal?: AbortSignal } = {},
): Response {
  return new Response(statusStream(root, opts), {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      "x-accel-buffering": "no",
    },
  });
}
