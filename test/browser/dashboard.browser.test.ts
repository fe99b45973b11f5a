import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createRedisConnection, keyPrefix, QUEUE_NAMES, type RunRecord, RunStore } from '@parley/core';
import { type RunningDashboard, startDashboardServer } from '@parley/scheduler';
import { Queue } from 'bullmq';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type EmbeddedRunResult, runEmbedded } from '../../apps/cli/src/embedded/run-embedded';
import { launchChromium, skipWithoutChromium } from '../support/chromium';
import { REPO_ROOT, waitFor } from '../support/parley-processes';
import { embeddedRunEnvironment } from '../support/run-environment';
import { cleanupsAfterAll, scratchRun } from '../support/test-scratch';

// Bull Board and the iteration dashboard in real Chromium, during and after a simulator run.
// The run's simulator is slowed down and its workers throttled so that "during" lasts a few
// seconds; screenshots land in test-artifacts/browser/.

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'browser');
const CREDENTIALS = { user: 'viewer', password: `pw-${randomBytes(12).toString('hex')}` };

const cleanups = cleanupsAfterAll();

async function writeSlowJob(folder: string): Promise<string> {
  const jobFile = path.join(folder, 'job.yaml');
  await writeFile(
    jobFile,
    `name: browser
seed:
  path: ${path.join(REPO_ROOT, 'seeds/parley-seed.jsonl')}
output:
  dir: ${path.join(folder, 'releases')}
iterations: 3
pairs: 8
candidatesPerPair: 2
randomSeed: 5
models:
  sim:
    provider: simulator
    model: parley-sim-1
    price: { inputPerMillionTokens: 0.15, outputPerMillionTokens: 0.6 }
generator:
  model: sim
critic:
  model: sim
examplePool:
  size: 8
concurrency:
  generate: 2
  critique: 2
  chunkSize: 4
simulator:
  seed: 5
  latencyMs: 100
  latencyJitterMs: 50
`,
  );
  return jobFile;
}

interface IterationRow {
  done: string;
  accepted: string;
  rejected: string;
  failed: string;
  acceptance: string;
  cost: string;
}

/** Numbers of one row of the iterations table, as the page shows them. */
async function iterationRow(page: Page, iteration: number): Promise<IterationRow> {
  const row = page.locator(`#iterations tr[data-iteration="${iteration}"]`);
  const read = async (field: string) =>
    ((await row.locator(`[data-field="${field}"]`).textContent()) ?? '').trim();
  return {
    done: await read('done'),
    accepted: await read('accepted'),
    rejected: await read('rejected'),
    failed: await read('failed'),
    acceptance: await read('acceptance'),
    cost: await read('cost'),
  };
}

