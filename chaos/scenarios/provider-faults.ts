import { ALL_QUEUE_NAMES, keyPrefix } from '@parley/core';
import { readUsage } from '@parley/llm';
import { type RunningSimulator, startSimulator } from '@parley/simulator';
import { Queue } from 'bullmq';
import { ChaosCluster } from '../harness/chaos-cluster';
import { writeChaosJob } from '../harness/chaos-job';
import { accountAllFailedRun } from '../harness/failed-run-accounting';
import { accountRelease } from '../harness/release-accounting';
import { runScenario, ScenarioRow } from '../harness/scenario-row';
import type { Scenario } from '../scenario';

/** The fault mix of the issue, all at once. */
export const PROVIDER_FAULTS = {
  serverError: 0.1,
  rateLimited: 0.05,
  retryAfterSeconds: 1,
  malformed: 0.05,
  hang: 0.02,
};

/** A provider so broken that some pairs must run out of retries. */
const HOPELESS_FAULTS = { serverError: 0.7 };

/** BullMQ attempts of every LLM job (pair-flow.ts). */
const JOB_ATTEMPTS = 3;
const MODEL_ROUTES = [
  'POST /v1/chat/completions',
  'POST /v1/embeddings',
  'POST /v1/moderations',
  'POST /v1/messages',
];

interface FaultRun {
  label: string;
  simulator: RunningSimulator;
  runId: string;
  iterations: number;
  pairs: number;
  maxRetries: number;
}

/**
 * Scenario 4: the simulator answers 10% of requests with a 500/503, 5% with a 429 and
 * retry-after, 5% with malformed JSON and leaves 2% hanging (the model's timeoutMs is 1 s).
 * The run completes; each call is retried at most `maxRetries` times and each job run at most
 * 3 times; every request the simulator saw is in the usage ledger, with the same tokens. A
 * second, small run against a provider failing 70% of requests (no call retries) shows pairs
 * that exhaust their retries recorded as failed, with the reason, not lost.
 */
export const providerFaults: Scenario = {
  id: 'provider-faults',
  title: 'provider faults',
  async run(context) {
    const size = context.scale === 'full' ? { iterations: 2, pairs: 60 } : { iterations: 1, pairs: 12 };
    const hopelessSize = { iterations: 1, pairs: 8 };
    // The ledger must hold every answer the simulator sent, so no answer may leave after its
    // caller gave up. 1 s is 100× the simulator's latency, but the short form runs inside
    // `npm test` beside other test files on 2 cores, where a starved event loop once read an
    // answer after 1 s: there the calls wait 3 s (hangs still end by the timeout).
    const timeoutMs = context.scale === 'full' ? 1_000 : 3_000;
    const simulators: RunningSimulator[] = [];
    let cluster: ChaosCluster | undefined;
    const row = new ScenarioRow(
      '4 provider faults',
      '10% 5xx, 5% 429, 5% bad JSON, 2% hang',
      size.iterations * size.pairs + hopelessSize.pairs,
    );
    return runScenario(
      row,
      async () => {
        const faulty = await startSimulator({ seed: 13, latencyMs: 10, faults: PROVIDER_FAULTS });
        const hopeless = await startSimulator({ seed: 17, latencyMs: 10, faults: HOPELESS_FAULTS });
        simulators.push(faulty, hopeless);
        cluster = new ChaosCluster({ label: 'provider-faults', simulatorUrl: faulty.url });
        const mixJob = await writeChaosJob({
          name: 'provider-faults',
          ...size,
          simModel: [`timeoutMs: ${timeoutMs}`, 'maxRetries: 1', 'structuredOutputRetries: 1'],
        });
        const hopelessJob = await writeChaosJob({
          name: 'provider-hopeless',
          ...hopelessSize,
          candidatesPerPair: 1,
          simModel: [`timeoutMs: ${timeoutMs}`, 'maxRetries: 0', 'structuredOutputRetries: 0'],
        });
        cluster.startScheduler();
        cluster.startWorker(8);
        cluster.startWorker(8);
        const runs: FaultRun[] = [
          {
            label: 'mix',
            simulator: faulty,
            runId: await cluster.detach(mixJob.jobFile),
            ...size,
            maxRetries: 1,
          },
          {
            label: 'hopeless',
            simulator: hopeless,
            runId: await cluster.detach(hopelessJob.jobFile, { PARLEY_SIMULATOR_URL: hopeless.url }),
            ...hopelessSize,
            maxRetries: 0,
          },
        ];
        for (const run of runs) await checkRun(cluster, run, row);
        const hopelessAccount = row.result.notes.find((note) => note.startsWith('hopeless:'));
        if (hopelessAccount?.includes(' 0 failed outright'))
          row.problem('the hopeless provider left no pair failed: the exhaustion path was not exercised');
        await checkFailedJobs(cluster, row);
      },
      {
        cleanup: async () => {
          await cluster?.close();
          for (const simulator of simulators) await simulator.close();
        },
        diagnostics: () => cluster?.logs() ?? '',
        saveLogs: (text) => context.saveLogs('provider-faults', text),
      },
    );
  },
};

