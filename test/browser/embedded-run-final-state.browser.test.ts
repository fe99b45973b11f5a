import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRedisConnection, keyPrefix, QUEUE_NAMES, RunStore } from '@parley/core';
import { Queue } from 'bullmq';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, spawnParley, stopProcess, waitFor } from '../support/parley-processes';
import { deleteNamespace } from '../support/redis-namespace';
import { testNamespace } from '../support/test-jobs';

// `parley run JOB --dashboard 0` as a user starts it (a real process): a tab opened on the run
// while it runs shows the final state once it ends, without a reload, because the dashboard
// keeps serving until Ctrl-C. To open the tab mid-run without racing the run, the test (as an
// operator) pauses the generate queue after the first settled pair and resumes it once the
// page is open.

const CHROMIUM = '/usr/bin/chromium';
const skip = !existsSync(CHROMIUM) && !process.env.CI;
const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'browser');

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

describe.skipIf(skip)('an embedded run in Chromium', () => {
  it('the tab of an embedded run shows the final state after the run ends', async () => {
    const started = Date.now();
    await mkdir(ARTIFACTS, { recursive: true });
    const namespace = testNamespace('final-state');
    cleanups.push(() => deleteNamespace(namespace));
    const folder = await mkdtemp(path.join(os.tmpdir(), 'parley-final-state-'));
    cleanups.push(() => rm(folder, { recursive: true, force: true }));
    const jobFile = path.join(folder, 'job.yaml');
    await writeFile(
      jobFile,
      `name: final-state
description: The final state of an embedded run, seen from an open tab
seed: { path: ${path.join(REPO_ROOT, 'seeds/parley-seed.jsonl')} }
output: { dir: ${path.join(folder, 'releases')} }
iterations: 2
pairs: 6
candidatesPerPair: 2
models:
  sim: { provider: simulator, model: parley-sim-1, price: { inputPerMillionTokens: 0.15, outputPerMillionTokens: 0.6 } }
generator: { model: sim }
critic: { model: sim }
budget: { maxCostUsd: 5 }
concurrency: { generate: 2, critique: 2, chunkSize: 3 }
simulator: { seed: 11, latencyMs: 30 }
`,
    );
    const environment: NodeJS.ProcessEnv = { PARLEY_NAMESPACE: namespace, PARLEY_SIMULATOR_URL: '' };
    for (const name of Object.keys(process.env))
      if (name.startsWith('PARLEY_DASHBOARD_')) environment[name] = '';
    const parley = spawnParley(['run', jobFile, '--dashboard', '0', '--no-progress'], environment);
    cleanups.push(() => stopProcess(parley));

    const url = await waitFor(
      'the dashboard URL',
      async () => /dashboard at (http:\S+\/) /.exec(parley.output())?.[1],
      30_000,
    );
    const runId = await waitFor(
      'the run id',
      async () => /parley: run (\S+) →/.exec(parley.output())?.[1],
      30_000,
    );

    // Hold the run mid-way: no new candidate is generated until the page is open.
    const redis = createRedisConnection();
    cleanups.push(async () => redis.disconnect());
    const prefix = keyPrefix(namespace);
    const store = new RunStore(redis, prefix);
    const generate = new Queue(QUEUE_NAMES.generate, { connection: redis, prefix });
    cleanups.push(() => generate.close());
    await waitFor('a settled pair', async () => (await store.settledCount(runId, 1)) > 0, 30_000, 50);
    await generate.pause();

    const context: BrowserContext = await chromium.launchPersistentContext(
      await mkdtemp(path.join(os.tmpdir(), 'parley-chromium-')),
      {
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
        viewport: { width: 1360, height: 900 },
      },
    );
    cleanups.push(() => context.close());
    const page = await context.newPage();
    await page.goto(`${url}runs/${runId}`);
    const badge = page.locator('h1 .badge');
    expect(['pending', 'running']).toContain(await badge.getAttribute('data-status'));
    expect(await page.locator('#release').getAttribute('data-release-state')).toBe('pending');
    expect(await page.locator('[data-field="description"]').textContent()).toContain('seen from an open tab');
    // A marker that a reload would wipe: the final state must arrive by the page's own refresh.
    await page.evaluate(() => {
      (globalThis as unknown as { openedOnce: boolean }).openedOnce = true;
    });

    await generate.resume();
    await waitFor(
      'the run to finish',
      async () => parley.output().includes('parley: run finished; dashboard still at'),
      60_000,
    );
    expect(parley.output()).toContain(`parley: run finished; dashboard still at ${url} — Ctrl-C to stop`);

    await expect
      .poll(() => badge.getAttribute('data-status'), { timeout: 20_000, interval: 200 })
      .toBe('completed');
    await expect
      .poll(() => page.locator('#refresh-status').textContent(), { timeout: 10_000 })
      .toContain('final');
    expect(await page.evaluate(() => (globalThis as unknown as { openedOnce?: boolean }).openedOnce)).toBe(
      true,
    );
    const release = page.locator('#release');
    expect(await release.getAttribute('data-release-state')).toBe('written');
    expect(await release.textContent()).toContain('release written');
    const manifestLink = release.locator('a[data-link="manifest"]');
    const cardLink = release.locator('a[data-link="card"]');
    expect(await manifestLink.getAttribute('href')).toBe(`/runs/${runId}/files/manifest.json`);
    expect(await cardLink.getAttribute('href')).toBe(`/runs/${runId}/files/README.md`);
    const conversations = Number(
      (await release.locator('[data-field="release-conversations"]').textContent())?.replace(/,/g, ''),
    );
    expect(conversations).toBeGreaterThan(0);
    // Every iteration finished: no chart marks one as partial or "so far".
    expect(await page.locator('[data-incomplete]').count()).toBe(0);
    expect(await page.locator('[data-field="eta"]').textContent()).toBe('done');
    await page.screenshot({ path: path.join(ARTIFACTS, 'embedded-run-final-state.png'), fullPage: true });

    // The links work from the page: the manifest is the run's, with as many conversations.
    const manifest = await page.evaluate(
      async (href) => (await fetch(href)).json(),
      (await manifestLink.getAttribute('href'))!,
    );
    expect(manifest).toMatchObject({
      runId,
      complete: true,
      totals: { candidates: { accepted: conversations } },
    });
    const card = await page.evaluate(
      async (href) => (await fetch(href)).text(),
      (await cardLink.getAttribute('href'))!,
    );
    expect(card.length).toBeGreaterThan(100);

    // Ctrl-C stops the dashboard; the exit code is the run's (completed: 0).
    parley.child.kill('SIGINT');
    expect(await parley.exited).toBe(0);
    await expect(fetch(url)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(45_000);
  }, 90_000);
});
