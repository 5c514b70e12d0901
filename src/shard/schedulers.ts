/**
 * Scheduler files for a shard plan, runnable as written with the plan folder on a file system that
 * every node (or pod) shares: a Slurm batch script for a job array, one task per shard reading
 * `SLURM_ARRAY_TASK_ID`, and a Kubernetes `batch/v1` Job in Indexed completion mode, one pod per
 * shard reading `JOB_COMPLETION_INDEX`. `cli.ts shard run` takes its index from either variable.
 * @module
 */
import process from "node:process";
import type { ShardPlan } from "./plan.ts";

/** Where the scheduler finds the code and the plan. */
export interface SchedulerPaths {
  /** Absolute path of the repository (the folder holding cli.ts) on the cluster's nodes. */
  readonly repo: string;
  /** Absolute path of the plan folder on the nodes. */
  readonly planDir: string;
}

/** Permissions `shard run` needs (no network). */
const DENO_RUN = "run --allow-read --allow-write --allow-env --allow-sys";

/** A short name for jobs of this plan. */
export function jobName(plan: ShardPlan): string {
  return `landscape-${plan.command}-${plan.configHash.slice(0, 8)}`;
}

/**
 * The Slurm batch script: `sbatch slurm.sbatch` submits every shard; `sbatch --array=2
 * slurm.sbatch` reruns one. Deno is `$LANDSCAPE_DENO` or `deno` on the nodes' PATH.
 */
export function slurmScript(plan: ShardPlan, p: SchedulerPaths): string {
  const n = plan.shards.length;
  return [
    "#!/bin/bash",
    `#SBATCH --job-name=${jobName(plan)}`,
    `#SBATCH --array=0-${n - 1}`,
    "#SBATCH --ntasks=1",
    "#SBATCH --cpus-per-task=1",
    `#SBATCH --output=${p.planDir}/logs/shard-%a.log`,
    `# Landscape shard plan ${plan.configHash.slice(0, 16)}: ${n} shards of \`${plan.command} ${
      plan.args.join(" ")
    }\`.`,
    "set -euo pipefail",
    `cd ${shellQuote(p.repo)}`,
    `exec "\${LANDSCAPE_DENO:-deno}" ${DENO_RUN} cli.ts shard run --plan ${
      shellQuote(p.planDir)
    } ` +
    `--index "$SLURM_ARRAY_TASK_ID"`,
    "",
  ].join("\n");
}

/**
 * The Kubernetes Job as an object (`batch/v1`, Indexed): the image holds the repository at
 * `/app` (see the Dockerfile), the plan folder comes from a PersistentVolumeClaim mounted at
 * `/work`.
 */
export function kubernetesJob(
  plan: ShardPlan,
  options: { claim: string; planDir: string },
): Record<string, unknown> {
  const n = plan.shards.length;
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name: jobName(plan),
      labels: { app: "landscape", plan: plan.configHash.slice(0, 16) },
    },
    spec: {
      completionMode: "Indexed",
      completions: n,
      parallelism: n,
      backoffLimit: 2 * n,
      template: {
        metadata: { labels: { app: "landscape" } },
        spec: {
          restartPolicy: "Never",
          containers: [{
            name: "shard",
            image: plan.image,
            workingDir: "/app",
            command: [
              "deno",
              ...DENO_RUN.split(" "),
              "cli.ts",
              "shard",
              "run",
              "--plan",
              options.planDir,
            ],
            resources: { requests: { cpu: "1", memory: "2Gi" } },
            volumeMounts: [{ name: "work", mountPath: "/work" }],
          }],
          volumes: [{ name: "work", persistentVolumeClaim: { claimName: options.claim } }],
        },
      },
    },
  };
}

/**
 * Checks a Job object against the `batch/v1` Job schema (npm `kubernetes-models`); throws with
 * the first problem.
 */
export async function validateKubernetesJob(job: Record<string, unknown>): Promise<void> {
  // The validator's dependencies use Node's deprecated punycode module: keep that warning quiet.
  (process as { noDeprecation?: boolean }).noDeprecation = true;
  const { Job } = await import("npm:kubernetes-models@5.1.0/batch/v1");
  new Job(job as ConstructorParameters<typeof Job>[0]).validate();
}

/** The Job as YAML (JSON is YAML; a comment line says what it is). */
export function kubernetesYaml(plan: ShardPlan, job: Record<string, unknown>): string {
  return `# Landscape shard plan ${plan.configHash.slice(0, 16)}: kubectl apply -f job.yaml\n` +
    `${JSON.stringify(job, null, 2)}\n`;
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}
