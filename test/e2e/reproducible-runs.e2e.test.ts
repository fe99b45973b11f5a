import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RunningSimulator } from '@parley/simulator';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type EmbeddedRunResult, runEmbedded } from '../../apps/cli/src/embedded/run-embedded';
import { type RecordingProxy, startRecordingProxy } from '../support/recording-proxy';
import { deleteNamespace } from '../support/redis-namespace';
import { testNamespace, writeTestJob } from '../support/test-jobs';

// Every simulator a run starts is put behind a recording proxy: the run sees the proxy's URL
// (a new port each run, like the simulator's own), and the test sees every request's bytes.
const started = vi.hoisted(() => [] as Array<{ simulator: RunningSimulator; proxy: RecordingProxy }>);
vi.mock('@parley/simulator', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@parley/simulator')>();
  return {
    ...actual,
    startSimulator: async (options: Parameters<typeof actual.startSimulator>[0]) => {
      const simulator = await actual.startSimulator(options);
      const proxy = await startRecordingProxy(simulator.url);
      started.push({ simulator, proxy });
      return {
        ...simulator,
        url: proxy.url,
        openaiBaseURL: `${proxy.url}/v1`,
        anthropicBaseURL: proxy.url,
        close: async () => {
          await proxy.close();
          await simulator.close();
        },
      } satisfies RunningSimulator;
    },
  };
});

const namespaces: string[] = [];
const folders: string[] = [];
const cacheSwitch = process.env.PARLEY_CACHE;
beforeAll(() => {
  // The suite turns the cache off (vitest.config.ts); these tests are about it.
  delete process.env.PARLEY_CACHE;
});
afterAll(async () => {
  if (cacheSwitch !== undefined) process.env.PARLEY_CACHE = cacheSwitch;
  for (const namespace of namespaces) await deleteNamespace(namespace);
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

async function cacheFolder(): Promise<string> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'parley-cache-e2e-'));
  folders.push(folder);
  return folder;
}

interface RecordedRun {
  result: EmbeddedRunResult;
  /** Model requests as sent, sorted (workers answer in any order), with the port the run used. */
  bodies: string[];
  port: string;
  served: number;
  conversations: string;
}

async function run(jobFile: string, label: string): Promise<RecordedRun> {
  const namespace = testNamespace(label);
  namespaces.push(namespace);
  const environment: NodeJS.ProcessEnv = { ...process.env, PARLEY_NAMESPACE: namespace };
  delete environment.PARLEY_SIMULATOR_URL;
  delete environment.PARLEY_CACHE;
  const before = started.length;
  const result = await runEmbedded({ jobFile, progress: false, environment });
  expect(result.run.status).toBe('completed');
  expect(started.length).toBe(before + 1);
  const { simulator, proxy } = started[before]!;
  const modelRequests = proxy.requests.filter((request) => request.method === 'POST');
  return {
    result,
    bodies: modelRequests.map((request) => `${request.path} ${request.body}`).sort(),
    port: new URL(proxy.url).port,
    served: simulator.stats().requests.total,
    conversations: await readFile(path.join(result.run.runFolder, 'conversations.jsonl'), 'utf8'),
  };
}

/**
 * What may differ between two runs of one job: the run id (in conversation ids and anything
 * naming them), and nothing else; no line of conversations.jsonl carries a timestamp.
 */
function normalised(text: string, runId: string): string {
  return text.split(runId).join('<run>');
}

/**
 * Without the provider's prompt-cache counts: which of several concurrent requests sharing a
 * prefix reads it from the provider's cache first depends on arrival order, with the simulator
 * as with the vendors, so two runs that pay for every call report different cached shares.
 */
function withoutProviderCacheCounts(text: string): string {
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) =>
      JSON.stringify(JSON.parse(line), (key, value: unknown) =>
        key === 'cacheReadInputTokens' || key === 'cacheWriteInputTokens' ? undefined : value,
      ),
    )
    .join('\n');
}

