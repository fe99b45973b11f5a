import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseRunConfig, RunStore } from '@parley/core';
import { type RunningSimulator, startSimulator } from '@parley/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRun } from '../create-run';
import { startTestDashboard, type TestDashboard } from './dashboard-test-support';
import { DEFAULT_MODEL_CONNECTIONS } from './model-connection-allowlist';
import type { RunView } from './run-view';

const SEED = path.resolve(import.meta.dirname, '../../../../seeds/parley-seed.jsonl');

// Preflight probes every model with a real request: the simulator answers as OpenAI does.
let providerUrl = '';

function job(name: string, output: string, extra = ''): string {
  return `name: ${name}
seed:
  path: ${SEED}
output:
  dir: ${output}
iterations: 3
pairs: 10
models:
  sim:
    provider: simulator
    model: parley-sim-1
  local:
    provider: openai-compatible
    model: llama
    baseURL: ${providerUrl}/v1
generator:
  model: sim
critic:
  model: sim
${extra}`;
}

describe('the run API', () => {
  let test: TestDashboard;
  let folder: string;
  let store: RunStore;
  const post = (route: string, body: unknown, contentType = 'application/json') =>
    fetch(new URL(route, test.dashboard.url), {
      method: 'POST',
      // What Parley's clients send with every write: the cross-site request guard needs it.
      headers: { 'content-type': contentType, 'x-parley-request': '1' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const get = (route: string) => fetch(new URL(route, test.dashboard.url));

  let provider: RunningSimulator;
  beforeAll(async () => {
    provider = await startSimulator({ latencyMs: 0 });
    providerUrl = provider.url;
    folder = await mkdtemp(path.join(os.tmpdir(), 'parley-api-'));
    await mkdir(path.join(folder, 'jobs'));
    await writeFile(path.join(folder, 'jobs', 'file-job.yaml'), job('from-file', '../releases'));
    await writeFile(path.join(folder, 'outside.yaml'), job('outside', './releases'));
    test = await startTestDashboard({
      jobsDirectory: path.join(folder, 'jobs'),
      environment: { PARLEY_SIMULATOR_URL: providerUrl },
      postedJobs: {
        dataRoots: [folder, path.dirname(SEED)],
        outputRoots: [folder],
        modelConnections: [
          ...DEFAULT_MODEL_CONNECTIONS,
          { provider: 'openai-compatible', baseURL: `${providerUrl}/v1` },
        ],
      },
    });
    store = new RunStore(test.redis, test.prefix);
  });
  afterAll(async () => {
    await test.close();
    await provider.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('creates a run from posted job text and shows it', async () => {
    const created = await post('/api/runs', { job: job('posted', path.join(folder, 'out')) });
    expect(created.status).toBe(201);
    const { run } = (await created.json()) as { run: { id: string; status: string; simulatorUrl: string } };
    expect(run.status).toBe('pending');
    expect(run.simulatorUrl).toBe(providerUrl);
    expect((await store.getRun(run.id))?.runFolder).toBe(path.join(folder, 'out', run.id));

    const listed = (await (await get('/api/runs')).json()) as { runs: Array<{ run: { id: string } }> };
    expect(listed.runs.map((summary) => summary.run.id)).toContain(run.id);

    const shown = await get(`/api/runs/${run.id}`);
    expect(shown.status).toBe(200);
    const view = (await shown.json()) as RunView;
    expect(view.iterations.map((iteration) => iteration.iteration)).toEqual([1, 2, 3]);
    expect(view.config?.models.local?.baseURL).toBe(`${providerUrl}/v1`);
    expect(view.progress).toMatchObject({ pairsDone: 0, pairsPlanned: 30, etaMs: null });
  });

  it('never shows credentials a stored config or run record carries', async () => {
    // Preflight refuses such URLs; a run stored by other means must still not leak them.
    const config = parseRunConfig(job('leaky', path.join(folder, 'out')), 'job');
    const local = config.models.local!;
    config.models.local = {
      ...local,
      baseURL: 'http://someone:pw-in-url-9731@127.0.0.1:9/v1?api_key=key-in-query-5521',
    };
    await createRun(store, config, {
      runId: 'api-leaky-run',
      simulatorUrl: 'http://sim:pw-in-simulator-url-8823@127.0.0.1:9',
    });
    await store.setStatus('api-leaky-run', 'failed', {
      error: 'call failed: Authorization: Bearer sk-in-error-message-7777 <script>alert(1)</script>',
    });
    for (const route of ['/api/runs/api-leaky-run', '/api/runs', '/runs/api-leaky-run', '/']) {
      const text = await (await get(route)).text();
      for (const secret of [
        'pw-in-url-9731',
        'key-in-query-5521',
        'pw-in-simulator-url-8823',
        'sk-in-error-message-7777',
      ])
        expect(text, `${route} shows ${secret}`).not.toContain(secret);
    }
    // Text from runs is escaped, never markup.
    const page = await (await get('/runs/api-leaky-run')).text();
    expect(page).not.toContain('<script>alert(1)</script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('creates a run from a job file in the jobs directory, once per run id', async () => {
    const first = await post('/api/runs', { jobFile: 'file-job.yaml', runId: 'api-file-run' });
    expect(first.status).toBe(201);
    const run = await store.getRun('api-file-run');
    expect(run?.runFolder).toBe(path.join(folder, 'releases', 'api-file-run'));
    const again = await post('/api/runs', { jobFile: 'file-job.yaml', runId: 'api-file-run' });
    expect(again.status).toBe(409);
  });

  it('answers 400 with every problem of a bad job, and creates nothing', async () => {
    const before = (await store.listRuns()).length;
    const response = await post('/api/runs', {
      job: `name: bad name
seed: { path: ${SEED} }
iterations: 0
models:
  sim: { provider: simulator, model: s }
generator: { model: missing }
critic: { model: sim }
`,
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      problems: Array<{ path: string; message: string; line?: number }>;
    };
    expect(body.problems.map((problem) => problem.path).sort()).toEqual([
      'generator.model',
      'iterations',
      'name',
    ]);
    expect(body.problems.find((problem) => problem.path === 'iterations')?.line).toBe(3);

    const missingKey = await post('/api/runs', {
      job: job('keys', path.join(folder, 'out'), '').replace('provider: simulator', 'provider: openai'),
    });
    expect(missingKey.status).toBe(400);
    const keyProblems = (await missingKey.json()) as { problems: Array<{ path: string; message: string }> };
    expect(keyProblems.problems.map((problem) => problem.path)).toContain('models.sim.apiKeyEnv');

    const missingSeed = await post('/api/runs', {
      job: job('seedless', path.join(folder, 'out')).replace(SEED, path.join(folder, 'no-such-seed.jsonl')),
    });
    expect(missingSeed.status).toBe(400);
    expect(JSON.stringify(await missingSeed.json())).toContain('no-such-seed.jsonl');
    expect((await store.listRuns()).length).toBe(before);
  });

  it('validates the request itself', async () => {
    const cases: Array<[unknown, number, RegExp]> = [
      [{}, 400, /exactly one/],
      [{ job: 'x', jobFile: 'y.yaml' }, 400, /exactly one/],
      [{ job: 'x', unexpected: 1 }, 400, /unexpected|Unrecognized/i],
      [{ jobFile: '../outside.yaml' }, 400, /inside the jobs directory/],
      [{ jobFile: '/etc/passwd' }, 400, /inside the jobs directory/],
      [{ jobFile: 'file-job.txt' }, 400, /yaml/],
      [{ job: job('id', folder), runId: 'has:colon' }, 400, /letters, digits/],
    ];
    for (const [body, status, message] of cases) {
      const response = await post('/api/runs', body);
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect(await response.text(), JSON.stringify(body)).toMatch(message);
    }
    // A cross-site form can only send form or text bodies: those are refused.
    expect((await post('/api/runs', 'job=x', 'application/x-www-form-urlencoded')).status).toBe(415);
    expect((await post('/api/runs', '{"job":"x"}', 'text/plain')).status).toBe(415);
    expect((await get('/api/runs?limit=0')).status).toBe(400);
    expect((await get('/api/runs/no:such')).status).toBe(400);
    expect((await get('/api/runs/no-such-run')).status).toBe(404);
  });

  it('cancels a run once, and refuses finished or unknown runs', async () => {
    await post('/api/runs', { job: job('cancel', path.join(folder, 'out')), runId: 'api-cancel-run' });
    const cancelled = await post('/api/runs/api-cancel-run/cancel', {});
    // No scheduler drives it, so it is cancelled at once.
    expect(cancelled.status).toBe(200);
    expect((await store.getRun('api-cancel-run'))?.cancelRequested).toBe(true);
    await store.setStatus('api-cancel-run', 'cancelled');
    expect((await post('/api/runs/api-cancel-run/cancel', {})).status).toBe(409);
    expect((await post('/api/runs/no-such-run/cancel', {})).status).toBe(404);
    expect((await post('/api/runs/api-cancel-run/cancel', '', 'text/plain')).status).toBe(415);
  });

  it('shows progress, pace and ETA of a running iteration, and an unreadable eval.json', async () => {
    await post('/api/runs', { job: job('progress', path.join(folder, 'out')), runId: 'api-progress-run' });
    await store.setStatus('api-progress-run', 'running', { iteration: 1 });
    await store.initIteration('api-progress-run', 1, 10);
    await store.settlePair('api-progress-run', 1, 'p1', 'accepted', { toxicity: { passed: 2, total: 2 } });
    await store.settlePair('api-progress-run', 1, 'p2', 'accepted', { toxicity: { passed: 1, total: 2 } });
    await store.settlePair('api-progress-run', 1, 'p3', 'rejected', { toxicity: { passed: 0, total: 2 } });
    await store.settlePair('api-progress-run', 1, 'p4', 'failed', {});
    await new Promise((resolve) => setTimeout(resolve, 20));
    const view = (await (await get('/api/runs/api-progress-run')).json()) as RunView;
    const [first] = view.iterations;
    expect(first).toMatchObject({ state: 'running', planned: 10, done: 4, accepted: 2, acceptanceRate: 0.5 });
    expect(first?.experts.toxicity).toEqual({ passed: 3, total: 6, unparseable: 0, passRate: 0.5 });
    expect(first?.pairsPerMinute).toBeGreaterThan(0);
    expect(view.progress.pairsPlanned).toBe(30);
    // 26 pairs left at the current pace.
    expect(view.progress.etaMs).toBeCloseTo((26 / first!.pairsPerMinute!) * 60_000, -2);

    const runFolder = (await store.getRun('api-progress-run'))!.runFolder;
    await mkdir(runFolder, { recursive: true });
    await writeFile(path.join(runFolder, 'eval.json'), '{"iterations": [{"iteration": 1, "losingRate": 0.');
    const page = await (await get('/runs/api-progress-run')).text();
    expect(page).toContain('eval.json: not valid JSON');
    expect(page).toContain('data-status="running"');
    const withEval = await (await get('/api/runs/api-progress-run')).json();
    expect((withEval as RunView).evaluation?.problem).toMatch(/not valid JSON/);
  });
});
