import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createLogger, createRedisConnection, keyPrefix, RunStore } from '@parley/core';
import {
  createRunPreparer,
  createRunReleaser,
  DEFAULT_MODEL_CONNECTIONS,
  type RunningDashboard,
  Scheduler,
  startDashboardServer,
} from '@parley/scheduler';
import { type RunningWorkers, startWorkerProcess } from '@parley/worker';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/parley-processes';
import { deleteNamespace } from '../support/redis-namespace';
import { testNamespace } from '../support/test-jobs';

const OPENAI_KEY = 'sk-parley-worker-key-7f3a91c2d4e5';
const ANTHROPIC_KEY = 'sk-ant-parley-worker-key-0b8e27';
const OTHER_KEY = 'other-secret-key-5c1d9e';

/**
 * The attack of the security review: a job posted to the run API names a base URL of the
 * caller's choosing, so that a worker sends its own API key there. With a scheduler and a
 * worker holding real keys running, the post must be refused and the listener must never see
 * a key (nor, for a refused post, any request at all).
 */
describe('the run API never sends a worker key where a posted job says', { timeout: 60_000 }, () => {
  const namespace = testNamespace('key-theft');
  const prefix = keyPrefix(namespace);
  const environment: NodeJS.ProcessEnv = {
    OPENAI_API_KEY: OPENAI_KEY,
    ANTHROPIC_API_KEY: ANTHROPIC_KEY,
    OTHER_PROVIDER_KEY: OTHER_KEY,
    PARLEY_NAMESPACE: namespace,
  };
  const seen: Array<{ url: string; headers: IncomingHttpHeaders; body: string }> = [];
  let listener: Server;
  let listenerUrl: string;
  let folder: string;
  let dashboard: RunningDashboard;
  let scheduler: Scheduler;
  let workers: RunningWorkers;
  let redis: Redis;
  let store: RunStore;

  beforeAll(async () => {
    listener = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        seen.push({ url: request.url ?? '', headers: request.headers, body });
        response.setHeader('content-type', 'application/json');
        // Answers like an OpenAI-compatible server, so the allowed job gets past preflight's
        // probe and its worker really calls this listener.
        response.end(
          JSON.stringify(
            request.url?.endsWith('/chat/completions')
              ? {
                  id: 'chatcmpl-listener',
                  object: 'chat.completion',
                  created: 0,
                  model: 'local-model',
                  choices: [
                    {
                      index: 0,
                      message: { role: 'assistant', content: 'ok', refusal: null },
                      finish_reason: 'stop',
                      logprobs: null,
                    },
                  ],
                  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
                }
              : { object: 'list', data: [] },
          ),
        );
      });
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    listenerUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
    folder = await mkdtemp(path.join(os.tmpdir(), 'parley-key-theft-'));
    await writeFile(path.join(folder, 'key.txt'), `${OTHER_KEY}\n`);
    const logger = createLogger({ name: 'key-theft-test', level: 'silent' });
    dashboard = await startDashboardServer({
      prefix,
      port: 0,
      environment,
      jobsDirectory: folder,
      postedJobs: {
        dataRoots: [folder, path.join(REPO_ROOT, 'seeds')],
        outputRoots: [folder],
        // The operator allows one keyless local server; posted jobs may name it, nothing else.
        modelConnections: [
          ...DEFAULT_MODEL_CONNECTIONS,
          { provider: 'openai-compatible', baseURL: `${listenerUrl}/allowed/v1` },
        ],
      },
    });
    redis = createRedisConnection();
    store = new RunStore(redis, prefix);
    workers = startWorkerProcess({
      prefix,
      logger,
      environment,
      concurrency: { generate: 2, critique: 2, select: 2, personas: 1 },
    });
    scheduler = new Scheduler({
      prefix,
      logger,
      prepare: createRunPreparer({ prefix, logger }),
      release: createRunReleaser({ store, redis }),
    });
    scheduler.start();
  });
  afterAll(async () => {
    await dashboard?.close();
    await scheduler?.close();
    await workers?.close(1_000);
    await redis?.quit();
    await new Promise((resolve) => listener.close(resolve));
    await deleteNamespace(namespace);
    await rm(folder, { recursive: true, force: true });
  });

  const post = (job: string) =>
    fetch(new URL('/api/runs', dashboard.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-parley-request': '1' },
      body: JSON.stringify({ job }),
    });
  const job = (model: string) => `name: stolen
seed: { path: ${path.join(REPO_ROOT, 'seeds/parley-seed.jsonl')} }
output: { dir: ${path.join(folder, 'releases')} }
iterations: 1
pairs: 2
models:
${model}
generator: { model: m }
critic: { model: m }
`;

  const attacks: Array<[string, string, string]> = [
    [
      'an openai binding at the caller URL',
      `  m: { provider: openai, model: gpt-4o-mini, baseURL: LISTENER/v1 }`,
      'models.m.baseURL',
    ],
    [
      'an anthropic binding at the caller URL',
      `  m: { provider: anthropic, model: claude-x, baseURL: LISTENER }`,
      'models.m.baseURL',
    ],
    [
      'a local server given the OpenAI key variable',
      `  m: { provider: openai-compatible, model: x, baseURL: LISTENER/v1, apiKeyEnv: OPENAI_API_KEY }`,
      'models.m.baseURL',
    ],
    [
      'the allowed local server given a key variable',
      `  m: { provider: openai-compatible, model: x, baseURL: LISTENER/allowed/v1, apiKeyEnv: OPENAI_API_KEY }`,
      'models.m.baseURL',
    ],
    [
      'the simulator given a key variable',
      `  m: { provider: simulator, model: s, baseURL: LISTENER, apiKeyEnv: OTHER_PROVIDER_KEY }`,
      'models.m.baseURL',
    ],
    [
      'openai with another key variable',
      `  m: { provider: openai, model: gpt-4o-mini, apiKeyEnv: OTHER_PROVIDER_KEY }`,
      'models.m.apiKeyEnv',
    ],
    [
      'openai with a key file',
      `  m: { provider: openai, model: gpt-4o-mini, apiKeyFile: key.txt }`,
      'models.m.apiKeyFile',
    ],
  ];

  for (const [label, binding, field] of attacks) {
    it(`refuses ${label} with 400 before any request leaves`, async () => {
      const before = seen.length;
      const response = await post(job(binding.replaceAll('LISTENER', listenerUrl)));
      const text = await response.text();
      expect(response.status, text).toBe(400);
      const answer = JSON.parse(text) as {
        problems: Array<{ path: string; message: string; line?: number }>;
      };
      const problem = answer.problems.find((candidate) => candidate.path === field);
      expect(problem?.message, text).toMatch(/cannot choose where a model is served or which key it sends/);
      expect(problem?.line).toBe(7);
      for (const secret of [OPENAI_KEY, ANTHROPIC_KEY, OTHER_KEY]) expect(text).not.toContain(secret);
      expect(seen.length, 'a refused job made a request').toBe(before);
      expect(await store.listRuns()).toEqual([]);
    });
  }

  it('lets a job use a connection the operator allowed, and still no key reaches it', async () => {
    const response = await post(
      job(`  m: { provider: openai-compatible, model: local-model, baseURL: ${listenerUrl}/allowed/v1 }`),
    );
    expect(response.status, await response.text()).toBe(201);
    // Give the scheduler and the worker time to call the server: they do (it is allowed), keyless.
    const completions = () => seen.filter((request) => request.url.includes('/chat/completions')).length;
    // The first completion is preflight's probe; the worker's calls come after it.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && completions() < 2)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(completions()).toBeGreaterThanOrEqual(2);
  });

  it('no request the listener saw carried a key', () => {
    for (const request of seen) {
      const everything = JSON.stringify(request);
      for (const secret of [OPENAI_KEY, ANTHROPIC_KEY, OTHER_KEY]) expect(everything).not.toContain(secret);
    }
  });
});
