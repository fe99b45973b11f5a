import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  createRedisConnection,
  type ExpertVerdict,
  keyPrefix,
  QUEUE_NAMES,
  RunStore,
  runConfigSchema,
  type SelectResult,
  withSpentUsage,
} from '@parley/core';
import { FlowProducer, Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { createRun } from './create-run';
import { LineAppender } from './line-appender';
import { RunFolder } from './run-folder';
import { countExperts, processSettle, settleAsFailed } from './settle-processor';

const SEED = path.resolve(import.meta.dirname, '../../../seeds/parley-seed.jsonl');
const prefix = keyPrefix(`test-settle-failed-${randomUUID().slice(0, 8)}`);
const redis = createRedisConnection();
const store = new RunStore(redis, prefix);
const folders: string[] = [];

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

describe('settleAsFailed', () => {
  it('writes one failed line with the reason and settles the pair once', async () => {
    const output = await mkdtemp(path.join(os.tmpdir(), 'parley-settle-failed-'));
    folders.push(output);
    const config = runConfigSchema.parse({
      name: 'failed',
      seed: { path: SEED },
      output: { dir: output },
      models: { sim: { provider: 'simulator', model: 'parley-sim-1' } },
      generator: { model: 'sim' },
      critic: { model: 'sim' },
    });
    const run = await createRun(store, config, { runId: `failed-${randomUUID().slice(0, 8)}` });
    const appender = new LineAppender();
    const data = { runId: run.id, iteration: 1, pairId: 'pair-7' };
    await settleAsFailed(store, appender, data, 'persisting failed: ENOSPC');
    await settleAsFailed(store, appender, data, 'persisting failed: again');
    await appender.closeAll();

    expect(await store.isSettled(run.id, 1, 'pair-7')).toBe(true);
    expect((await store.iterationCounters(run.id, 1)).failed).toBe(1);
    // Counted once, by category, with the settle.
    expect((await store.iterationCounters(run.id, 1)).failures).toEqual({ other: 1 });
    const lines = (await readFile(new RunFolder(run.runFolder).rejectedLines(1), 'utf8')).trim().split('\n');
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      {
        run: run.id,
        iteration: 1,
        pair: 'pair-7',
        candidate: null,
        outcome: 'failed',
        expert: 'settle',
        reason: 'persisting failed: ENOSPC',
        verdicts: [],
      },
    ]);

    // A cancelled run's pairs are not settled any more.
    await store.requestCancel(run.id);
    await settleAsFailed(store, new LineAppender(), { ...data, pairId: 'pair-8' }, 'late');
    expect(await store.isSettled(run.id, 1, 'pair-8')).toBe(false);
  });
});

async function newRun(label: string) {
  const output = await mkdtemp(path.join(os.tmpdir(), `parley-settle-${label}-`));
  folders.push(output);
  const config = runConfigSchema.parse({
    name: label,
    seed: { path: SEED },
    output: { dir: output },
    models: { sim: { provider: 'simulator', model: 'parley-sim-1' } },
    generator: { model: 'sim' },
    critic: { model: 'sim' },
  });
  return createRun(store, config, { runId: `${label}-${randomUUID().slice(0, 8)}` });
}

/**
 * A real BullMQ settle ← select flow: a worker answers (or fails) the select job, and the
 * settle job, once its child is done, is handed to processSettle as the scheduler would.
 */
