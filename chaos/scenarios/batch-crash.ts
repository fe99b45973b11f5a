import { keyPrefix } from '@parley/core';
import { type RunningSimulator, startSimulator } from '@parley/simulator';
import { lockKeyOfBatchInFlight, recordedBatches } from '../../test/support/batch-queue-records';
import { ChaosCluster, type ClusterProcess } from '../harness/chaos-cluster';
import { writeChaosJob } from '../harness/chaos-job';
import { accountRelease } from '../harness/release-accounting';
import { runScenario, ScenarioRow } from '../harness/scenario-row';
import type { Scenario } from '../scenario';

/** When the submitting worker is killed (fractions of the run's pairs settled, at the earliest). */
const KILLS = { full: [0.15, 0.45], quick: [0.2] };

/**
 * `execution: batch` under crashes and a hostile Batch API: every chat call of the run goes
 * through the simulator's OpenAI Batch API, whose batches take 1.5 s, fail 10 % and expire 5 % of
 * their lines, and refuse a batch over 60 enqueued lines (`token_limit_exceeded`). Jobs yield
 * their worker slot after 0.4 s (moved to delayed). The worker holding the model's submitter lock
 * is SIGKILLed while a batch runs, twice, and the scheduler once. The run must complete with
 * every pair once, every distinct request answered exactly once at the vendor, and no batch
 * submitted twice.
 */
export const batchCrash: Scenario = {
  id: 'batch-crash',
  title: 'batch mode crashes',
  async run(context) {
    const size = context.scale === 'full' ? { iterations: 2, pairs: 40 } : { iterations: 1, pairs: 16 };
    const total = size.iterations * size.pairs;
    const kills = KILLS[context.scale];
    let simulator: RunningSimulator | undefined;
    let cluster: ChaosCluster | undefined;
    const row = new ScenarioRow(
      '4k batch mode',
      `Batch API 10 % errors, 5 % expired, queue full; SIGKILL submitter ×${kills.length}, scheduler ×1`,
      total,
    );
    return runScenario(
      row,
      async () => {
        simulator = await startSimulator({
          seed: 7,
          latencyMs: 5,
          batch: { completionDelayMs: 1_500, errorRate: 0.1, expiryRate: 0.05, maxEnqueuedLines: 60 },
        });
        cluster = new ChaosCluster({
          label: 'batch-crash',
          simulatorUrl: simulator.url,
          environment: {
            PARLEY_BATCH_MAX_REQUESTS: '25',
            PARLEY_BATCH_MAX_WAIT_MS: '300',
            PARLEY_BATCH_POLL_MS: '200',
            PARLEY_BATCH_LOCK_MS: '2000',
            PARLEY_BATCH_MAX_RESUBMISSIONS: '8',
            PARLEY_BATCH_YIELD_AFTER_MS: '400',
          },
        });
        const running = cluster;
        const job = await writeChaosJob({ name: 'batch-crash', ...size, simModel: ['execution: batch'] });
        const before = simulator.batchStats();
        let scheduler = running.startScheduler();
        const workers = [running.startWorker(4), running.startWorker(4)];
        const runId = await running.detach(job.jobFile);
        context.log(`batch-crash: run ${runId} created`);
        const prefix = keyPrefix(running.namespace);
        const settled = () => running.settled(runId, size.iterations);

        let landed = 0;
        for (const [index, fraction] of kills.entries()) {
          await running.waitUntil(
            `${Math.round(fraction * 100)}% settled and a batch in flight`,
            async () => {
              const now = await settled();
              return (
                now >= total ||
                (now >= Math.ceil(total * fraction) &&
                  (await lockKeyOfBatchInFlight(running.redis, prefix)) !== undefined)
              );
            },
          );
          if ((await settled()) >= total) break;
          const lockKey = await lockKeyOfBatchInFlight(running.redis, prefix);
          const holderPid = Number((await running.redis.get(lockKey ?? ''))?.split('-')[0]);
          // The worker holding the submitter lock (any worker when the scheduler holds it).
          const holderIndex = workers.findIndex((worker) => worker.child.pid === holderPid);
          const victimIndex = Math.max(holderIndex, 0);
          const victim: ClusterProcess = workers[victimIndex]!;
          await running.kill(victim, 'SIGKILL');
          landed++;
          if (index === 0) {
            await running.kill(scheduler, 'SIGKILL');
            scheduler = running.startScheduler();
          }
          context.log(
            `batch-crash: SIGKILL ${victim.role}${holderIndex >= 0 ? ' (the submitter)' : ''} at ${await settled()}/${total}`,
          );
          workers[victimIndex] = running.startWorker(4);
        }
        if (landed === 0) row.problem('the run finished before any kill: make it longer');

        const run = await running.waitForRun(runId, 300_000);
        if (run.status !== 'completed') row.problem(`run ${run.status}: ${run.error ?? ''}`);
        const account = await accountRelease(run.runFolder, {
          runId,
          plannedPerIteration: Array(size.iterations).fill(size.pairs),
          counters: await running.counters(runId, size.iterations),
        });
        row.addAccount(account);

        // What Parley recorded, summed over the model queues, against what the vendor saw.
        const recorded = await recordedBatches(running.redis, prefix);
        const after = simulator.batchStats();
        const created = after.batchesCreated.openai - before.batchesCreated.openai;
        const succeeded = after.linesSucceeded - before.linesSucceeded;
        const refused = after.batchesRefused - before.batchesRefused;
        if (succeeded !== recorded.collected)
          row.problem(`${recorded.collected} distinct requests, ${succeeded} lines succeeded at the vendor`);
        if (created !== recorded.submittedBatches)
          row.problem(`Parley recorded ${recorded.submittedBatches} batches, the vendor created ${created}`);
        if (recorded.failed > 0) row.problem(`${recorded.failed} batch lines failed for good`);
        row.note(
          `${landed} submitter SIGKILLs + 1 scheduler; ${recorded.collected} requests in ${created} batches (${refused} refused for a full queue), ${after.linesErrored - before.linesErrored} errored and ${after.linesExpired - before.linesExpired} expired lines resubmitted`,
        );
        row.note(
          `${account.acceptedPairs} accepted, ${account.rejectedPairs} rejected (${account.failedPairs} failed)`,
        );
      },
      {
        cleanup: async () => {
          await cluster?.close();
          await simulator?.close();
        },
        diagnostics: () => cluster?.logs() ?? '',
        saveLogs: (text) => context.saveLogs('batch-crash', text),
      },
    );
  },
};
