import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  createRedisConnection,
  keyPrefix,
  parseRunConfig,
  type RejectedCandidate,
  RunStore,
} from '@parley/core';
import { createRun, type RunningDashboard, startDashboardServer } from '@parley/scheduler';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { runEmbedded } from '../../apps/cli/src/embedded/run-embedded';
import { launchChromium, skipWithoutChromium } from '../support/chromium';
import { acceptedLine, writeReleaseFixture } from '../support/conversation-records';
import { REPO_ROOT } from '../support/parley-processes';
import { embeddedRunEnvironment } from '../support/run-environment';
import { cleanupsAfterAll, scratchRun } from '../support/test-scratch';

// The done-when of the conversation browser: a real simulator run whose grounding filter is
// strict enough to reject candidates, then in Chromium its run page, its conversations, and a
// click on the grounding expert's rejections that shows exactly those, each with grounding's
// rationale as the release recorded it.

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'browser');
const SEED = path.join(REPO_ROOT, 'seeds/parley-seed.jsonl');

const cleanups = cleanupsAfterAll();

describe.skipIf(skipWithoutChromium())('the conversation browser in Chromium', () => {
  it('opens a run’s conversations and filters to one expert’s rejections, showing its rationale', async () => {
    const started = Date.now();
    await mkdir(ARTIFACTS, { recursive: true });
    const { namespace, folder } = await scratchRun('conversations', cleanups);
    const jobFile = path.join(folder, 'job.yaml');
    // minGrounding 0.9 (default 0.06): the simulator's conversations touch most of their
    // personas but rarely all, so grounding rejects many candidates and lets some through.
    await writeFile(
      jobFile,
      `name: conversations
seed: { path: ${SEED} }
output: { dir: ${path.join(folder, 'releases')} }
iterations: 2
pairs: 6
candidatesPerPair: 2
models:
  sim: { provider: simulator, model: parley-sim-1, price: { inputPerMillionTokens: 0.15, outputPerMillionTokens: 0.6 } }
generator: { model: sim }
critic: { model: sim, offline: { minGrounding: 0.9 } }
concurrency: { generate: 2, critique: 2, chunkSize: 3 }
simulator: { seed: 11, latencyMs: 0 }
`,
    );
    const environment = embeddedRunEnvironment(namespace, { defaultRedis: true });
    const result = await runEmbedded({ jobFile, progress: false, environment });
    expect(result.run.status).toBe('completed');
    const runId = result.run.id;

    // What the release says grounding rejected, and why.
    const rejected = (await readFile(path.join(result.run.runFolder, 'rejected.jsonl'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as RejectedCandidate);
    const byGrounding = rejected.filter((line) => line.outcome === 'filtered' && line.expert === 'grounding');
    const others = rejected.filter((line) => !(line.outcome === 'filtered' && line.expert === 'grounding'));
    expect(byGrounding.length).toBeGreaterThan(1);
    expect(byGrounding.length).toBeLessThanOrEqual(25); // one page
    const rationaleOf = new Map(
      byGrounding.map((line) => [
        line.conversation?.id,
        line.verdicts.find((verdict) => verdict.expert === 'grounding')?.rationale,
      ]),
    );

    const prefix = keyPrefix(namespace);
    const dashboard: RunningDashboard = await startDashboardServer({ prefix, port: 0, environment: {} });
    cleanups.push(() => dashboard.close());
    const browser: Browser = await launchChromium();
    cleanups.push(() => browser.close());
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });

    // The run page: grounding's top reasons, counted, each a link into the browser.
    await page.goto(`${dashboard.url}runs/${runId}`);
    const groundingRow = page.locator('#rejection-reasons tr[data-expert="grounding"]');
    expect(await groundingRow.locator('[data-field="rejections"]').textContent()).toBe(
      String(byGrounding.length),
    );
    const topReason = groundingRow.locator('li[data-reason]').first();
    expect(await topReason.getAttribute('data-reason')).toBe('grounding # < # (…): …');
    expect(await topReason.locator('[data-field="count"]').textContent()).toBe(String(byGrounding.length));

    // Every conversation of the run, accepted and rejected.
    await page.locator('a[data-link="conversations"]').click();
    await page.waitForURL(`**/runs/${runId}/conversations`);
    expect(await page.locator('[data-field="source"]').getAttribute('data-source')).toBe('release');
    const kinds = await page
      .locator('article.conversation')
      .evaluateAll((articles) => articles.map((article) => article.getAttribute('data-kind')));
    expect(kinds).toContain('accepted');
    expect(kinds).toContain('rejected');
    const firstArticle = page.locator('article.conversation').first();
    expect(await firstArticle.locator('[data-field="persona-user1"] li').count()).toBeGreaterThan(0);
    expect(await firstArticle.locator('ol.turns li').count()).toBeGreaterThan(1);

    // Back on the run page, the grounding expert's link: its rejections and nothing else.
    await page.goBack();
    await groundingRow.locator('a[data-link="expert-rejections"]').click();
    await page.waitForURL(`**/runs/${runId}/conversations?outcome=rejected&expert=grounding`);
    const articles = page.locator('article.conversation');
    expect(await articles.count()).toBe(byGrounding.length);
    const shown = await articles.evaluateAll((nodes) =>
      nodes.map((node) => ({
        id: node.getAttribute('data-id'),
        outcome: node.getAttribute('data-outcome'),
        expert: node.querySelector('[data-field="rejecting-expert"]')?.textContent,
        rationale: node.querySelector(
          'tr[data-expert="grounding"][data-verdict="failed"] [data-field="rationale"]',
        )?.textContent,
      })),
    );
    for (const entry of shown) {
      expect(entry.outcome).toBe('filtered');
      expect(entry.expert).toBe('grounding');
      expect(entry.rationale).toBe(rationaleOf.get(entry.id ?? undefined));
      expect(entry.rationale).toMatch(/^grounding \d\.\d{3} < 0\.9/);
    }
    expect(new Set(shown.map((entry) => entry.id)).size).toBe(byGrounding.length);
    // Shown, not merely in the markup: no collapsed section hides the rationale.
    const rationales = articles.locator(
      'tr[data-expert="grounding"][data-verdict="failed"] [data-field="rationale"]',
    );
    for (let index = 0; index < byGrounding.length; index++) {
      expect(await rationales.nth(index).isVisible()).toBe(true);
    }
    // None of the other rejections (toxicity, lost votes) is on the page.
    const shownIds = new Set(shown.map((entry) => entry.id));
    for (const line of others) expect(shownIds.has(line.conversation?.id ?? '')).toBe(false);
    await page.screenshot({ path: path.join(ARTIFACTS, 'conversation-browser.png'), fullPage: true });

    // A filter link on the browser itself: the accepted ones that grounding judged.
    await page.locator('a[data-filter="outcome:accepted"]').click();
    await page.waitForURL(`**/conversations?outcome=accepted&expert=grounding`);
    const accepted = await page
      .locator('article.conversation')
      .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-kind')));
    expect(accepted.length).toBe(result.iterations.reduce((sum, iteration) => sum + iteration.accepted, 0));
    expect(new Set(accepted)).toEqual(new Set(['accepted']));

    // Hostile persona text renders as text: no dialog, no injected element.
    const redis = createRedisConnection();
    cleanups.push(async () => redis.disconnect());
    const store = new RunStore(redis, prefix);
    const hostile = await createRun(
      store,
      parseRunConfig(
        `name: hostile
seed: { path: ${SEED} }
output: { dir: ${path.join(folder, 'releases')} }
models:
  sim: { provider: simulator, model: parley-sim-1, price: { inputPerMillionTokens: 0.15, outputPerMillionTokens: 0.6 } }
generator: { model: sim }
critic: { model: sim }
`,
        'hostile.yaml',
      ),
      { runId: `hostile-${namespace}` },
    );
    const persona = '<img src=x onerror="alert(1)">I keep <b>bees</b>.';
    await writeReleaseFixture(
      hostile.runFolder,
      [acceptedLine({ run: hostile.id, pair: 'p1', user1Persona: [persona] })],
      [],
    );
    await page.goto(`${dashboard.url}runs/${hostile.id}/conversations`);
    const personaItem = page.locator('[data-field="persona-user1"] li').first();
    expect(await personaItem.textContent()).toBe(persona);
    expect(await page.locator('article img, article b:text("bees")').count()).toBe(0);

    expect(problems).toEqual([]);
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);
});
