import { z } from "npm:zod@4.6.7";
import { assert, assertEquals } from "../_assert.ts";
import {
  BALANCED_SAMPLERS,
  buildSampler,
  CHEAP_SAMPLERS,
  SAMPLER_NAMES,
  SamplerConfig,
  SAMPLERS,
} from "../../src/samplers/registry.ts";
import {
  ARRAY_OPTIONS,
  ArrayFiles,
  buildDiscreteModel,
  MODEL_NAMES,
  ModelConfig,
  MODELS,
} from "../../src/models/discrete/registry.ts";
import { RwmConfig } from "../../src/samplers/rwm.ts";
import { BlockGibbsConfig } from "../../src/samplers/block_gibbs.ts";
import { HammingBallConfig } from "../../src/samplers/hamming_ball.ts";
import { GwgConfig } from "../../src/samplers/gwg.ts";
import { PasConfig } from "../../src/samplers/pas.ts";
import { DmalaConfig } from "../../src/samplers/dmala.ts";
import { DlmcConfig, DlmcfConfig } from "../../src/samplers/dlmc.ts";
import { SwConfig } from "../../src/samplers/sw.ts";
import { PtConfig } from "../../src/samplers/pt.ts";
import { BernoulliConfig } from "../../src/models/discrete/bernoulli.ts";
import { CategoricalConfig } from "../../src/models/discrete/categorical.ts";
import { IsingConfig } from "../../src/models/discrete/ising.ts";
import { PottsConfig } from "../../src/models/discrete/potts.ts";
import { FhmmConfig } from "../../src/models/discrete/fhmm.ts";
import { RbmConfig } from "../../src/models/discrete/rbm.ts";
import { ALL_SAMPLERS, BALANCED_SAMPLERS as SUITE_BALANCED } from "../../src/discs/suites.ts";
import { coAdaptMode, coSamplerConfig } from "../../src/co/solve.ts";
import { CO_PROBLEM_NAMES, CO_PROBLEMS, CoProblemConfig } from "../../src/co/problems.ts";
import { SAMPLE_SPEC } from "../../src/cli/sample.ts";
import { SOLVE_SPEC } from "../../src/cli/solve.ts";
import { helpText } from "../../src/cli/args.ts";

Deno.test("each registry's names are its descriptors' names and their schemas' literals", () => {
  assertEquals(SAMPLER_NAMES, SAMPLERS.map((d) => d.name));
  assertEquals(MODEL_NAMES, MODELS.map((d) => d.name));
  assertEquals(CO_PROBLEM_NAMES, CO_PROBLEMS.map((d) => d.name));
  for (const d of [...SAMPLERS, ...MODELS, ...CO_PROBLEMS]) {
    assertEquals(d.schema.shape.name.value, d.name, `${d.name}: schema literal`);
  }
  assertEquals(new Set(SAMPLER_NAMES).size, SAMPLER_NAMES.length, "unique sampler names");
  assertEquals(new Set(MODEL_NAMES).size, MODEL_NAMES.length, "unique model names");
  // The unions hold exactly the descriptors' schemas, in order.
  const names = (u: { options: readonly { shape: { name: { value: string } } }[] }) =>
    u.options.map((o) => o.shape.name.value);
  assertEquals(names(SamplerConfig), SAMPLER_NAMES);
  assertEquals(names(ModelConfig), MODEL_NAMES);
  assertEquals(names(CoProblemConfig), CO_PROBLEM_NAMES);
  assertEquals(Object.keys(ARRAY_OPTIONS), MODEL_NAMES);
});

Deno.test("each descriptor builds what it names; the derived sets match the former lists", () => {
  for (const d of SAMPLERS) {
    assertEquals(buildSampler(SamplerConfig.parse({ name: d.name })).name, d.name);
  }
  for (const d of MODELS) {
    const small: Record<string, Record<string, unknown>> = {
      bernoulli: { numSites: 4 },
      categorical: { numSites: 3, numCategories: 3 },
      ising: { size: 3 },
      potts: { size: 3, numCategories: 3 },
      fhmm: { numSteps: 4, numChains: 2 },
      rbm: { numVisible: 4, numHidden: 2 },
    };
    const model = buildDiscreteModel(ModelConfig.parse({ name: d.name, ...small[d.name] }));
    assertEquals(model.name, d.name);
  }
  // The lists these sets replaced (bench CHEAP, discs suites, CO policy).
  assertEquals(CHEAP_SAMPLERS, ["rwm", "block_gibbs", "hamming_ball"]);
  assertEquals(BALANCED_SAMPLERS, ["gwg", "pas", "dmala", "dlmc", "dlmcf"]);
  assertEquals(SUITE_BALANCED, BALANCED_SAMPLERS);
  // DISCS evaluates the samplers that run chains themselves, not parallel tempering around them.
  assertEquals(ALL_SAMPLERS, SAMPLER_NAMES.filter((n) => n !== "pt"));
  assertEquals(SAMPLER_NAMES.map(coAdaptMode), [
    "always",
    "always",
    "always",
    "off",
    "always",
    "off",
    "off",
    "off",
    "off",
    "off",
  ]);
  assertEquals(coSamplerConfig("gwg"), { name: "gwg", adaptive: false, numFlips: 1 });
  assertEquals(coSamplerConfig("dlmcf"), { name: "dlmcf", adaptive: true });
  assertEquals(coSamplerConfig("rwm"), { name: "rwm" });
  // CLI help lists every registered name.
  for (const n of SAMPLER_NAMES) assert(SAMPLE_SPEC.flags.sampler.help.includes(n), n);
  for (const n of MODEL_NAMES) assert(SAMPLE_SPEC.flags.model.help.includes(n), n);
  for (const n of CO_PROBLEM_NAMES) assert(SOLVE_SPEC.flags.problem.help.includes(n), n);
  const sampleHelp = helpText(SAMPLE_SPEC), solveHelp = helpText(SOLVE_SPEC);
  for (const d of SAMPLERS) {
    assert(sampleHelp.includes(d.summary) && solveHelp.includes(d.summary), d.name);
  }
  for (const d of MODELS) assert(sampleHelp.includes(d.summary), d.name);
});