describe('reproducible runs and the response cache', { timeout: 300_000 }, () => {
  it('sends byte-identical requests and writes identical conversations on the same seed; a re-run costs 0 provider calls', async () => {
    const sharedCache = await cacheFolder();
    const job = (cacheDir: string) =>
      writeTestJob({ iterations: 2, pairs: 8, candidatesPerPair: 2, extra: `cache:\n  dir: ${cacheDir}\n` });

    const first = await run((await job(sharedCache)).jobFile, 'repro-1');
    // A fresh cache: the second run pays for every call again, so its requests can be compared.
    const second = await run((await job(await cacheFolder())).jobFile, 'repro-2');

    expect(first.port).not.toBe(second.port);
    console.info('requests per run', first.bodies.length, 'provider calls', first.result.usage.total.calls);
    expect(first.bodies.length).toBeGreaterThan(50);
    expect(second.bodies.length).toBe(first.bodies.length);
    expect(second.bodies).toEqual(first.bodies);
    expect(first.result.run.id).not.toBe(second.result.run.id);
    expect(first.conversations.length).toBeGreaterThan(0);
    expect(withoutProviderCacheCounts(normalised(second.conversations, second.result.run.id))).toBe(
      withoutProviderCacheCounts(normalised(first.conversations, first.result.run.id)),
    );
    // The raw files differ only where the run id is written.
    expect(second.conversations).not.toBe(first.conversations);

    // The same job again, on the cache the first run filled: nothing reaches the provider.
    const third = await run((await job(sharedCache)).jobFile, 'repro-3');
    expect(third.served).toBe(0);
    expect(third.bodies).toEqual([]);
    expect(third.result.usage.total.calls).toBe(0);
    expect(third.result.usage.total.cachedCalls).toBe(first.result.usage.total.calls);
    expect(third.result.usage.total.costUsd).toBe(0);
    // Every byte is the first run's: a line's usage is what the answer took (the ledger above
    // says this run paid nothing for it).
    expect(normalised(third.conversations, third.result.run.id)).toBe(
      normalised(first.conversations, first.result.run.id),
    );

    // No request header (the API key among them) is in the cache.
    const authorization = started.flatMap(({ proxy }) =>
      proxy.requests.map((request) => request.headers.authorization).filter(Boolean),
    );
    expect(authorization.length).toBeGreaterThan(0);
    const entries = await filesUnder(sharedCache);
    expect(entries.length).toBeGreaterThan(0);
    for (const file of entries.slice(0, 200)) {
      const text = await readFile(file, 'utf8');
      for (const header of new Set(authorization))
        expect(text).not.toContain(String(header).replace(/^Bearer /, ''));
      expect(text).not.toContain('127.0.0.1');
    }
  });

  it('changing only the Critic re-pays only the Critic', async () => {
    const cacheDir = await cacheFolder();
    const extra = `cache:\n  dir: ${cacheDir}\n`;
    const before = await run(
      (await writeTestJob({ iterations: 1, pairs: 8, candidatesPerPair: 2, extra })).jobFile,
      'critic-1',
    );
    const changedJob = await writeTestJob({ iterations: 1, pairs: 8, candidatesPerPair: 2, extra });
    const text = await readFile(changedJob.jobFile, 'utf8');
    expect(text).toContain('critic:\n  model: sim\n');
    await writeFile(
      changedJob.jobFile,
      text.replace('critic:\n  model: sim\n', 'critic:\n  model: sim\n  mode: rubric\n'),
    );
    const changed = await run(changedJob.jobFile, 'critic-2');
    const stages = (result: EmbeddedRunResult) => result.usage.byStage;
    const generate = stages(changed.result).generate!;
    expect(stages(before.result).generate!.calls).toBeGreaterThan(0);
    expect(generate.calls).toBe(0);
    expect(generate.cachedCalls).toBe(stages(before.result).generate!.calls);
    const paid = Object.entries(stages(changed.result)).filter(([, totals]) => totals.calls > 0);
    expect(paid.length).toBeGreaterThan(0);
    for (const [stage] of paid)
      expect(stage, 'only Critic stages are paid again').toMatch(/^(filter|select):/);
    expect(changed.served).toBe(changed.result.usage.total.calls);
    console.info(
      'critic change: paid',
      Object.fromEntries(paid.map(([stage, totals]) => [stage, totals.calls])),
      'cached',
      changed.result.usage.total.cachedCalls,
    );
  });
});

async function filesUnder(folder: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) found.push(path.join(entry.parentPath, entry.name));
  }
  return found;
}
