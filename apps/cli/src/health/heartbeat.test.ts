import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRedisConnection } from '@parley/core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../main';
import { heartbeatProblem, startHeartbeat } from './heartbeat';

describe('heartbeat and `parley health`', () => {
  let folder: string;
  let output = '';
  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'parley-heartbeat-'));
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));
  afterEach(() => {
    vi.restoreAllMocks();
    output = '';
  });
  const capture = () => {
    for (const stream of [process.stdout, process.stderr])
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        output += String(chunk);
        return true;
      });
  };

  it('touches the file while Redis answers, and stops touching it when Redis is gone', async () => {
    const file = path.join(folder, 'beat');
    const redis = createRedisConnection();
    const heartbeat = startHeartbeat(file, redis, 50);
    await vi.waitFor(async () => expect(await heartbeatProblem(file, 5_000)).toBeUndefined(), {
      timeout: 5_000,
    });
    heartbeat.stop();
    redis.disconnect();

    // A Redis that never answers: no file is ever written.
    const unreachable = path.join(folder, 'never');
    const dead = createRedisConnection({
      url: 'redis://127.0.0.1:1',
      extra: { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true },
    });
    dead.on('error', () => {});
    const deadBeat = startHeartbeat(unreachable, dead, 50);
    await new Promise((resolve) => setTimeout(resolve, 300));
    deadBeat.stop();
    dead.disconnect();
    expect(await heartbeatProblem(unreachable, 5_000)).toMatch(/no heartbeat at .*ENOENT/);
  });

  it('judges the age of the heartbeat', async () => {
    const file = path.join(folder, 'old');
    await writeFile(file, 'x');
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    await utimes(file, twoMinutesAgo, twoMinutesAgo);
    expect(await heartbeatProblem(file, 60_000)).toMatch(/heartbeat 120 s old \(limit 60 s\)/);
    expect(await heartbeatProblem(file, 180_000)).toBeUndefined();

    capture();
    expect(await main(['node', 'parley', 'health', '--heartbeat', file, '--max-age', '60'])).toBe(2);
    expect(output.trim().split('\n')).toHaveLength(1);
    expect(output).toMatch(/^parley: heartbeat 120 s old/);
    output = '';
    expect(await main(['node', 'parley', 'health', '--heartbeat', file, '--max-age', '600'])).toBe(0);
    expect(output).toBe('healthy\n');
  });
});
