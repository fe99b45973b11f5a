import { QUEUE_NAMES } from '@parley/core';
import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDashboard, type TestDashboard } from './dashboard-test-support';

interface BoardJob {
  id: string;
  data: Record<string, unknown>;
  failedReason?: string;
  stacktrace?: string[];
}

async function boardJobs(
  test: TestDashboard,
  queue: string,
  status: string,
): Promise<{ text: string; jobs: BoardJob[] }> {
  const url = new URL('/queues/api/queues', test.dashboard.url);
  url.search = new URLSearchParams({ activeQueue: queue, status, page: '1', jobsPerPage: '10' }).toString();
  const response = await fetch(url);
  expect(response.status).toBe(200);
  const text = await response.text();
  const body = JSON.parse(text) as { queues: Array<{ name: string; jobs: BoardJob[] }> };
  return { text, jobs: body.queues.find((entry) => entry.name === queue)?.jobs ?? [] };
}

describe('Bull Board', () => {
  let test: TestDashboard;
  let generate: Queue;
  let select: Queue;

  beforeAll(async () => {
    test = await startTestDashboard();
    generate = new Queue(QUEUE_NAMES.generate, { connection: test.redis, prefix: test.prefix });
    select = new Queue(QUEUE_NAMES.select, { connection: test.redis, prefix: test.prefix });
    await generate.add(
      'generate',
      {
        runId: 'board-run',
        apiKey: 'sk-job-data-secret-1',
        endpoint: 'http://someone:pw-in-job-url-2@127.0.0.1:9/v1',
        pair: {
          text: 'long '.repeat(400),
          personas: Array.from({ length: 40 }, (_, index) => `I like ${index}.`),
        },
      },
      { jobId: 'board-run.1.pair-1.0' },
    );
    await select.add('select', { runId: 'board-run' }, { attempts: 1 });
    const connection = test.redis.duplicate({ maxRetriesPerRequest: null });
    const worker = new Worker(
      QUEUE_NAMES.select,
      async () => {
        throw new Error('provider said: Authorization: Bearer sk-failure-reason-secret-3');
      },
      { connection, prefix: test.prefix },
    );
    await new Promise<void>((resolve) => worker.once('failed', () => resolve()));
    await worker.close();
    connection.disconnect();
  });

  afterAll(async () => {
    await generate.close();
    await select.close();
    await test.close();
  });

  it('lists every Parley queue', async () => {
    const response = await fetch(new URL('/queues/api/queues', test.dashboard.url));
    const body = (await response.json()) as { queues: Array<{ name: string; readOnlyMode: boolean }> };
    expect(body.queues.map((queue) => queue.name).sort()).toEqual(Object.values(QUEUE_NAMES).sort());
    expect(body.queues.every((queue) => queue.readOnlyMode)).toBe(true);
  });

  it('trims job payloads and redacts secrets in data, failure reasons and stack traces', async () => {
    const waiting = await boardJobs(test, QUEUE_NAMES.generate, 'waiting');
    const [job] = waiting.jobs;
    expect(job?.id).toBe('board-run.1.pair-1.0');
    expect(job?.data.apiKey).toBe('[REDACTED]');
    expect(job?.data.runId).toBe('board-run');
    const pair = job?.data.pair as { text: string; personas: string[] };
    expect(pair.text.length).toBeLessThan(400);
    expect(pair.text).toMatch(/… \[\d+ more characters\]$/);
    expect(pair.personas).toHaveLength(13);
    expect(pair.personas.at(-1)).toBe('[… 28 more items]');
    expect(waiting.text).not.toContain('sk-job-data-secret-1');
    expect(waiting.text).not.toContain('pw-in-job-url-2');

    const failed = await boardJobs(test, QUEUE_NAMES.select, 'failed');
    expect(failed.jobs).toHaveLength(1);
    expect(failed.jobs[0]?.failedReason).toContain('Bearer [REDACTED]');
    expect(failed.text).not.toContain('sk-failure-reason-secret-3');
  });

  it('refuses every write action in read-only mode and changes nothing', async () => {
    const board = (route: string, method: string, body?: unknown) =>
      fetch(new URL(`/queues/api/${route}`, test.dashboard.url), {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const attempts: Array<[string, string, unknown?]> = [
      ['queues/generate/pause', 'PUT'],
      ['queues/pause', 'PUT'],
      ['queues/generate/add', 'POST', { name: 'intruder', data: {} }],
      ['queues/generate/empty', 'PUT'],
      ['queues/select/retry/failed', 'PUT'],
      ['queues/generate/board-run.1.pair-1.0/clean', 'PUT'],
      ['queues/generate/obliterate', 'PUT'],
    ];
    for (const [route, method, body] of attempts) {
      expect((await board(route, method, body)).status, `${method} ${route}`).toBe(405);
    }
    expect(await generate.isPaused()).toBe(false);
    expect(await generate.getJobCounts('waiting')).toEqual({ waiting: 1 });
    expect(await select.getJobCounts('failed')).toEqual({ failed: 1 });
  });
});

describe('Bull Board with actions allowed', () => {
  it('pauses and resumes a queue', async () => {
    const test = await startTestDashboard({ allowActions: true });
    const queue = new Queue(QUEUE_NAMES.generate, { connection: test.redis, prefix: test.prefix });
    try {
      const pause = await fetch(new URL('/queues/api/queues/generate/pause', test.dashboard.url), {
        method: 'PUT',
      });
      expect(pause.status).toBeLessThan(300);
      expect(await queue.isPaused()).toBe(true);
      await fetch(new URL('/queues/api/queues/generate/resume', test.dashboard.url), { method: 'PUT' });
      expect(await queue.isPaused()).toBe(false);
    } finally {
      await queue.close();
      await test.close();
    }
  });
});
