/**
 * Body of a retrosynthesis prediction run (`cli.ts retro predict ... --save-run`): the product
 * and its ranked disconnections drawn by RDKit (SVG made when the run was saved), each with its
 * energy terms: dual energy, log p_b(R|P), forward score s_f(P, R) and prior score s_p(R).
 * @module
 */

import type { RunManifest } from "../../src/io/manifest.ts";
import { KeyFigures } from "./key_figures.tsx";

/** What a prediction run stores in `retro_prediction.json`. */
export type RetroPredictionView = {
  product: string;
  productSvg: string;
  reason?: string;
  weights: { backward: number; forward: number; prior: number; similarity?: number };
  ranked: {
    reactants: string;
    svg: string;
    energy: number;
    logPb: number;
    forward: number;
    prior: number;
    /** Absent in predictions stored before the similarity energy. */
    similarity?: number;
    templates: string[];
  }[];
};

const f3 = (x: number) => x.toFixed(3);

/** The prediction run page body. */
export function RetroView({ m, v }: { m: RunManifest; v: RetroPredictionView | null }) {
  if (!v) return <p>This run has no retro_prediction.json.</p>;
  return (
    <>
      <KeyFigures
        items={[
          ["product", v.product],
          ["answers", v.ranked.length],
          ["w backward", f3(v.weights.backward)],
          ["w forward", f3(v.weights.forward)],
          ["w prior", f3(v.weights.prior)],
          ["w similarity", f3(v.weights.similarity ?? 0)],
          ["run", m.id],
        ]}
      />
      <div class="retro-product" dangerouslySetInnerHTML={{ __html: v.productSvg }} />
      {v.reason && <p>{v.reason}</p>}
      <table class="retro-ranked">
        <thead>
          <tr>
            <th>rank</th>
            <th>reactants</th>
            <th>energy</th>
            <th>log p_b(R|P)</th>
            <th>forward s_f</th>
            <th>prior s_p</th>
            <th>similarity s_s</th>
          </tr>
        </thead>
        <tbody>
          {v.ranked.map((r, i) => (
            <tr key={r.reactants}>
              <td>{i + 1}</td>
              <td>
                <div dangerouslySetInnerHTML={{ __html: r.svg }} />
                <code>{r.reactants}</code>
              </td>
              <td>{f3(r.energy)}</td>
              <td>{f3(r.logPb)}</td>
              <td>{f3(r.forward)}</td>
              <td>{f3(r.prior)}</td>
              <td>{f3(r.similarity ?? 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
