/**
 * Saving a trained energy network into a run (one float32 array per parameter plus the network
 * configuration in the run's config) and loading it back.
 * @module
 */
import type { Tf } from "../nn/tf.ts";
import { ConfigError } from "../io/config.ts";
import { RunStore, type RunWriter } from "../io/run_store.ts";
import { EnergyNet, type EnergyNetConfig } from "./energy.ts";

/** Writes the parameters of `net` as arrays `w_<name>` (replacing any of a failed attempt). */
export async function saveNet(run: RunWriter, net: EnergyNet): Promise<void> {
  const w = await net.getWeights();
  for (const [name, { shape, data }] of Object.entries(w)) {
    const arr = { dtype: "f32" as const, shape, data: Float32Array.from(data) };
    await run.writeArray(`w_${name}`, arr, { replace: true });
  }
}

/**
 * Loads the network of a `bind train` run.
 *
 * @example
 * ```ts
 * import { loadTf } from "../nn/mod.ts";
 * import { loadNet } from "./mod.ts";
 * const tf = await loadTf();
 * await loadNet(tf, await Deno.makeTempDir(), "no-such-run").catch((e) => console.log(e.message));
 * ```
 */
export async function loadNet(tf: Tf, root: string, id: string): Promise<EnergyNet> {
  let reader;
  try {
    reader = await new RunStore(root).open(id);
  } catch (e) {
    throw new ConfigError(
      `--model ${id}: no readable run in ${root} (${(e as Error).message.split("\n")[0]})`,
    );
  }
  const cfg = reader.manifest.config as { kind?: string; net?: EnergyNetConfig };
  if (cfg.kind !== "bind-train" || !cfg.net || reader.manifest.status !== "done") {
    throw new ConfigError(`--model ${id}: expected a finished 'bind train' run`);
  }
  const net = new EnergyNet(tf, cfg.net);
  const w: Record<string, { shape: number[]; data: number[] }> = {};
  for (const name of net.names) {
    const a = await reader.readArray(`w_${name}`);
    w[name] = { shape: a.shape, data: Array.from(a.data as Float32Array) };
  }
  net.setWeights(w);
  return net;
}
