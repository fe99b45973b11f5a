import { randomUUID } from 'node:crypto';
import { createRedisConnection, keyPrefix, type RunConfigInput, validateRunConfig } from '@parley/core';
import { type ChatMessage, createModelRegistry, type ModelRegistry, stopBatchSubmitters } from '@parley/llm';
import { type RunningSimulator, type SimulatorBatchStats, startSimulator } from '@parley/simulator';
import { DelayedError, type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { deleteNamespace } from '../../../test/support/redis-namespace';
import { delayUntilBatchAnswers } from './batch-yield-job';
import { runQueueJob } from './run-queue-job';

// A job whose batch call has not been answered gives its worker slot back (moved to delayed)
// and collects the answer when it runs again: a worker of concurrency 1 fills a whole batch.

const redis = createRedisConnection();
const logger = pino({ level: 'silent' });
const namespaces: string[] = [];
let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator({ seed: 4, batch: { completionDelayMs: 200 } });
});
afterEach(async () => {
  await stopBatchSubmitters();
});
afterAll(async () => {
  await simulator.close();
  for (const namespace of namespaces) await deleteNamespace(namespace);
  redis.disconnect();
});

function prompt(topic: string): ChatMessage[] {
  return [
    { role: 'system', content: 'You write one friendly line.' },
    { role: 'user', content: `Say something about ${topic}.` },
  ];
}

async function batchStats(): Promise<SimulatorBatchStats> {
  return simulator.batchStats();
}

/** A registry whose one model batches every call; a full batch is six requests. */
function batchRegistry(prefix: string, runId: string): ModelRegistry {
  const models: RunConfigInput['models'] = {
    gpt: {
      provider: 'openai',
      model: 'gpt-4.1-mini',
      baseURL: simulator.openaiBaseURL,
      price: { inputPerMillionTokens: 2, outputPerMillionTokens: 8 },
      execution: 'batch',
    },
  };
  return createModelRegistry({
    config: validateRunConfig(
      {
        name: 'yield-test',
        seed: { path: 'seeds/none.jsonl' },
        generator: { model: 'gpt' },
        critic: { model: 'gpt' },
        cache: { enabled: false },
        models,
      },
      'test config',
    ),
    redis,
    prefix,
    runId,
    environment: { OPENAI_API_KEY: 'sk-test-not-a-real-key' },
    // Only a full batch is cut before 30 s: six lines can meet only if six jobs wait at once.
    batch: {
      maxRequestsPerBatch: 6,
      maxWaitMs: 30_000,
      pollIntervalMs: 50,
      lockTtlMs: 2_000,
      yieldAfterMs: 100,
    },
  });
}

