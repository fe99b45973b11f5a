import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { launchChromium, skipWithoutChromium } from '../support/chromium';
import { holdRunAfterFirstSettledPair } from '../support/hold-run';
import { REPO_ROOT, spawnParley, stopProcess, waitFor } from '../support/parley-processes';
import { spawnedRunEnvironment } from '../support/run-environment';
import { cleanupsAfterAll, scratchRun } from '../support/test-scratch';

// `parley run JOB --dashboard 0` as a user starts it (a real process): a tab opened on the run
// while it runs shows the final state once it ends, without a reload, because the dashboard
// keeps serving until Ctrl-C. To open the tab mid-run without racing the run, the test (as an
// operator) pauses the generate queue after the first settled pair and resumes it once the
// page is open.

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'browser');

const cleanups = cleanupsAfterAll();

describe.skipIf(skipWithoutChromium())('an embedded run in Chromium', () => {
  it('the tab of an embedded run shows the final state after the run ends', async () => {
    const started = Date.now();
    await mkdir(ARTIFACTS, { recursive: true });
    const { namespace, folder } = await scratchRun('final-state', cleanups);
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
    const parley = spawnParley(
      ['run', jobFile, '--dashboard', '0', '--no-progress'],
      spawnedRunEnvironment(namespace),
    );
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
    const held = await holdRunAfterFirstSettledPair(namespace, runId);
    cleanups.push(() => held.close());

    const browser: Browser = await launchChromium();
    cleanups.push(() => browser.close());
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
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

    await held.resume();
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
