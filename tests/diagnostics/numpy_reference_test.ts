/**
 * Cross-check against an independent NumPy (and SciPy, for ranks) implementation in
 * _numpy_reference.py. Skips with a message when python3 or NumPy is missing.
 */
import { PYTHON } from "../_python.ts";
import { assertClose } from "../_assert.ts";
import { essGeyer, essTfpChains } from "../../src/diagnostics/ess.ts";
import {
  essBulk,
  essMean,
  essTail,
  rhatBulk,
  rhatFolded,
  rhatSplit,
} from "../../src/diagnostics/rhat.ts";
import { autocovariance } from "../../src/diagnostics/fft.ts";
import { ar1, makeRng } from "./_rng.ts";

type Ref = Record<string, number | number[]>;

async function runPython(cases: Float64Array[][]): Promise<Ref[] | string> {
  const script = new URL("./_numpy_reference.py", import.meta.url).pathname;
  let child;
  try {
    child = new Deno.Command(PYTHON, {
      args: [script],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    })
      .spawn();
  } catch (e) {
    return `python3 not runnable (${(e as Error).message})`;
  }
  const w = child.stdin.getWriter();
  await w.write(
    new TextEncoder().encode(
      JSON.stringify({ cases: cases.map((cs) => cs.map((c) => Array.from(c))) }),
    ),
  );
  await w.close();
  const out = await child.output();
  if (!out.success) {
    const err = new TextDecoder().decode(out.stderr);
    if (/No module named 'numpy'/.test(err)) return "NumPy is not installed";
    throw new Error(`reference script failed: ${err.split("\n").slice(-2).join(" ")}`);
  }
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

const cases = [
  { name: "AR(1) 0.6, 3 x 301", seed: 41, chains: 3, n: 301, phi: 0.6 },
  { name: "AR(1) 0.95, 2 x 400", seed: 42, chains: 2, n: 400, phi: 0.95 },
  { name: "i.i.d. + ties, 4 x 120", seed: 43, chains: 4, n: 120, phi: 0 },
];

function makeChains(c: (typeof cases)[number]): Float64Array[] {
  const rng = makeRng(c.seed);
  const chains = Array.from({ length: c.chains }, (_, i) => ar1(c.n, c.phi, rng, 0.3 * i));
  return c.phi === 0 ? chains.map((x) => x.map((v) => Math.round(2 * v) / 2)) : chains; // ties
}

// One Python process for all cases (SciPy's import dominates the cost).
let refs: Promise<Ref[] | string> | undefined;

for (const [idx, c] of cases.entries()) {
  Deno.test(`NumPy reference: ${c.name}`, async () => {
    const chains = makeChains(c);
    refs ??= runPython(cases.map(makeChains));
    const all = await refs;
    if (typeof all === "string") {
      console.log(`skipped: ${all}`);
      return;
    }
    const ref = all[idx];
    const close = (name: string, v: number, r: number) =>
      assertClose(v, r, 1e-9 * Math.max(1, Math.abs(r)), name);
    const tfp = essTfpChains(chains);
    (ref.essTfp as number[]).forEach((r, i) => close(`essTfp[${i}]`, tfp[i], r));
    close("essGeyer", essGeyer(chains), ref.essGeyer as number);
    close("essMean", essMean(chains), ref.essMean as number);
    close("rhatSplit", rhatSplit(chains), ref.rhatSplit as number);
    const acov = autocovariance(chains[0], { maxLag: 19 });
    (ref.acov0 as number[]).forEach((r, k) => close(`acov[${k}]`, acov[k], r));
    if (ref.essBulk === undefined) {
      console.log("rank-based checks skipped: SciPy is not installed");
      return;
    }
    close("essBulk", essBulk(chains), ref.essBulk as number);
    close("essTail", essTail(chains), ref.essTail as number);
    close("rhatBulk", rhatBulk(chains), ref.rhatBulk as number);
    close("rhatFolded", rhatFolded(chains), ref.rhatFolded as number);
  });
}
