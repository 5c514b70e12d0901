/**
 * `GET /runs/:id`: the page of one run, chosen by its kind (sampling, basins, optimisation,
 * or a generic array view).
 * @module
 */

import { renderPage } from "../../components/layout.tsx";
import { RunHeader } from "../../components/run_header.tsx";
import { SampleView } from "../../components/sample_view.tsx";
import { BasinsView } from "../../components/basins_view.tsx";
import { OptimiseView } from "../../components/optimise_view.tsx";
import { GenericView } from "../../components/generic_view.tsx";
import { BindView } from "../../components/bind_view.tsx";
import { type RetroPredictionView, RetroView } from "../../components/retro_view.tsx";
import { runKind } from "../../utils/run_rows.ts";
import { bindRunKind } from "../../utils/bind_runs.ts";
import { type DashState, diagnosticsOf, openRun } from "../../utils/state.ts";
import { basinView, optimiseView } from "../../utils/run_views.ts";
import type { SamplerDiagnostics } from "../../utils/sampler_stats.ts";

/** Renders the page of run `id` (throws `NotFound` for unknown or unsafe ids). */
export async function runPage(state: DashState, id: string): Promise<string> {
  const r = await openRun(state, id);
  const m = r.manifest;
  const kind = runKind(m);
  let body;
  if (kind === "sample") {
    let diag: SamplerDiagnostics | null = null;
    let error: string | undefined;
    try {
      diag = await diagnosticsOf(state, r);
    } catch (e) {
      error = (e as Error).message;
    }
    body = <SampleView m={m} diag={diag} error={error} />;
  } else if (kind === "basins") {
    body = <BasinsView m={m} v={await basinView(r)} />;
  } else if (kind === "optimise") {
    body = <OptimiseView m={m} v={await optimiseView(r)} />;
  } else if ((m.config as { kind?: string }).kind === "bind-score") {
    const arr = async (n: string) => (await r.readArray(n)).data as Float32Array;
    body = (
      <BindView
        m={m}
        data={{
          ligand: await arr("ligand_xyz"),
          pocket: await arr("pocket_xyz"),
          forces: await arr("forces"),
          corrected: await arr("corrected_xyz"),
        }}
      />
    );
  } else if (kind === "retro") {
    const v = await Deno.readTextFile(`${r.dir}/retro_prediction.json`).then(
      (t) => JSON.parse(t) as RetroPredictionView,
      () => null,
    );
    body = <RetroView m={m} v={v} />;
  } else if (bindRunKind(m)) {
    body = (
      <>
        <p>
          Loss curves and the stored complex in 3-D on{" "}
          <a href={`/bind?ids=${encodeURIComponent(m.id)}`}>the binding page</a>.
        </p>
        <GenericView m={m} />
      </>
    );
  } else {
    body = <GenericView m={m} />;
  }
  return renderPage(
    m.id,
    (
      <>
        <RunHeader m={m} kind={kind} />
        {body}
      </>
    ),
  );
}