async function checkRun(cluster: ChaosCluster, faultRun: FaultRun, row: ScenarioRow): Promise<void> {
  const { label, simulator, runId } = faultRun;
  const run = await cluster.waitForRun(runId, 240_000);
  const counters = await cluster.counters(runId, faultRun.iterations);
  if (run.status === 'failed' && label === 'hopeless') {
    // A provider failing 70% of requests may, by chance, fail every pair: the run then ends
    // `failed` with that verdict and writes no release. Right, if every pair did fail with a
    // reason; its work lines account for them.
    const lines = await accountAllFailedRun(
      run,
      counters,
      Array(faultRun.iterations).fill(faultRun.pairs),
      row,
      label,
    );
    const failed = lines.filter((line) => line.outcome === 'failed');
    row.note(
      `${label}: 0 pairs accepted, 0 rejected, all failed outright; the run ended failed: ${run.error}`,
    );
    for (const line of failed.slice(0, 2))
      row.note(`${label}: failed pair ${line.pair}: ${line.reason.slice(0, 150)}`);
  } else {
    if (run.status !== 'completed') row.problem(`${label}: run ${run.status}: ${run.error ?? ''}`);
    const account = await accountRelease(run.runFolder, {
      runId,
      plannedPerIteration: Array(faultRun.iterations).fill(faultRun.pairs),
      counters,
    });
    row.addAccount(account, label);
    const failedCandidates = account.rejected.filter((line) => line.outcome === 'failed').length;
    row.note(
      `${label}: ${account.acceptedPairs} pairs accepted, ${account.rejectedPairs} rejected, ${account.failedPairs} failed outright; ${failedCandidates} rejected.jsonl lines say failed, each with its reason`,
    );
    for (const reason of account.failureReasons.slice(0, 2))
      row.note(`${label}: failed pair ${reason.slice(0, 150)}`);
  }

  // Every HTTP request the simulator got is one attempt of one call in the ledger.
  const stats = simulator.stats();
  const usage = (await readUsage(cluster.redis, keyPrefix(cluster.namespace), runId)).total;
  const requests = MODEL_ROUTES.reduce((sum, route) => sum + (stats.requests.byRoute[route] ?? 0), 0);
  const attempts = usage.calls + usage.retries + usage.failedCalls;
  const faults = stats.faults;
  row.note(
    `${label}: simulator got ${requests} model requests and injected ${faults.serverError} 5xx, ${faults.rateLimited} 429, ${faults.malformed} malformed, ${faults.hang} hangs`,
  );
  row.note(
    `${label}: ledger ${usage.calls} answered + ${usage.retries} retries + ${usage.failedCalls} calls given up = ${attempts} attempts; ${usage.rateLimited} 429s seen; ${usage.invalidOutputs} malformed answers re-asked`,
  );
  if (attempts !== requests)
    row.problem(
      `${label}: the simulator saw ${requests} requests, the ledger accounts for ${attempts} attempts`,
    );
  if (usage.rateLimited !== faults.rateLimited)
    row.problem(
      `${label}: the simulator sent ${faults.rateLimited} 429s, the ledger counted ${usage.rateLimited}`,
    );
  if (usage.invalidOutputs !== faults.malformed)
    row.problem(
      `${label}: ${faults.malformed} malformed answers sent, the ledger counted ${usage.invalidOutputs}`,
    );
  // Each call is its first attempt plus at most maxRetries more.
  const calls = usage.calls + usage.failedCalls;
  if (usage.retries > calls * faultRun.maxRetries)
    row.problem(
      `${label}: ${usage.retries} retries for ${calls} calls exceed maxRetries ${faultRun.maxRetries}`,
    );

  // The simulator counts the tokens of every answer it sends (malformed ones too), the ledger
  // those of every answer a call received: equal unless an answer leaves after its caller gave
  // up (latency beyond timeoutMs), which the timeouts above leave room against.
  row.note(
    `${label}: tokens simulator ${stats.tokens.input} in / ${stats.tokens.output} out, ledger ${usage.inputTokens} in / ${usage.outputTokens} out`,
  );
  if (stats.tokens.input !== usage.inputTokens || stats.tokens.output !== usage.outputTokens)
    row.problem(`${label}: token accounting: the ledger and the simulator disagree`);
}

/** Jobs that ran out of attempts are kept as failed: none may have run more often than allowed. */
async function checkFailedJobs(cluster: ChaosCluster, row: ScenarioRow): Promise<void> {
  let failedJobs = 0;
  for (const name of ALL_QUEUE_NAMES) {
    const queue = new Queue(name, { connection: cluster.redis, prefix: keyPrefix(cluster.namespace) });
    for (const failed of await queue.getFailed(0, -1)) {
      failedJobs++;
      if (failed.attemptsMade > JOB_ATTEMPTS)
        row.problem(`job ${name}/${failed.id} ran ${failed.attemptsMade} times (limit ${JOB_ATTEMPTS})`);
    }
    await queue.close();
  }
  row.note(
    `${failedJobs} jobs ran out of attempts (kept as failed), none ran more than ${JOB_ATTEMPTS} times`,
  );
}
