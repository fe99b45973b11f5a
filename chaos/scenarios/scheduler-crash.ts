import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathExists } from '@parley/dataset';
import { verifyRelease } from '@parley/scheduler';
import { ChaosCluster } from '../harness/chaos-cluster';
import { writeChaosJob } from '../harness/chaos-job';
import { accountRelease } from '../harness/release-accounting';
import { runScenario, ScenarioRow } from '../harness/scenario-row';
import type { Scenario } from '../scenario';

/** Release files renamed into place before the hooked scheduler kills itself. */
const FILES_BEFORE_KILL = 3;

/**
 * Scenario 2: the scheduler is SIGKILLed mid-iteration (while pairs are settling and flows are
 * still being enqueued); a second one takes the run over once the lease lapses and is killed
 * inside the release write by the test-only hook PARLEY_FAULT_KILL_DURING_RELEASE (after
 * FILES_BEFORE_KILL files); a third finishes the run. The half-written release must never
 * claim to be complete, and the final one must verify (manifest sha256s) with every pair once.
 */
export const schedulerCrash: Scenario = {
  id: 'scheduler-crash',
  title: 'scheduler crash',
  async run(context) {
    const size = context.scale === 'full' ? { iterations: 2, pairs: 60 } : { iterations: 1, pairs: 30 };
    const cluster = new ChaosCluster({ label: 'scheduler-crash', simulatorUrl: context.simulatorUrl });
    const row = new ScenarioRow(
      '2 scheduler crash',
      'SIGKILL scheduler mid-iteration + mid-release',
      size.iterations * size.pairs,
    );
    return runScenario(
      row,
      async () => {
        const job = await writeChaosJob({ name: 'scheduler-crash', ...size, chunkSize: 8 });
        const first = cluster.startScheduler();
        cluster.startWorker(4);
        cluster.startWorker(4);
        const runId = await cluster.detach(job.jobFile);

        await cluster.waitUntil('iteration 1 to be part-way', async () => {
          const [counters] = await cluster.counters(runId, 1);
          const settled = counters!.accepted + counters!.rejected + counters!.failed;
          return settled >= Math.ceil(size.pairs * 0.3) && settled < size.pairs;
        });
        const [before] = await cluster.counters(runId, 1);
        await cluster.kill(first, 'SIGKILL');
        const settledAtKill = before!.accepted + before!.rejected + before!.failed;
        context.log(
          `scheduler-crash: SIGKILL scheduler-1 with ${settledAtKill}/${size.pairs} pairs settled, ${before!.enqueued} enqueued`,
        );
        const running = await cluster.store.getRun(runId);
        if (running?.status !== 'running')
          row.problem(`after the kill the run is ${running?.status}, not running`);

        // The second scheduler takes over and dies inside the release write.
        const second = cluster.startScheduler({
          PARLEY_FAULT_KILL_DURING_RELEASE: String(FILES_BEFORE_KILL),
        });
        const exit = await Promise.race([
          second.exited,
          new Promise((resolve) => setTimeout(() => resolve('timeout'), 120_000)),
        ]);
        if (exit !== 'SIGKILL')
          throw new Error(`the hooked scheduler ended with ${String(exit)}, not SIGKILL`);
        const halfway = await cluster.store.getRun(runId);
        context.log(`scheduler-crash: scheduler-2 killed itself in the release (run ${halfway?.status})`);
        if (halfway?.status !== 'releasing')
          row.problem(`killed in the release, the run is ${halfway?.status}`);
        const written = await releaseFilesIn(halfway!.runFolder);
        if (written.length < FILES_BEFORE_KILL)
          row.problem(
            `the kill landed before ${FILES_BEFORE_KILL} release files existed (${written.join(', ')})`,
          );
        if (await pathExists(path.join(halfway!.runFolder, 'manifest.json')))
          row.problem('a manifest exists after a crash inside the release write');
        const halfVerified = await verifyRelease(halfway!.runFolder);
        if (halfVerified.ok) row.problem('verifyRelease accepted a half-written release');

        cluster.startScheduler();
        const run = await cluster.waitForRun(runId);
        if (run.status !== 'completed') row.problem(`run ${run.status}: ${run.error ?? ''}`);
        const account = await accountRelease(run.runFolder, {
          runId,
          plannedPerIteration: Array(size.iterations).fill(size.pairs),
          counters: await cluster.counters(runId, size.iterations),
        });
        row.addAccount(account);
        row.note(
          `half-written release had ${written.length} files (${written.join(', ')}), no manifest; verifyRelease said: ${halfVerified.problems[0] ?? 'ok'}`,
        );
        row.note(
          `final release verifies (sha256s match the manifest); ${account.redeliveries} repeated .work lines absorbed`,
        );
        row.note(
          `${account.acceptedPairs} accepted, ${account.rejectedPairs} rejected (${account.failedPairs} failed)`,
        );
      },
      {
        cleanup: () => cluster.close(),
        diagnostics: () => cluster.logs(),
        saveLogs: (text) => context.saveLogs('scheduler-crash', text),
      },
    );
  },
};

/** Release files (not `.work/`, not temp files) in a run folder, relative and sorted. */
async function releaseFilesIn(runFolder: string, relative = ''): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(path.join(runFolder, relative), { withFileTypes: true })) {
    const name = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.name === '.work' || entry.name.endsWith('.tmp')) continue;
    if (entry.isDirectory()) found.push(...(await releaseFilesIn(runFolder, name)));
    else if (!['pairs.jsonl', 'profiles.jsonl', 'personas.jsonl'].includes(name)) found.push(name);
  }
  return found.sort();
}
