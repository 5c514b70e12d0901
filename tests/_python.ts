/**
 * The Python interpreter used by the NumPy cross-checks: `LANDSCAPE_PYTHON` when set (`.ci/run`
 * resolves it before `npx` rewrites PATH), else `python3` from PATH.
 * @module
 */
export const PYTHON: string = Deno.env.get("LANDSCAPE_PYTHON") || "python3";
