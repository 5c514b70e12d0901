import { assert, assertEquals } from "../_assert.ts";
import {
  ALL_SAMPLERS,
  CRITICAL_BETA,
  DISCS_BETAS,
  PRESETS,
  suiteCells,
} from "../../src/discs/suites.ts";
import { buildCell } from "../../src/discs/run.ts";

Deno.test("DISCS temperature sweep: 16 betas 0.1607..0.7607 step 0.04 around beta_c", () => {
  assertEquals(DISCS_BETAS.length, 16);
  assertEquals(DISCS_BETAS[0], 0.1607);
  assertEquals(DISCS_BETAS[15], 0.7607);
  assert(Math.abs(DISCS_BETAS[7] - CRITICAL_BETA) < 1e-4, `${DISCS_BETAS[7]} vs ${CRITICAL_BETA}`);
});

Deno.test("suiteCells: classical = models x supporting samplers; filters apply", () => {
  const all = suiteCells("classical", PRESETS.quick);
  // Every sampler runs on all six families except sw (Ising and Potts only).
  assertEquals(all.length, 6 * (ALL_SAMPLERS.length - 1) + 2);
  assertEquals(all.filter((c) => c.sampler === "sw").map((c) => c.model), ["ising", "potts"]);
  const some = suiteCells("classical", PRESETS.quick, {
    models: ["ising", "rbm"],
    samplers: ["rwm", "dlmc"],
    steps: 50,
  });
  assertEquals(some.map((c) => `${c.model}/${c.sampler}/${c.steps}`), [
    "ising/rwm/50",
    "ising/dlmc/50",
    "rbm/rwm/50",
    "rbm/dlmc/50",
  ]);
});

Deno.test("suiteCells: temperature sweep is zero-field Ising with lambda = beta, sqrt and ratio", () => {
  const cells = suiteCells("temperature", PRESETS.paper, { betas: [0.3, 0.6] });
  assertEquals(cells.length, 2 * 5 * 2);
  const c = cells.find((x) => x.sampler === "pas-ratio" && x.x === 0.6)!;
  assertEquals(c.modelConfig, { name: "ising", size: 50, lambda: 0.6, mu: 0, sigma: 0 });
  assertEquals(c.samplerConfig, { name: "pas", balancing: "ratio" });
  assertEquals(c.steps, 400_000);
  // The sweep's lattice side can be overridden (e.g. a larger lattice for the high-T half).
  const wide = suiteCells("temperature", PRESETS.large, { betas: [0.2], temperatureSide: 20 });
  assertEquals(wide.length, 5 * 2);
  assertEquals(wide[0].model, "ising-20x20-nofield");
  assertEquals(wide[0].modelConfig, { name: "ising", size: 20, lambda: 0.2, mu: 0, sigma: 0 });
});

Deno.test("every quick, medium and large cell builds a valid model and sampler", () => {
  for (const preset of [PRESETS.quick, PRESETS.medium, PRESETS.large]) {
    for (const suite of ["classical", "temperature", "size"] as const) {
      for (const cell of suiteCells(suite, preset)) {
        const { model, sampler } = buildCell(cell);
        assert(model.numSites >= 1 && sampler.name.length > 0);
      }
    }
  }
  const size = suiteCells("size", PRESETS.quick, { sizes: [6] });
  assertEquals(size.map((c) => c.x), ALL_SAMPLERS.map(() => 6));
  assertEquals(buildCell(size[0]).model.numSites, 36);
});
