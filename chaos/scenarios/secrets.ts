import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ALL_QUEUE_NAMES, keyPrefix } from '@parley/core';
import { readUsage } from '@parley/llm';
import { type RunningSimulator, startSimulator } from '@parley/simulator';
import { freePort } from '../../apps/cli/src/embedded/embedded-redis';
import { ChaosCluster } from '../harness/chaos-cluster';
import { writeChaosJob } from '../harness/chaos-job';
import { accountRelease } from '../harness/release-accounting';
import { runScenario, ScenarioRow } from '../harness/scenario-row';
import { findNeedles, scanFiles, scanRedis, secretNeedles } from '../harness/secret-scan';
import type { Scenario } from '../scenario';

/** Recognisable fake keys, random per run so that a hit can only come from this run. */
function fakeKey(prefix: string): string {
  return `${prefix}-CHAOS-FAKE-${randomBytes(18).toString('hex')}`;
}

/**
 * Scenario 7: OPENAI_API_KEY, ANTHROPIC_API_KEY and a key file hold fake keys; the run's
 * models are an `openai`, an `anthropic` and an `openai-compatible` binding whose base URLs
 * point at the simulator (so the keys really travel in request headers), with 5% 500s and
 * 429s so error paths log too. Every process logs at debug. Afterwards the keys must be
 * nowhere: not in any Redis key or value, not in any log line, not in any file of the run
 * folder, not in any dashboard page or API response (fetched mid-run and at the end).
 */
