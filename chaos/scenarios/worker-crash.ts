import { ChaosCluster } from '../harness/chaos-cluster';
import { writeChaosJob } from '../harness/chaos-job';
import { countStalledJobs } from '../harness/queue-events';
import { accountRelease } from '../harness/release-accounting';
import { runScenario, ScenarioRow } from '../harness/scenario-row';
import type { Scenario } from '../scenario';

/**
 * When the victim is killed (fractions of the run's pairs settled, at the earliest), and how
 * many kills must land. The short form, run inside `npm test` beside other tests on 2 cores,
 * settles for one kill if restarts are slow; the full one needs all three.
 */
const KILLS = {
  full: { at: [0.08, 0.3, 0.5], required: 3 },
  quick: { at: [0.1, 0.4], required: 1 },
};

/** Jobs a (re)started victim must have completed before it is killed: it is taking jobs. */
const BUSY_AFTER_JOBS = 3;

/**
 * Scenario 1: one of two worker processes is SIGKILLed three times during a run, each time
 * while it is busy, and started again. Its active jobs go back to the queue once their locks
 * lapse (PARLEY_JOB_LOCK_MS); the run completes with every pair accounted for once.
 */
export const workerCrash: Scenario = {
  id: 'worker-crash',
  title: 'worker crash',
  async run(context) {
    const size = context.scale === 'full' ? { iterations: 2, pairs: 90 } : { iterations: 1, pairs: 40 };
    const total = size.iterations * size.pairs;
    const kills = KILLS[context.scale];
    const cluster = new ChaosCluster({ label: 'worker-crash', simulatorUrl: context.simulatorUrl });
    const row = new ScenarioRow('1 worker crash', `SIGKILL 1 of 2 workers ×${kills.at.length}`, total);
    return runScenario(
      row,
      async () => {
        const job = await writeChaosJob({ name: 'worker-crash', ...size });
        cluster.startScheduler();
        // The victim logs at debug: its `job-completed` lines say it is taking jobs.
        const startVictim = () => cluster.startWorker(4, { PARLEY_LOG_LEVEL: 'debug' });
        let victim = startVictim();
        cluster.startWorker(4);
        const runId = await cluster.detach(job.jobFile);
        context.log(`worker-crash: run ${runId} created`);
        const settled = () => cluster.settled(runId, size.iterations);
        let landed = 0;
        for (const fraction of kills.at) {
          const current = victim;
          await cluster.waitUntil(
            `${Math.round(fraction * 100)}% of the pairs to settle, the victim busy`,
            async () => {
              const now = await settled();
              const busy = current.output().split('"msg":"job-completed"').length - 1 >= BUSY_AFTER_JOBS;
              return now >= total || (busy && now >= Math.ceil(total * fraction));
            },
          );
          if ((await settled()) >= total) break;
          await cluster.kill(current, 'SIGKILL');
          landed++;
          context.log(`worker-crash: SIGKILL ${current.role} at ${await settled()}/${total} pairs settled`);
          victim = startVictim();
        }
        if (landed < kills.required)
          row.problem(`the run finished after only ${landed} kills: make it longer`);
        context.log('worker-crash: waiting for the run to finish');
        const run = await cluster.waitForRun(runId);
        context.log(`worker-crash: run ${run.status}`);
        if (run.status !== 'completed') row.problem(`run ${run.status}: ${run.error ?? ''}`);
        const account = await accountRelease(run.runFolder, {
          runId,
          plannedPerIteration: Array(size.iterations).fill(size.pairs),
          counters: await cluster.counters(runId, size.iterations),
        });
        row.addAccount(account);
        const stalled = await countStalledJobs(cluster.redis, cluster.namespace);
        if (stalled === 0)
          row.problem('no job was taken back from a killed worker: the kills hit idle processes');
        row.note(
          `${landed} SIGKILLs; ${stalled} active jobs taken back from killed workers; ${account.redeliveries} repeated .work lines absorbed by the release`,
        );
        row.note(
          `${account.acceptedPairs} accepted, ${account.rejectedPairs} rejected (${account.failedPairs} failed)`,
        );
        for (const reason of account.failureReasons) row.note(`failed pair: ${reason}`);
      },
      {
        cleanup: () => cluster.close(),
        diagnostics: () => cluster.logs(),
        saveLogs: (text) => context.saveLogs('worker-crash', text),
      },
    );
  },
};