describe.skipIf(skipWithoutChromium())('dashboard in Chromium', () => {
  it('shows Bull Board and the iteration numbers during and after a run, read-only', async () => {
    const started = Date.now();
    await mkdir(ARTIFACTS, { recursive: true });
    const { namespace, folder } = await scratchRun('browser', cleanups);
    const prefix = keyPrefix(namespace);
    const jobFile = await writeSlowJob(folder);

    // The standalone dashboard (`parley dashboard`), with credentials, outlives the run.
    const dashboard: RunningDashboard = await startDashboardServer({
      prefix,
      port: 0,
      credentials: CREDENTIALS,
      refreshMs: 400,
      environment: {},
    });
    cleanups.push(() => dashboard.close());
    const redis = createRedisConnection();
    cleanups.push(async () => redis.disconnect());
    const store = new RunStore(redis, prefix);

    // The run, in this process, with its own dashboard as `parley run JOB --dashboard 0` has.
    const environment = embeddedRunEnvironment(namespace, { defaultRedis: true });
    let runDashboardUrl: string | undefined;
    let created: RunRecord | undefined;
    const running: Promise<EmbeddedRunResult> = runEmbedded({
      jobFile,
      progress: false,
      environment,
      dashboard: { port: 0 },
      onDashboardReady: (url) => {
        runDashboardUrl = url;
      },
      onRunCreated: (run) => {
        created = run;
      },
    });
    running.catch(() => undefined);
    const run = await waitFor('the run to be created', async () => created, 20_000);
    expect(runDashboardUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

    // "During" must not race the run: as soon as iteration 1 settles a pair, the test (acting as
    // an operator with its own queue handle) pauses the generate queue. The later iterations
    // still need generate jobs, so the run cannot finish until the test resumes the queue.
    const generateQueue = new Queue(QUEUE_NAMES.generate, { connection: redis, prefix });
    cleanups.push(() => generateQueue.close());
    await waitFor(
      'a settled pair in iteration 1',
      async () => (await store.settledCount(run.id, 1)) > 0,
      30_000,
    );
    await generateQueue.pause();

    const browser: Browser = await launchChromium();
    cleanups.push(() => browser.close());
    const context = await browser.newContext({
      viewport: { width: 1360, height: 900 },
      httpCredentials: { username: CREDENTIALS.user, password: CREDENTIALS.password },
    });
    const page = await context.newPage();
    const external: string[] = [];
    context.on('request', (request) => {
      if (!request.url().startsWith('http://127.0.0.1')) external.push(request.url());
    });

    // --- during the run ------------------------------------------------------------------------
    // The run's own dashboard lists it (no credentials: it listens on loopback only).
    const runDashboard = await context.newPage();
    await runDashboard.goto(runDashboardUrl!);
    await expect.poll(() => runDashboard.locator(`tr[data-run="${run.id}"]`).count()).toBe(1);
    await runDashboard.close();

    await page.goto(`${dashboard.url}runs/${run.id}`);
    // The page refreshes itself: wait until iteration 1 shows settled pairs while the run goes on.
    const firstDone = page.locator('#iterations tr[data-iteration="1"] [data-field="done"]');
    await expect
      .poll(async () => Number(((await firstDone.textContent()) ?? '').split('/')[0]?.trim()), {
        timeout: 30_000,
        interval: 200,
      })
      .toBeGreaterThan(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-during.png'), fullPage: true });
    const duringRow = await iterationRow(page, 1);
    const duringStatus = await page.locator('h1 .badge').getAttribute('data-status');

    const board = await context.newPage();
    await board.goto(`${dashboard.url}queues/`);
    for (const name of Object.values(QUEUE_NAMES)) {
      await expect.poll(() => board.getByText(name, { exact: true }).first().isVisible()).toBe(true);
    }
    // Jobs in flight: at least one queue card counts some (settle jobs wait for their children).
    await board
      .getByText(/^[1-9]\d* Jobs?$/)
      .first()
      .waitFor({ timeout: 15_000 });
    await board.screenshot({ path: path.join(ARTIFACTS, 'bull-board-during.png'), fullPage: true });
    await board.getByText(QUEUE_NAMES.settle, { exact: true }).first().click();
    await board
      .getByText(/waiting children/i)
      .first()
      .waitFor();
    await board.screenshot({ path: path.join(ARTIFACTS, 'bull-board-settle-during.png'), fullPage: true });
    const stillRunning = await store.getRun(run.id);
    // Both screenshots were taken before the run finished.
    expect(['pending', 'running']).toContain(stillRunning?.status);
    expect(['pending', 'running']).toContain(duringStatus);
    expect(Number(duringRow.done.split('/')[0]?.replace(/,/g, ''))).toBeGreaterThan(0);

    // A write action in read-only mode is refused, and nothing changed.
    const refused = await board.evaluate(async () => {
      const pause = await fetch('api/queues/critique/pause', { method: 'PUT' });
      const add = await fetch('api/queues/generate/add', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'intruder', data: {} }),
      });
      return [pause.status, add.status];
    });
    expect(refused).toEqual([405, 405]);
    const critiqueQueue = new Queue(QUEUE_NAMES.critique, { connection: redis, prefix });
    cleanups.push(() => critiqueQueue.close());
    expect(await critiqueQueue.isPaused()).toBe(false);
    expect(await generateQueue.count()).toBeGreaterThan(0); // the held jobs wait in the paused queue
    // The read-only board offers no pause button either.
    expect(await board.getByRole('button', { name: /pause/i }).count()).toBe(0);

    // --- after the run -------------------------------------------------------------------------
    await generateQueue.resume();
    const result = await running;
    expect(result.run.status).toBe('completed');
    // The run's own dashboard closed with it; the standalone one stays.
    await expect(fetch(runDashboardUrl!)).rejects.toThrow();
    // An evaluation arrives later: its losing rate shows up without a reload.
    await writeFile(
      path.join(result.run.runFolder, 'eval.json'),
      JSON.stringify({
        iterations: [
          { iteration: 1, losingRate: 0.3 },
          { iteration: 2, losingRate: 0.2 },
        ],
      }),
    );
    await page.reload();
    await expect.poll(() => page.locator('h1 .badge').getAttribute('data-status')).toBe('completed');
    for (const counters of result.iterations) {
      const row = await iterationRow(page, counters.iteration);
      const done = counters.accepted + counters.rejected + counters.failed;
      expect(row.done).toBe(`${done} / ${counters.planned}`);
      expect(row.accepted).toBe(String(counters.accepted));
      expect(row.rejected).toBe(String(counters.rejected));
      expect(row.failed).toBe(String(counters.failed));
      expect(row.acceptance).toBe(`${((counters.accepted / done) * 100).toFixed(1)}%`);
      expect(row.cost).toMatch(/^\$0\.\d+$/);
      for (const [expert, counts] of Object.entries(counters.experts)) {
        const cell = page.locator(
          `#experts tr[data-iteration="${counters.iteration}"] [data-expert="${expert}"]`,
        );
        await expect.poll(() => cell.textContent()).toContain(`${counts.passed}/${counts.total}`);
      }
    }
    // eval.json covers two of the three iterations: the third shows a dash.
    expect(await page.locator('#iterations [data-field="losing-rate"]').allInnerTexts()).toEqual([
      '30.0%',
      '20.0%',
      '–',
    ]);
    expect(await page.locator('figure.chart svg').count()).toBe(3);
    expect(await page.locator('#models tr[data-model="sim"]').count()).toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-after.png'), fullPage: true });

    await page.goto(dashboard.url);
    await expect.poll(() => page.locator(`tr[data-run="${run.id}"] .badge`).textContent()).toBe('completed');
    await page.screenshot({ path: path.join(ARTIFACTS, 'runs-after.png'), fullPage: true });

    await board.goto(`${dashboard.url}queues/`);
    await board.getByText(QUEUE_NAMES.generate, { exact: true }).first().waitFor();
    await board.screenshot({ path: path.join(ARTIFACTS, 'bull-board-after.png'), fullPage: true });

    // Nothing came from outside, and the credentials never appear in a page.
    expect(external).toEqual([]);
    for (const shown of [await page.content(), await board.content()]) {
      expect(shown).not.toContain(CREDENTIALS.password);
    }
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 90_000);
});