export const secrets: Scenario = {
  id: 'secrets',
  title: 'secrets',
  async run(context) {
    const size = context.scale === 'full' ? { iterations: 2, pairs: 12 } : { iterations: 1, pairs: 6 };
    const keys = { openai: fakeKey('sk'), anthropic: fakeKey('sk-ant'), file: fakeKey('sk-file') };
    const needles = secretNeedles(Object.values(keys));
    let simulator: RunningSimulator | undefined;
    let cluster: ChaosCluster | undefined;
    const row = new ScenarioRow(
      '7 secrets',
      '3 fake keys, debug logs, 5% 5xx + 429',
      size.iterations * size.pairs,
    );
    return runScenario(
      row,
      async () => {
        simulator = await startSimulator({
          seed: 21,
          latencyMs: 10,
          faults: { serverError: 0.05, rateLimited: 0.05 },
        });
        cluster = new ChaosCluster({
          label: 'secrets',
          simulatorUrl: simulator.url,
          logLevel: 'debug',
          environment: { OPENAI_API_KEY: keys.openai, ANTHROPIC_API_KEY: keys.anthropic },
        });
        const job = await writeChaosJob({
          name: 'secrets',
          ...size,
          extraModels: [
            '  gpt:',
            '    provider: openai',
            '    model: gpt-4o-mini',
            `    baseURL: ${simulator.url}/v1`,
            '    price: { inputPerMillionTokens: 0.15, outputPerMillionTokens: 0.6 }',
            '  claude:',
            '    provider: anthropic',
            '    model: claude-sonnet-4-5',
            `    baseURL: ${simulator.url}`,
            '    price: { inputPerMillionTokens: 3, outputPerMillionTokens: 15 }',
            '  filed:',
            '    provider: openai-compatible',
            '    model: local-model',
            `    baseURL: ${simulator.url}/v1`,
            '    apiKeyFile: ./key.txt',
          ].join('\n'),
          generatorModel: 'gpt',
          critic: ['model: claude', 'models:', '  faithfulness: filed'],
          extra: 'cache:\n  enabled: true',
        });
        const keyFile = path.join(job.folder, 'key.txt');
        await writeFile(keyFile, `${keys.file}\n`);

        const port = await freePort();
        // The scheduler serves the dashboard (loopback) on a port of its own.
        const scheduler = cluster.startScheduler({}, ['--port', String(port)]);
        cluster.startWorker(4);
        cluster.startWorker(4);
        const runId = await cluster.detach(job.jobFile);
        const base = `http://127.0.0.1:${port}`;
        await cluster.waitUntil('the dashboard to answer', async () => (await fetch(`${base}/api/runs`)).ok);
        await cluster.waitUntil(
          'a few pairs to settle',
          async () => (await cluster!.settled(runId, size.iterations)) >= 2,
        );
        const midRun = await crawlDashboard(base, runId, needles);
        const run = await cluster.waitForRun(runId, 180_000);
        if (run.status !== 'completed') row.problem(`run ${run.status}: ${run.error ?? ''}`);
        const atEnd = await crawlDashboard(base, runId, needles);
        if (scheduler.child.exitCode !== null)
          row.problem(`the scheduler exited: ${scheduler.output().slice(-500)}`);

        const account = await accountRelease(run.runFolder, {
          runId,
          plannedPerIteration: Array(size.iterations).fill(size.pairs),
          counters: await cluster.counters(runId, size.iterations),
        });
        row.addAccount(account);

        const namespaced = await scanRedis(cluster.redis, `{${cluster.namespace}}*`, needles);
        // Anything written outside the namespace would be a leak too: scan the whole database.
        const everywhere = await scanRedis(cluster.redis, '*', [keys.openai, keys.anthropic, keys.file]);
        const files = await scanFiles(job.folder, needles, new Set([keyFile]));
        const logs = cluster.logs();
        const found = [
          ...namespaced.found,
          ...everywhere.found.filter((hit) => !namespaced.found.includes(hit)),
          ...files.found,
          ...findNeedles('process logs', logs, needles),
          ...midRun.found,
          ...atEnd.found,
        ];
        for (const hit of found) row.problem(`secret found in ${hit}`);
        // The keys must really have travelled, or the search proves nothing: every keyed binding
        // answered calls (its SDK sent the key in a header each time) and failed none for want of it.
        const usage = await readUsage(cluster.redis, keyPrefix(cluster.namespace), runId);
        const answered = ['gpt', 'claude', 'filed'].map(
          (name) => `${name} ${usage.byModel[name]?.calls ?? 0}`,
        );
        for (const name of ['gpt', 'claude', 'filed']) {
          if ((usage.byModel[name]?.calls ?? 0) === 0)
            row.problem(`the ${name} binding answered no call: its key was never used`);
        }
        if (logs.includes('MISSING_API_KEY'))
          row.problem('a worker could not find a key the preflight had found');
        if (!logs.includes('"level":20'))
          row.problem('no debug line was logged: the logs were not at debug level');
        row.note(
          `searched ${namespaced.keys} namespace keys (+${everywhere.keys} keys of the whole database), ${files.files} files of the job and run folders, ${Math.round(logs.length / 1024)} KiB of debug logs from ${cluster.processCount()} processes, ${midRun.pages + atEnd.pages} dashboard pages and API responses: ${found.length} hits`,
        );
        row.note(
          `${simulator.stats().requests.total} requests reached the simulator with a key in their headers; calls answered per binding: ${answered.join(', ')}`,
        );
      },
      {
        cleanup: async () => {
          await cluster?.close();
          await simulator?.close();
        },
        diagnostics: () => cluster?.logs() ?? '',
        saveLogs: (text) => context.saveLogs('secrets', text),
      },
    );
  },
};

/** Fetches every dashboard page and API response we know of, Bull Board's job lists included. */
async function crawlDashboard(
  base: string,
  runId: string,
  needles: readonly string[],
): Promise<{ pages: number; found: string[] }> {
  const paths = [
    '/',
    `/runs/${runId}`,
    `/runs/${runId}?fragment=1`,
    '/api/runs',
    `/api/runs/${runId}`,
    '/metrics',
  ];
  paths.push('/queues/', '/queues/api/queues', '/queues/api/redis/stats');
  for (const queue of ALL_QUEUE_NAMES) {
    for (const status of [
      'latest',
      'active',
      'waiting',
      'waiting-children',
      'completed',
      'failed',
      'delayed',
    ])
      paths.push(`/queues/api/queues?activeQueue=${queue}&status=${status}&page=1&jobsPerPage=100`);
  }
  const found: string[] = [];
  let pages = 0;
  for (const route of paths) {
    const response = await fetch(`${base}${route}`);
    pages++;
    const text = await response.text();
    found.push(...findNeedles(`dashboard ${route} (HTTP ${response.status})`, text, needles));
    found.push(...findNeedles(`dashboard ${route} headers`, JSON.stringify([...response.headers]), needles));
  }
  return { pages, found };
}