async function settleAfterSelect(
  runId: string,
  pairId: string,
  select: () => Promise<SelectResult>,
): Promise<string> {
  const connection = redis.duplicate({ maxRetriesPerRequest: null });
  const flows = new FlowProducer({ connection: redis, prefix });
  const settleQueue = new Queue(QUEUE_NAMES.settle, { connection: redis, prefix });
  const selectQueue = new Queue(QUEUE_NAMES.select, { connection: redis, prefix });
  const worker = new Worker(QUEUE_NAMES.select, select, { connection, prefix, concurrency: 1 });
  try {
    const base = { runId, iteration: 1, pairId };
    const id = `${runId}.1.${pairId}`;
    await flows.add({
      name: 'settle',
      queueName: QUEUE_NAMES.settle,
      data: base,
      opts: { jobId: id },
      children: [
        {
          name: 'select',
          queueName: QUEUE_NAMES.select,
          data: { ...base, candidates: 2 },
          opts: { jobId: id, attempts: 1, ignoreDependencyOnFailure: true },
        },
      ],
    });
    // The settle job leaves waiting-children once its select job is done, either way.
    for (let waited = 0; waited < 10_000; waited += 50) {
      if ((await settleQueue.getJobState(id)) === 'waiting') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const job = await Job.fromId(settleQueue, id);
    if (!job) throw new Error(`settle job ${id} is missing`);
    const appender = new LineAppender();
    const outcome = await processSettle(job, store, appender);
    await appender.closeAll();
    return outcome;
  } finally {
    await worker.close();
    for (const queue of [settleQueue, selectQueue]) {
      await queue.obliterate({ force: true });
      await queue.close();
    }
    await flows.close();
    connection.disconnect();
  }
}

describe('processSettle', () => {
  it('counts the failures of a pair by category, once, with the settle', async () => {
    const run = await newRun('categories');
    const base = { run: run.id, iteration: 1, pair: 'pair-1', verdicts: [] };
    const outcome = await settleAfterSelect(run.id, 'pair-1', async () => ({
      outcome: 'failed',
      rejected: [
        {
          ...base,
          candidate: 0,
          outcome: 'failed',
          expert: 'generate',
          reason:
            'LLM_AUTHENTICATION: anthropic:claude-3-5-haiku-latest: HTTP 401: 401 {"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}',
        },
        {
          ...base,
          candidate: 1,
          outcome: 'failed',
          expert: 'critique',
          reason: 'openai:gpt-4o-mini: timed out (Request timed out.)',
        },
      ],
    }));
    expect(outcome).toBe('failed');
    const counters = await store.iterationCounters(run.id, 1);
    expect(counters.failed).toBe(1);
    expect(counters.failures).toEqual({ 'provider-error (401 authentication_error)': 1, timeout: 1 });
    const lines = (await readFile(new RunFolder(run.runFolder).rejectedLines(1), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(2);
  });

  it("counts a select job that failed as the pair's failure, with its reason", async () => {
    const run = await newRun('select-failed');
    const outcome = await settleAfterSelect(run.id, 'pair-2', async () => {
      throw new UnrecoverableError(
        'BUDGET_EXCEEDED: run x: budget.maxCostUsd of 0.300000 USD would be exceeded (spent 0.300000, in flight 0.000000, this call up to 0.010000); no new LLM calls are started',
      );
    });
    expect(outcome).toBe('failed');
    expect((await store.iterationCounters(run.id, 1)).failures).toEqual({ budget: 1 });
    const [line] = (await readFile(new RunFolder(run.runFolder).rejectedLines(1), 'utf8')).trim().split('\n');
    expect(JSON.parse(line!)).toMatchObject({ candidate: null, outcome: 'failed', expert: 'select' });
  });

  it('keeps the tokens a failed select job was billed for, and not in its reason', async () => {
    const run = await newRun('select-spent');
    const outcome = await settleAfterSelect(run.id, 'pair-3', async () => {
      throw new UnrecoverableError(
        withSpentUsage('truncated: openai:gpt-4o-mini: the answer hit max_tokens', {
          inputTokens: 900,
          outputTokens: 256,
        }),
      );
    });
    expect(outcome).toBe('failed');
    expect((await store.iterationCounters(run.id, 1)).failures).toEqual({ truncated: 1 });
    const [line] = (await readFile(new RunFolder(run.runFolder).rejectedLines(1), 'utf8')).trim().split('\n');
    expect(JSON.parse(line!)).toMatchObject({
      expert: 'select',
      reason: 'truncated: openai:gpt-4o-mini: the answer hit max_tokens',
      usage: { inputTokens: 900, outputTokens: 256 },
    });
  });
});

describe('countExperts', () => {
  it('keeps unparseable answers apart from real verdicts, whichever way they decided', () => {
    const verdict = (expert: string, passed: boolean | undefined, extra: Partial<ExpertVerdict> = {}) =>
      ({ expert, kind: 'filter', passed, rationale: 'ok', ...extra }) as ExpertVerdict;
    expect(
      countExperts([
        verdict('structure', true),
        verdict('structure', false),
        verdict('faithfulness', true),
        verdict('faithfulness', false, { rationale: 'unparseable verdict (not valid JSON)', rawOutput: '{' }),
        // unparseableFilter: 'pass' lets it through; it is still no real verdict.
        verdict('toxicity', true, {
          rationale: 'unparseable verdict (does not match the schema)',
          rawOutput: '[]',
        }),
        // Rankers carry no `passed`: not counted.
        verdict('judge', undefined, { kind: 'ranker', score: 0.5 }),
      ]),
    ).toEqual({
      structure: { passed: 1, total: 2, unparseable: 0 },
      faithfulness: { passed: 1, total: 1, unparseable: 1 },
      toxicity: { passed: 0, total: 0, unparseable: 1 },
    });
  });
});