/** Runs `body` for each job data on one worker of concurrency 1 until every job completed. */
async function runJobs<T>(
  data: Array<Record<string, unknown>>,
  body: (job: Job, registry: ModelRegistry) => Promise<T>,
): Promise<{ results: T[]; jobs: Job[]; registry: ModelRegistry }> {
  const namespace = `yield-test-${randomUUID().slice(0, 8)}`;
  namespaces.push(namespace);
  const prefix = keyPrefix(namespace);
  const runId = `run-${namespace}`;
  const registry = batchRegistry(prefix, runId);
  const queue = new Queue('yield', { connection: redis, prefix });
  const blocking = createRedisConnection({ role: 'blocking' });
  const worker = new Worker(
    'yield',
    (job, token, signal) => runQueueJob(job, token, signal, (current) => body(current, registry), logger),
    { connection: blocking, prefix, concurrency: 1 },
  );
  try {
    const added = await queue.addBulk(data.map((item, index) => ({ name: `job-${index}`, data: item })));
    const deadline = Date.now() + 25_000;
    for (;;) {
      const counts = await queue.getJobCounts('completed', 'failed');
      if ((counts['completed'] ?? 0) + (counts['failed'] ?? 0) === data.length) break;
      if (Date.now() > deadline) throw new Error(`jobs still running: ${JSON.stringify(counts)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const jobs = await Promise.all(added.map(async (job) => (await queue.getJob(job.id!))!));
    expect(jobs.map((job) => job.failedReason ?? null)).toEqual(data.map(() => null));
    return { results: jobs.map((job) => job.returnvalue as T), jobs, registry };
  } finally {
    await worker.close();
    await queue.close();
    blocking.disconnect();
  }
}

describe('a queue job waiting for its batch', { timeout: 40_000 }, () => {
  it('gives its slot back: six jobs on a worker of concurrency 1 share one batch, each call paid once', async () => {
    const before = await batchStats();
    const topics = ['dogs', 'rain', 'chess', 'tea', 'trains', 'maps'];
    const { results, jobs, registry } = await runJobs(
      topics.map((topic) => ({ topic })),
      async (job, models) =>
        (await models.languageModel('gpt').generateText({ messages: prompt(String(job.data.topic)) })).text,
    );
    const after = await batchStats();
    // Held slots would have sent one line per 30 s batch; yielding jobs fill one batch at once.
    expect(after.batchesCreated.openai - before.batchesCreated.openai).toBe(1);
    expect(after.linesSubmitted - before.linesSubmitted).toBe(6);
    expect(after.linesSucceeded - before.linesSucceeded).toBe(6);
    expect(new Set(results).size).toBe(6);
    expect(results.every((text) => text.length > 0)).toBe(true);
    // Every job yielded at least once, and the ledger paid each answer once (a yield is no failure).
    expect(jobs.every((job) => (job.data.batchWait?.yields ?? 0) >= 1)).toBe(true);
    const usage = (await registry.usage()).byModel['gpt']!;
    expect(usage.calls).toBe(6);
    expect(usage.failedCalls).toBe(0);
  });

  it('runs a job with two batch calls in sequence to the end, yielding for each', async () => {
    const before = await batchStats();
    const { results, registry } = await runJobs(
      ['opera', 'kites', 'soup', 'bees', 'glass', 'moss'].map((topic) => ({ topic })),
      async (job, models) => {
        const model = models.languageModel('gpt');
        const first = await model.generateText({ messages: prompt(String(job.data.topic)) });
        const second = await model.generateText({ messages: prompt(`${job.data.topic}, once more`) });
        return [first.text, second.text];
      },
    );
    const after = await batchStats();
    expect(results.every(([first, second]) => first!.length > 0 && second!.length > 0)).toBe(true);
    // First calls fill one batch, second calls the next.
    expect(after.batchesCreated.openai - before.batchesCreated.openai).toBe(2);
    expect(after.linesSucceeded - before.linesSucceeded).toBe(12);
    expect((await registry.usage()).byModel['gpt']!.calls).toBe(12);
  });
});

describe('delayUntilBatchAnswers', () => {
  function fakeJob(data: Record<string, unknown>) {
    return {
      data,
      updateData: vi.fn(async (next: Record<string, unknown>) => {
        data = next;
      }),
      moveToDelayed: vi.fn(async () => undefined),
    };
  }
  const yielded = { pollIntervalMs: 1_000, giveUpAfterMs: 10 * 3_600_000 };

  it('delays the job by the poll interval, doubling with each yield up to five minutes', async () => {
    const job = fakeJob({ pair: 1 });
    const now = 1_000_000;
    await expect(delayUntilBatchAnswers(job as unknown as Job, 'token', yielded, now)).rejects.toBeInstanceOf(
      DelayedError,
    );
    expect(job.updateData).toHaveBeenCalledWith({ pair: 1, batchWait: { sinceMs: now, yields: 1 } });
    expect(job.moveToDelayed).toHaveBeenCalledWith(now + 1_000, 'token');
    const later = fakeJob({ pair: 1, batchWait: { sinceMs: now, yields: 3 } });
    await expect(
      delayUntilBatchAnswers(later as unknown as Job, 'token', yielded, now + 5),
    ).rejects.toThrow();
    expect(later.moveToDelayed).toHaveBeenCalledWith(now + 5 + 8_000, 'token');
    const long = fakeJob({ batchWait: { sinceMs: now, yields: 12 } });
    await expect(delayUntilBatchAnswers(long as unknown as Job, 'token', yielded, now)).rejects.toThrow();
    expect(long.moveToDelayed).toHaveBeenCalledWith(now + 300_000, 'token');
  });

  it('fails the job as a timeout once it has waited longer than every batch round allows', async () => {
    const job = fakeJob({ batchWait: { sinceMs: 0, yields: 40 } });
    const error = await delayUntilBatchAnswers(
      job as unknown as Job,
      'token',
      yielded,
      10 * 3_600_000 + 1,
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toMatch(/^timeout: the batch answers did not arrive in 10\.0 h/);
    expect(job.moveToDelayed).not.toHaveBeenCalled();
  });
});