Deno.test("schemas derived from descriptors accept and refuse exactly as the hand-written unions", () => {
  const plain = [
    RwmConfig,
    BlockGibbsConfig,
    HammingBallConfig,
    GwgConfig,
    PasConfig,
    DmalaConfig,
    DlmcConfig,
    DlmcfConfig,
    SwConfig,
  ] as const;
  // Parallel tempering wraps any of the others (default gwg).
  const inner = z.discriminatedUnion("name", plain).prefault({ name: "gwg" });
  const oldSampler = z.discriminatedUnion("name", [...plain, PtConfig.extend({ inner })]);
  const oldModel = z.discriminatedUnion("name", [
    BernoulliConfig.extend({ arrays: ArrayFiles }),
    CategoricalConfig.extend({ arrays: ArrayFiles }),
    IsingConfig.extend({ arrays: ArrayFiles }),
    PottsConfig.extend({ arrays: ArrayFiles }),
    FhmmConfig.extend({ arrays: ArrayFiles }),
    RbmConfig.extend({ arrays: ArrayFiles }),
  ]);
  const samplerInputs: unknown[] = [
    ...SAMPLER_NAMES.map((name) => ({ name })),
    { name: "gwg", numFlips: 3, balancing: "ratio" },
    { name: "gwg", balancing: "cube" },
    { name: "rwm", bogus: 1 },
    { name: "annealer" },
    { name: "dlmcf", solver: "interpolate" },
    { name: "pas", targetAcceptance: 1.5 },
    { name: "pt", inner: { name: "dmala", stepSize: 0.3 }, replicas: 4 },
    { name: "pt", inner: { name: "pt" } },
    { name: "pt", inner: { name: "gwg", bogus: 1 } },
    { name: "pt", replicas: 1 },
    {},
    null,
    "rwm",
  ];
  for (const input of samplerInputs) {
    const a = SamplerConfig.safeParse(input), b = oldSampler.safeParse(input);
    assertEquals(a.success, b.success, JSON.stringify(input));
    if (a.success) assertEquals(a.data, b.data, JSON.stringify(input));
    else assertEquals(a.error.issues[0].message, b.error!.issues[0].message);
  }
  const modelInputs: unknown[] = [
    ...MODEL_NAMES.map((name) => ({ name })),
    { name: "ising", size: 4, arrays: { field: "f.npy" } },
    { name: "ising", size: -1 },
    { name: "potts", colours: 3 },
    { name: "spin-glass" },
    { name: "bernoulli", arrays: { theta: "" } },
  ];
  for (const input of modelInputs) {
    const a = ModelConfig.safeParse(input), b = oldModel.safeParse(input);
    assertEquals(a.success, b.success, JSON.stringify(input));
    if (a.success) assertEquals(a.data, b.data, JSON.stringify(input));
    else assertEquals(a.error.issues[0].message, b.error!.issues[0].message);
  }
  // A few absolute facts, so that a change to both sides is caught too.
  assertEquals(GwgConfig.parse(SamplerConfig.parse({ name: "gwg" })).targetAcceptance, 0.574);
  assertEquals(SamplerConfig.safeParse({ name: "rwm", bogus: 1 }).success, false);
  assertEquals(SamplerConfig.safeParse({ name: "annealer" }).success, false);
  // A wrapping sampler's inner configuration is validated as the inner sampler's own.
  const pt = SamplerConfig.parse({ name: "pt" }) as { inner: unknown };
  assertEquals(pt.inner, GwgConfig.parse({ name: "gwg" }));
  for (const inner of [{ name: "pt" }, { name: "gwg", bogus: 1 }, { name: "annealer" }, {}]) {
    assertEquals(SamplerConfig.safeParse({ name: "pt", inner }).success, false);
  }
});
