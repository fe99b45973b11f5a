import path from 'node:path';
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

// Where a worker failed: shown relative to the dashboard's working directory, never absolute.
const PRIVATE_FILE = path.join(process.cwd(), 'seeds', 'private-notes.jsonl');
// Passes the cross-site request guard, so these tests see what Bull Board decides.
const SAME_SITE = { 'x-parley-request': '1' };
// An absolute path as it appears in a stack frame: `(/home/...`, ` /srv/...`, `file:///...`.
const ABSOLUTE_PATH = /(?:^|[\s('"@])\/[\w.-]+\/|file:\/\//m;

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
        throw new Error(
          `provider said: Authorization: Bearer sk-failure-reason-secret-3 while reading ${PRIVATE_FILE}`,
        );
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

  it('shows stack traces and failure reasons without absolute paths', async () => {
    const failed = await boardJobs(test, QUEUE_NAMES.select, 'failed');
    const [job] = failed.jobs;
    const stacktrace = job?.stacktrace ?? [];
    expect(stacktrace.length).toBeGreaterThan(0);
    const [trace = ''] = stacktrace;
    expect(trace.split('\n')[0]).toBe(
      'Error: provider said: Authorization: Bearer [REDACTED] while reading seeds/private-notes.jsonl',
    );
    // The frames stay, with paths relative to the working directory.
    expect(trace).toMatch(/\n {4}at .*apps\/scheduler\/src\/http\/bull-board-router\.test\.ts:\d+:\d+/);
    expect(job?.failedReason).toMatch(/while reading seeds\/private-notes\.jsonl$/);
    expect(failed.text).not.toContain(process.cwd());
    for (const entry of stacktrace) expect(entry).not.toMatch(ABSOLUTE_PATH);

    const single = await fetch(
      new URL(`/queues/api/queues/${QUEUE_NAMES.select}/${job?.id}`, test.dashboard.url),
    );
    expect(single.status).toBe(200);
    const text = await single.text();
    expect(text).not.toContain(process.cwd());
    const shown = JSON.parse(text) as { job: BoardJob };
    for (const entry of shown.job.stacktrace ?? []) expect(entry).not.toMatch(ABSOLUTE_PATH);
  });

  it('answers Redis stats without versions, the operating system or the port', async () => {
    const response = await fetch(new URL('/queues/api/redis/stats', test.dashboard.url));
    expect(response.status).toBe(200);
    const text = await response.text();
    const stats = JSON.parse(text) as Record<string, unknown> & {
      memory: { used: number };
      clients: { connected: number };
      uptime: number;
    };
    const info = await test.redis.info('server');
    const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? '';
    for (const detail of [
      field('redis_version'),
      field('os'),
      field('redis_build_id'),
      field('executable'),
    ]) {
      expect(detail).not.toBe('');
      expect(text).not.toContain(detail);
    }
    expect(Object.keys(stats).sort()).toEqual(['backend', 'clients', 'memory', 'uptime', 'version']);
    expect(stats.version).toBe('hidden');
    // What Bull Board's Redis panel draws stays: memory, clients, uptime.
    expect(stats.memory.used).toBeGreaterThan(0);
    expect(stats.clients.connected).toBeGreaterThan(0);
    expect(stats.uptime).toBeGreaterThanOrEqual(0);
  });

  it('tells the board to show times in UTC', async () => {
    const page = await (await fetch(new URL('/queues/', test.dashboard.url))).text();
    const config = /<script id="__UI_CONFIG__" type="application\/json">(.*?)<\/script>/s.exec(page)?.[1];
    const formats = (
      JSON.parse(config ?? '{}') as { dateFormats?: Record<string, Intl.DateTimeFormatOptions> }
    ).dateFormats;
    expect(Object.keys(formats ?? {}).sort()).toEqual(['common', 'full', 'short']);
    // 2026-11-27 15:41:57 UTC, as the board's own formatter (Intl.DateTimeFormat) writes it.
    const instant = Date.UTC(2026, 10, 27, 15, 41, 57);
    for (const [name, options] of Object.entries(formats ?? {})) {
      expect(options.timeZone, name).toBe('UTC');
      expect(new Intl.DateTimeFormat('en-US', options).format(instant), name).toMatch(/15:41:57 UTC$/);
    }
  });

  it('refuses every write action in read-only mode and changes nothing', async () => {
    const board = (route: string, method: string, body?: unknown) =>
      fetch(new URL(`/queues/api/${route}`, test.dashboard.url), {
        method,
        headers: { 'content-type': 'application/json', ...SAME_SITE },
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
        headers: SAME_SITE,
      });
      expect(pause.status).toBeLessThan(300);
      expect(await queue.isPaused()).toBe(true);
      await fetch(new URL('/queues/api/queues/generate/resume', test.dashboard.url), {
        method: 'PUT',
        headers: SAME_SITE,
      });
      expect(await queue.isPaused()).toBe(false);
    } finally {
      await queue.close();
      await test.close();
    }
  });
});
