import { createHash } from 'node:crypto';
import { ChaosCluster } from '../harness/chaos-cluster';
import { type ChaosJob, writeChaosJob } from '../harness/chaos-job';
import { accountRelease, type ReleaseAccount } from '../harness/release-accounting';
import { runScenario, ScenarioRow } from '../harness/scenario-row';
import type { Scenario } from '../scenario';

/**
 * Scenario 8: eight runs of 500 pairs each, created at once on one Redis and worked by one
 * scheduler and two worker processes. All complete; each release holds exactly its own run's
 * pairs (every line names its run, every id carries it) and no conversation of one run turns
 * up in another's release. The Critic is its offline filters here and K = 1, so the load is
 * on the queues, flows and settling rather than on the simulator.
 */
export const load: Scenario = {
  id: 'load',
  title: 'load',
  async run(context) {
    const size = context.scale === 'full' ? { runs: 8, pairs: 500 } : { runs: 3, pairs: 60 };
    const cluster = new ChaosCluster({ label: 'load', simulatorUrl: context.simulatorUrl });
    const row = new ScenarioRow(
      '8 load',
      `${size.runs} runs × ${size.pairs} pairs at once, 2 workers`,
      size.runs * size.pairs,
    );
    return runScenario(
      row,
      async () => {
        const jobs: ChaosJob[] = [];
        for (let index = 0; index < size.runs; index++) {
          jobs.push(
            await writeChaosJob({
              name: `load-${index + 1}`,
              iterations: 1,
              pairs: size.pairs,
              candidatesPerPair: 1,
              randomSeed: 100 + index,
              chunkSize: 100,
              critic: ['model: sim', 'filters: [structure, repetition, grounding, near-duplicate]'],
            }),
          );
        }
        cluster.startScheduler();
        cluster.startWorker(16);
        cluster.startWorker(16);
        const started = Date.now();
        const runIds = await Promise.all(jobs.map((job) => cluster.detach(job.jobFile)));
        context.log(`load: ${runIds.length} runs created`);
        const accounts: ReleaseAccount[] = [];
        for (const runId of runIds) {
          const run = await cluster.waitForRun(runId, 600_000);
          if (run.status !== 'completed') row.problem(`${runId}: run ${run.status}: ${run.error ?? ''}`);
          const account = await accountRelease(run.runFolder, {
            runId,
            plannedPerIteration: [size.pairs],
            counters: await cluster.counters(runId, 1),
          });
          row.addAccount(account, runId);
          accounts.push(account);
        }
        const seconds = (Date.now() - started) / 1000;

        // No conversation of one run in another's release: by id prefix and by content.
        const owners = new Map<string, string>();
        let crossed = 0;
        for (const account of accounts) {
          for (const conversation of account.accepted) {
            if (!conversation.id.startsWith(`${account.runId}.`)) {
              crossed++;
              row.problem(`${account.runId}: conversation ${conversation.id} does not carry the run's id`);
            }
            const digest = createHash('sha256').update(JSON.stringify(conversation.turns)).digest('hex');
            const owner = owners.get(digest);
            if (owner && owner !== account.runId) {
              crossed++;
              row.problem(`${account.runId}: conversation ${conversation.id} is also in ${owner}'s release`);
            }
            owners.set(digest, account.runId);
          }
        }
        const accepted = accounts.reduce((sum, account) => sum + account.acceptedPairs, 0);
        row.note(
          `${runIds.length} runs completed in ${seconds.toFixed(1)} s (${Math.round((size.runs * size.pairs) / seconds)} pairs/s); ${accepted} conversations released, ${crossed} in a release not their own`,
        );
      },
      {
        cleanup: () => cluster.close(),
        diagnostics: () => cluster.logs(),
        saveLogs: (text) => context.saveLogs('load', text),
      },
    );
  },
};
