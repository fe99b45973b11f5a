import os from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  MAX_STACK_FRAMES,
  reduceRedisStats,
  shortenKnownPaths,
  trimJobTraces,
  trimStackTrace,
} from './bull-board-answers';

const ROOT = '/srv/parley';

describe('stack traces shown by Bull Board', () => {
  it('keep the message and the frames, with paths relative to the root or cut to the file name', () => {
    const trace = [
      `Error: cannot read ${ROOT}/seeds/a.jsonl (see http://127.0.0.1:9/v1/models)`,
      `    at readSeed (${ROOT}/packages/dataset/src/read.ts:12:5)`,
      `    at ${ROOT}/apps/worker/src/run.ts:3:1`,
      '    at async Worker.processJob (/usr/lib/node_modules/bullmq/dist/cjs/classes/worker.js:455:28)',
      '    at file:///home/alice/private/hook.mjs:1:1',
      '    at Module._compile (node:internal/modules/cjs/loader:1554:14)',
      '    at C:\\Users\\alice\\parley\\x.js:1:1',
    ].join('\n');
    expect(trimStackTrace(trace, ROOT).split('\n')).toEqual([
      'Error: cannot read seeds/a.jsonl (see http://127.0.0.1:9/v1/models)',
      '    at readSeed (packages/dataset/src/read.ts:12:5)',
      '    at apps/worker/src/run.ts:3:1',
      '    at async Worker.processJob (…/worker.js:455:28)',
      '    at …/hook.mjs:1:1',
      '    at Module._compile (node:internal/modules/cjs/loader:1554:14)',
      '    at …/x.js:1:1',
    ]);
  });

  it(`keep at most ${MAX_STACK_FRAMES} frames and say how many were cut`, () => {
    const frames = Array.from({ length: 25 }, (_, index) => `    at f${index} (${ROOT}/f.ts:${index}:1)`);
    const trimmed = trimStackTrace(['Error: deep', ...frames].join('\n'), ROOT).split('\n');
    expect(trimmed).toHaveLength(1 + MAX_STACK_FRAMES + 1);
    expect(trimmed.at(-1)).toBe(`    … ${25 - MAX_STACK_FRAMES} more frames`);
  });

  it('shorten known directories in failure reasons, and leave other paths and URLs alone', () => {
    expect(shortenKnownPaths(`open ${ROOT}/out/x and ${os.homedir()}/keys.txt`, ROOT)).toBe(
      'open out/x and ~/keys.txt',
    );
    expect(shortenKnownPaths('POST /v1/chat/completions failed; /srv/parleyx/y', ROOT)).toBe(
      'POST /v1/chat/completions failed; /srv/parleyx/y',
    );
    // A root of `/` would eat every slash: it is not shortened.
    expect(shortenKnownPaths('GET http://host/v1', '/')).toBe('GET http://host/v1');
  });

  it('are trimmed wherever jobs appear in an answer', () => {
    const job = {
      id: '1',
      failedReason: `bad ${ROOT}/x`,
      stacktrace: [`Error: bad\n    at g (${ROOT}/g.ts:1:1)`],
      data: { note: `${ROOT}/kept-as-data` },
    };
    expect(trimJobTraces({ queues: [{ jobs: [job] }], flow: { job, children: [{ job }] } }, ROOT)).toEqual({
      queues: [
        { jobs: [{ ...job, failedReason: 'bad x', stacktrace: ['Error: bad\n    at g (g.ts:1:1)'] }] },
      ],
      flow: {
        job: { ...job, failedReason: 'bad x', stacktrace: ['Error: bad\n    at g (g.ts:1:1)'] },
        children: [
          { job: { ...job, failedReason: 'bad x', stacktrace: ['Error: bad\n    at g (g.ts:1:1)'] } },
        ],
      },
    });
  });
});

describe('Redis stats shown by Bull Board', () => {
  it('keep memory, clients and uptime, and drop the version, mode, port and operating system', () => {
    const full = {
      backend: 'redis',
      version: '7.0.15',
      mode: 'standalone',
      port: 6379,
      os: 'Linux 6.1.0-18-amd64 x86_64',
      uptime: 3600,
      memory: { total: 8e9, used: 2e6, fragmentationRatio: 1.2, peak: 3e6 },
      clients: { connected: 4, blocked: 1 },
    };
    expect(reduceRedisStats(full)).toEqual({
      backend: 'redis',
      version: 'hidden',
      uptime: 3600,
      memory: { total: 8e9, used: 2e6, fragmentationRatio: 1.2, peak: 3e6 },
      clients: { connected: 4, blocked: 1 },
    });
    const refused = { error: { key: 'ERRORS.FORBIDDEN' } };
    expect(reduceRedisStats(refused)).toBe(refused);
  });
});
