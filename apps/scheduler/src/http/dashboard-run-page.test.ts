import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { filterCascadeOrder, parseRunConfig, QUEUE_NAMES, type RunConfig, RunStore } from '@parley/core';
import { createCriticPanel } from '@parley/critic';
import { MockLanguageModel } from '@parley/llm';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRun } from '../create-run';
import { startTestDashboard, type TestDashboard } from './dashboard-test-support';
import type { RunView } from './run-view';

// The run page, its jobs page and release files, and the cancel API, against a real dashboard
// on the real Redis (a namespace of its own, deleted afterwards). Runs are set up through the
// RunStore exactly as the scheduler leaves them.

const SEED = path.resolve(import.meta.dirname, '../../../../seeds/parley-seed.jsonl');

function job(name: string, output: string, extra = ''): string {
  return `name: ${name}
description: A run <b>described</b> for the page
seed: { path: ${SEED} }
output: { dir: ${output} }
iterations: 3
pairs: 4
models:
  sim: { provider: simulator, model: parley-sim-1, price: { inputPerMillionTokens: 1, outputPerMillionTokens: 2 } }
generator: { model: sim }
critic: { model: sim }
${extra}`;
}

describe('the run page', () => {
  let test: TestDashboard;
  let store: RunStore;
  let folder: string;
  const queues: Queue[] = [];
  const get = (route: string) => fetch(new URL(route, test.dashboard.url));
  const page = async (route: string) => {
    const response = await get(route);
    expect(response.status, route).toBe(200);
    return response.text();
  };
  const view = async (runId: string) => (await (await get(`/api/runs/${runId}`)).json()) as RunView;
  const create = async (
    id: string,
    extra = '',
  ): Promise<{ id: string; runFolder: string; config: RunConfig }> => {
    const config = parseRunConfig(job(id, folder, extra), `${id}.yaml`);
    const run = await createRun(store, config, { runId: id });
    return { id: run.id, runFolder: run.runFolder, config };
  };

  beforeAll(async () => {
    test = await startTestDashboard({ environment: { PARLEY_TEST_API_KEY: 'sk-test-secret-value-123' } });
    store = new RunStore(test.redis, test.prefix);
    folder = await mkdtemp(path.join(os.tmpdir(), 'parley-run-page-'));
  });
  afterAll(async () => {
    for (const queue of queues) {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
    }
    await test.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('shows a run whose every pair failed as failed, with its reasons counted by category', async () => {
    const run = await create('all-failed');
    await store.setStatus(run.id, 'running', { iteration: 1 });
    await store.initIteration(run.id, 1, 2);
    await store.settlePair(run.id, 1, 'p1', 'failed', {}, { 'provider-error (401 authentication_error)': 2 });
    await store.settlePair(
      run.id,
      1,
      'p2',
      'failed',
      {},
      { 'provider-error (401 authentication_error)': 1, unparseable: 1 },
    );
    await store.finishIteration(run.id, 1);
    const reason =
      'every pair failed (2 pairs): 3 × provider-error (401 authentication_error), 1 × unparseable';
    await store.setStatus(run.id, 'failed', { error: reason, finishedAt: Date.now() });

    const html = await page(`/runs/${run.id}`);
    expect(html).toContain(`data-status="failed" title="${reason}"`);
    expect(html).toMatch(/data-field="reason"><b>failed:<\/b> every pair failed \(2 pairs\)/);
    expect(html).toMatch(
      /data-category="provider-error \(401 authentication_error\)">\s*<td>provider-error \(401 authentication_error\)<\/td><td data-field="count">3<\/td>/,
    );
    expect(html).toMatch(
      /data-category="unparseable">\s*<td>unparseable<\/td><td data-field="count">1<\/td>/,
    );
    expect(html).toContain(`href="/runs/${run.id}/jobs?state=failed" data-link="failed-jobs"`);
    expect(html).toContain('data-release-state="none"');
    expect(html).toContain('No release: the run failed');
    // The later iterations never began: not "waiting" on a finished run.
    expect(html).toContain('data-iteration="2" data-state="not-run"');

    const json = await view(run.id);
    expect(json.failures).toEqual([
      { category: 'provider-error (401 authentication_error)', count: 3 },
      { category: 'unparseable', count: 1 },
    ]);
    expect(json.driver).toBeNull();
    // The runs list carries the reason under the red badge too.
    expect(await page('/')).toMatch(
      /data-status="failed"[^>]*>failed<\/span><div class="reason" data-field="reason">every pair failed/,
    );
  });

  it('lists expert pass rates in cascade order with denominators, unparseable answers apart', async () => {
    const run = await create('cascade');
    await store.setStatus(run.id, 'running', { iteration: 1 });
    await store.initIteration(run.id, 1, 4);
    await store.settlePair(run.id, 1, 'p1', 'accepted', {
      faithfulness: { passed: 1, total: 1 },
      toxicity: { passed: 1, total: 2 },
      structure: { passed: 2, total: 2 },
      grounding: { passed: 2, total: 2 },
    });
    await store.settlePair(run.id, 1, 'p2', 'rejected', {
      faithfulness: { passed: 0, total: 0, unparseable: 1 },
      toxicity: { passed: 1, total: 1 },
      structure: { passed: 1, total: 2 },
      grounding: { passed: 1, total: 1 },
    });
    const json = await view(run.id);
    // Exactly the order the Critic's own panel runs its filters in, for this config and others.
    const models = { sim: new MockLanguageModel({ answers: {} }) };
    for (const critic of [
      run.config.critic,
      { ...run.config.critic, toxicity: 'wordlist' as const },
      { ...run.config.critic, filters: [...run.config.critic.filters].reverse() },
    ]) {
      const panel = createCriticPanel(critic, { models });
      expect(filterCascadeOrder(critic)).toEqual(panel.filters.map((filter) => filter.name));
    }
    const cascade = filterCascadeOrder(run.config.critic);
    expect(json.expertOrder).toEqual(cascade.filter((name) => json.expertOrder.includes(name)));
    expect(json.expertOrder).toEqual(['structure', 'grounding', 'toxicity', 'faithfulness']);
    expect(json.iterations[0]?.experts.faithfulness).toEqual({
      passed: 1,
      total: 1,
      unparseable: 1,
      passRate: 1,
    });

    const html = await page(`/runs/${run.id}`);
    const headers = [...html.matchAll(/<th data-expert="([^"]+)">(\d)\. /g)].map((match) => match[1]);
    expect(headers).toEqual(['structure', 'grounding', 'toxicity', 'faithfulness']);
    expect(html).toMatch(/data-expert="structure"[^>]*>75\.0% <span class="note">3\/4<\/span><\/td>/);
    expect(html).toMatch(
      /data-expert="faithfulness"[^>]*>100\.0% <span class="note">1\/1<\/span> <span class="unparseable" data-field="unparseable">\+1 unparseable<\/span>/,
    );
    expect(html).toContain('data-iteration="all" class="total"');
    expect(html).toContain('data-field="description">A run &lt;b&gt;described&lt;/b&gt; for the page');
  });

  it('says how many pairs are generating, critiquing and voting now, from the queues', async () => {
    const run = await create('in-flight');
    await store.setStatus(run.id, 'running', { iteration: 1 });
    await store.initIteration(run.id, 1, 4);
    const queue = (name: string) => {
      const created = new Queue(name, { connection: test.redis, prefix: test.prefix });
      queues.push(created);
      return created;
    };
    const generate = queue(QUEUE_NAMES.generate);
    const critique = queue(QUEUE_NAMES.critique);
    const select = queue(QUEUE_NAMES.select);
    // Two candidates of p1 and one of p2 generating; p3's candidate critiquing; p4 voting; and
    // jobs of another run and of another iteration, which do not count.
    for (const id of ['p1.0', 'p1.1', 'p2.0'])
      await generate.add('generate', {}, { jobId: `${run.id}.1.${id}` });
    await generate.add('generate', {}, { jobId: `${run.id}.2.p9.0` });
    await generate.add('generate', {}, { jobId: `other-run.1.p1.0` });
    await critique.add('critique', {}, { jobId: `${run.id}.1.p3.0` });
    await select.add('select', {}, { jobId: `${run.id}.1.p4` });

    const json = await view(run.id);
    expect(json.iterations[0]?.inFlight).toEqual({ generating: 2, critiquing: 1, voting: 1, capped: false });
    expect(json.iterations[1]?.inFlight).toBeNull();
    const html = await page(`/runs/${run.id}`);
    expect(html).toContain('<b data-stage="generating">2</b> generating');
    expect(html).toContain('<b data-stage="voting">1</b> voting');
    // The running iteration is marked "so far" in the charts.
    expect(html).toContain('data-incomplete="so far"');
  });

  it('marks an iteration the run ended in the middle of as partial, in the table and the charts', async () => {
    const run = await create('partial');
    await store.setStatus(run.id, 'running', { iteration: 2 });
    await store.initIteration(run.id, 1, 2);
    await store.settlePair(run.id, 1, 'p1', 'accepted', {});
    await store.settlePair(run.id, 1, 'p2', 'accepted', {});
    await store.finishIteration(run.id, 1);
    await store.initIteration(run.id, 2, 2);
    await store.settlePair(run.id, 2, 'p1', 'rejected', {});
    await store.setStatus(run.id, 'cancelled', { finishedAt: Date.now() });

    const json = await view(run.id);
    expect(json.iterations.map((iteration) => iteration.state)).toEqual(['finished', 'partial', 'not-run']);
    const html = await page(`/runs/${run.id}`);
    expect(html).toContain('data-iteration="2" data-state="partial"');
    expect(html.match(/data-incomplete="partial"/g)).toHaveLength(3); // each of the three charts
    expect(html).toContain('data-release-state="none"');
  });

  it('gives the ETA with its range, and calls it rough until enough pairs settled', async () => {
    const run = await create('eta');
    await store.setStatus(run.id, 'running', { iteration: 1 });
    await store.initIteration(run.id, 1, 100);
    for (let pair = 0; pair < 5; pair++) await store.settlePair(run.id, 1, `p${pair}`, 'accepted', {});
    await new Promise((resolve) => setTimeout(resolve, 20));
    const rough = await view(run.id);
    expect(rough.progress.eta).toMatchObject({ sampleSize: 5, rough: true });
    expect(rough.progress.eta!.lowMs).toBeLessThan(rough.progress.eta!.etaMs);
    expect(rough.progress.eta!.highMs).toBeCloseTo(rough.progress.eta!.etaMs * (1 + 1 / Math.sqrt(5)), 0);
    expect(await page(`/runs/${run.id}`)).toMatch(/data-field="eta">~[^<]*, rough \(pace from 5 pairs; /);
    for (let pair = 5; pair < 30; pair++) await store.settlePair(run.id, 1, `p${pair}`, 'accepted', {});
    expect((await view(run.id)).progress.eta).toMatchObject({ sampleSize: 30, rough: false });
  });

  it('shows spend against the budget', async () => {
    const run = await create('budget', 'budget: { maxCostUsd: 2, maxTokens: 1000000 }');
    const json = await view(run.id);
    expect(json.budget).toEqual({ costUsd: 0, maxCostUsd: 2, tokens: 0, maxTokens: 1_000_000 });
    const html = await page(`/runs/${run.id}`);
    expect(html).toContain('$0 of $2.00 budget (0%)');
    expect(html).toContain('0 of 1,000,000 budget (0%)');
  });

  it('says plainly when no scheduler drives a run, and cancelling it then ends it at once', async () => {
    const undriven = await create('undriven');
    expect((await view(undriven.id)).driver).toEqual({ state: 'waiting-for-scheduler' });
    expect(await page(`/runs/${undriven.id}`)).toContain(
      'Waiting for a scheduler: start <code>parley scheduler</code>',
    );
    const post = (route: string) =>
      fetch(new URL(route, test.dashboard.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-parley-request': '1' },
        body: '{}',
      });
    const cancelled = await post(`/api/runs/${undriven.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ outcome: 'cancelled', run: { status: 'cancelled' } });
    expect((await post(`/api/runs/${undriven.id}/cancel`)).status).toBe(409);

    // A run a scheduler holds is only asked to stop: its scheduler ends it.
    const driven = await create('driven');
    await store.acquireLease(driven.id, 'scheduler-test', 10_000);
    expect((await view(driven.id)).driver).toEqual({ state: 'scheduler', holder: 'scheduler-test' });
    const requested = await post(`/api/runs/${driven.id}/cancel`);
    expect(requested.status).toBe(202);
    expect(await requested.json()).toMatchObject({
      outcome: 'requested',
      run: { status: 'pending', cancelRequested: true },
    });
    // Started, then its scheduler died (the lease lapsed): said too.
    const orphan = await create('orphan');
    await store.setStatus(orphan.id, 'running');
    expect(await page(`/runs/${orphan.id}`)).toContain('data-driver="no-scheduler"');
  });

  it('lists the failed jobs of a run with their reasons and Bull Board links', async () => {
    const run = await create('jobs');
    const generate = new Queue(QUEUE_NAMES.generate, { connection: test.redis, prefix: test.prefix });
    queues.push(generate);
    await generate.obliterate({ force: true });
    const failing = [`${run.id}.1.p1.0`, `${run.id}.1.p2.1`, 'someone-else.1.p1.0'];
    for (const jobId of failing) await generate.add('generate', {}, { jobId, attempts: 1 });
    const connection = test.redis.duplicate({ maxRetriesPerRequest: null });
    const worker = new Worker(
      QUEUE_NAMES.generate,
      async (job) => {
        throw new UnrecoverableError(
          job.id!.endsWith('.0')
            ? 'LLM_AUTHENTICATION: openai:gpt-4o-mini: HTTP 401: 401 Incorrect key sk-test-secret-value-123'
            : 'openai:gpt-4o-mini: timed out (Request timed out.)',
        );
      },
      { connection, prefix: test.prefix },
    );
    let failed = 0;
    await new Promise<void>((resolve) => {
      worker.on('failed', () => {
        failed += 1;
        if (failed === failing.length) resolve();
      });
    });
    await worker.close();
    connection.disconnect();

    const html = await page(`/runs/${run.id}/jobs`);
    expect(html).toContain('data-jobs="2"');
    expect(html).not.toContain('someone-else');
    expect(html).toContain(`href="/queues/queue/generate/${run.id}.1.p1.0" data-link="board"`);
    expect(html).toMatch(/data-field="category">provider-error \(401\)</);
    expect(html).toMatch(/data-field="category">timeout</);
    // Secrets the dashboard knows never show.
    expect(html).not.toContain('sk-test-secret-value-123');
    expect(await page(`/runs/${run.id}/jobs?queue=select&state=failed`)).toContain('data-jobs="0"');
    expect(await page(`/runs/${run.id}/jobs?state=waiting`)).toContain('No waiting job of this run');
    expect((await get(`/runs/${run.id}/jobs?state=bogus`)).status).toBe(400);
    expect((await get(`/runs/${run.id}/jobs?queue=nope`)).status).toBe(400);
    expect((await get('/runs/no-such-run/jobs')).status).toBe(404);
    // The run page links to it.
    expect(await page(`/runs/${run.id}`)).toContain(
      `href="/runs/${run.id}/jobs" data-link="run-jobs">filter jobs by run</a>`,
    );
  });

  it('serves only the manifest and the dataset card, from inside the run folder', async () => {
    const run = await create('files');
    await mkdir(run.runFolder, { recursive: true });
    expect((await get(`/runs/${run.id}/files/manifest.json`)).status).toBe(404);
    await writeFile(
      path.join(run.runFolder, 'manifest.json'),
      '{"runId":"files","note":"sk-test-secret-value-123"}',
    );
    await writeFile(path.join(run.runFolder, 'README.md'), '# Dataset card\n<script>alert(1)</script>\n');
    await writeFile(path.join(run.runFolder, 'conversations.jsonl'), '{}\n');

    const manifest = await get(`/runs/${run.id}/files/manifest.json`);
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(manifest.headers.get('content-security-policy')).toContain("default-src 'none'");
    const text = await manifest.text();
    expect(text).toContain('"runId":"files"');
    expect(text).not.toContain('sk-test-secret-value-123');
    const card = await get(`/runs/${run.id}/files/README.md`);
    expect(card.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await card.text()).toContain('# Dataset card');

    // No other name, no path: every other file is unknown to the dashboard.
    for (const route of [
      `/runs/${run.id}/files/conversations.jsonl`,
      `/runs/${run.id}/files/..%2Fmanifest.json`,
      `/runs/${run.id}/files/`,
      `/runs/${run.id}/files/manifest.json/x`,
    ]) {
      expect([400, 404], route).toContain((await get(route)).status);
    }
    // A manifest that is a symlink (to a file outside the folder) is refused.
    const outside = path.join(folder, 'outside.txt');
    await writeFile(outside, 'secret outside the run folder');
    await rm(path.join(run.runFolder, 'manifest.json'));
    await symlink(outside, path.join(run.runFolder, 'manifest.json'));
    const refused = await get(`/runs/${run.id}/files/manifest.json`);
    expect(refused.status).toBe(404);
    expect(await refused.text()).not.toContain('secret outside');
    // An invalid manifest is reported on the page, not served as a release.
    await rm(path.join(run.runFolder, 'manifest.json'));
    await writeFile(path.join(run.runFolder, 'manifest.json'), '{"format":"nope"}');
    await store.setStatus(run.id, 'completed', { finishedAt: Date.now() });
    const json = await view(run.id);
    expect(json.release.state).toBe('invalid');
  });
});
