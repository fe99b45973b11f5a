import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRedisConnection, keyPrefix, RunStore, runConfigSchema } from '@parley/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createRun } from './create-run';
import { LineAppender } from './line-appender';
import { RunFolder } from './run-folder';
import { settleAsFailed } from './settle-processor';

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
      seed: { path: '/nonexistent/seed.jsonl' },
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
