import { ChaosCluster } from '../harness/chaos-cluster';
import { writeChaosJob } from '../harness/chaos-job';
import { RedisServer } from '../harness/redis-server';
import { accountRelease } from '../harness/release-accounting';
import { runScenario, ScenarioRow } from '../harness/scenario-row';
import type { Scenario } from '../scenario';

/** How long Redis stays down on each restart. */
const DOWNTIME_MS = 2_000;

/**
 * Scenario 3: the scheduler and two workers run against a redis-server of their own (AOF on,
 * free port), which is restarted mid-run — gracefully (SIGTERM: AOF flushed) and, with
 * `appendfsync always`, once more by SIGKILL — staying down a while each time. Every process
 * reconnects by itself and the run completes with every pair once.
 */
export const redisRestart: Scenario = {
  id: 'redis-restart',
  title: 'Redis restart',
  async run(context) {
    const size = context.scale === 'full' ? { iterations: 2, pairs: 60 } : { iterations: 1, pairs: 30 };
    const total = size.iterations * size.pairs;
    const redis = await RedisServer.start({ appendOnly: true, appendFsync: 'always' });
    const cluster = new ChaosCluster({
      label: 'redis-restart',
      simulatorUrl: context.simulatorUrl,
      redisUrl: redis.url,
    });
    const row = new ScenarioRow('3 Redis restart', 'restart Redis (AOF) ×2: SIGTERM, SIGKILL', total);
    return runScenario(
      row,
      async () => {
        const job = await writeChaosJob({ name: 'redis-restart', ...size, chunkSize: 10 });
        cluster.startScheduler();
        cluster.startWorker(4);
        cluster.startWorker(4);
        const runId = await cluster.detach(job.jobFile);
        const settled = () => cluster.settled(runId, size.iterations);
        for (const [fraction, signal] of [
          [0.25, 'SIGTERM'],
          [0.6, 'SIGKILL'],
        ] as const) {
          await cluster.waitUntil(`${fraction * 100}% of the pairs to settle`, async () => {
            return (await settled()) >= Math.ceil(total * fraction);
          });
          const at = await settled();
          await redis.stop(signal);
          context.log(`redis-restart: Redis stopped (${signal}) at ${at}/${total} pairs settled`);
          await new Promise((resolve) => setTimeout(resolve, DOWNTIME_MS));
          await redis.restart();
          context.log('redis-restart: Redis is back');
        }
        const run = await cluster.waitForRun(runId);
        if (run.status !== 'completed') row.problem(`run ${run.status}: ${run.error ?? ''}`);
        const running = cluster.running().map((entry) => entry.role);
        for (const role of ['scheduler-1', 'worker-1', 'worker-2']) {
          if (!running.includes(role)) row.problem(`${role} did not survive the Redis restarts`);
        }
        const account = await accountRelease(run.runFolder, {
          runId,
          plannedPerIteration: Array(size.iterations).fill(size.pairs),
          counters: await cluster.counters(runId, size.iterations),
        });
        row.addAccount(account);
        const interrupted = cluster.logs().split('"msg":"run-interrupted"').length - 1;
        row.note(
          `Redis down ${DOWNTIME_MS} ms twice; the same scheduler and workers reconnected and finished; the driver was interrupted ${interrupted} times and resumed; ${account.redeliveries} repeated .work lines absorbed`,
        );
        row.note(
          `${account.acceptedPairs} accepted, ${account.rejectedPairs} rejected (${account.failedPairs} failed)`,
        );
        for (const reason of account.failureReasons) row.note(`failed pair: ${reason}`);
      },
      {
        cleanup: async () => {
          await cluster.close();
          await redis.close();
        },
        diagnostics: () => cluster.logs(),
        saveLogs: (text) => context.saveLogs('redis-restart', text),
      },
    );
  },
};
