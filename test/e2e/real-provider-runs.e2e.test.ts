import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  type AcceptedConversation,
  createRedisConnection,
  type RejectedCandidate,
  type SimulatorFaults,
} from '@parley/core';
import { IterationTokenReader, RunFolder } from '@parley/scheduler';
import { type RunningSimulator, startSimulator } from '@parley/simulator';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { runEmbedded } from '../../apps/cli/src/embedded/run-embedded';
import { main } from '../../apps/cli/src/main';
import { readJsonLinesIfPresent } from '../support/json-lines';
import { REPO_ROOT } from '../support/parley-processes';
import { deleteNamespace } from '../support/redis-namespace';
import { embeddedRunEnvironment } from '../support/run-environment';
import { testNamespace } from '../support/test-jobs';

// A run that meets a provider failing the way real APIs fail: it ends by itself, fails loudly
// with the reason, and never loses or accepts what it should not. Every run here goes through
// the real SDKs over HTTP against the simulator's fault modes.

const namespaces: string[] = [];
const simulators: RunningSimulator[] = [];
const redis = createRedisConnection();
afterAll(async () => {
  await Promise.all(simulators.splice(0).map((simulator) => simulator.close()));
  for (const namespace of namespaces) await deleteNamespace(namespace);
  redis.disconnect();
});

function environmentFor(label: string): NodeJS.ProcessEnv {
  const namespace = testNamespace(label);
  namespaces.push(namespace);
  // Failing calls log a warning each: only errors reach the test output.
  return embeddedRunEnvironment(namespace, { set: { PARLEY_LOG_LEVEL: 'error' } });
}

async function simulator(faults: Partial<SimulatorFaults>, seed = 5): Promise<RunningSimulator> {
  const started = await startSimulator({ seed, verdictPassRate: 1, faults });
  simulators.push(started);
  return started;
}

interface JobOptions {
  pairs: number;
  candidatesPerPair?: number;
  /** YAML of the generator's binding, indented under `gen:`. */
  generator: string;
  /** YAML of the critic's binding. @defaultValue a clean simulator binding */
  critic?: string;
  /** The in-process simulator's faults (bindings without a baseURL). */
  faults?: Partial<SimulatorFaults>;
  breaker?: string;
  chunkSize?: number;
}

/** A one-iteration job; returns its file. */
async function writeJob(options: JobOptions): Promise<string> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'parley-real-provider-'));
  const job = `name: real-provider
seed:
  path: ${path.join(REPO_ROOT, 'seeds/parley-seed.jsonl')}
output:
  dir: ${path.join(folder, 'releases')}
iterations: 1
pairs: ${options.pairs}
candidatesPerPair: ${options.candidatesPerPair ?? 2}
randomSeed: 3
models:
  gen:
${indent(options.generator, 4)}
  judge:
${indent(options.critic ?? 'provider: simulator\nmodel: parley-sim-1', 4)}
generator:
  model: gen
critic:
  model: judge
examplePool:
  size: 10
# Every request must reach the provider: the counts below are the provider's.
cache:
  enabled: false
concurrency:
  chunkSize: ${options.chunkSize ?? 8}
simulator:
  seed: 3
  verdictPassRate: 1
  faults: ${JSON.stringify(options.faults ?? {})}
${options.breaker ? `breaker: ${options.breaker}\n` : ''}`;
  const jobFile = path.join(folder, 'job.yaml');
  await writeFile(jobFile, job);
  return jobFile;
}

function indent(yaml: string, spaces: number): string {
  return yaml
    .split('\n')
    .map((line) => `${' '.repeat(spaces)}${line}`)
    .join('\n');
}

/** A work or release file's lines, as the run wrote them (the tests check their fields). */
async function jsonLines<T>(file: string): Promise<T[]> {
  return (await readJsonLinesIfPresent(file)) as T[];
}

describe('preflight through `parley run` against a provider that refuses the job', {
  timeout: 60_000,
}, () => {
  let stderr = '';
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  const CASES: Array<{
    fault: keyof SimulatorFaults;
    decoding?: string;
    says: RegExp;
  }> = [
    { fault: 'unauthorized', says: /models\.gen\.apiKeyFile: .* refused the API key \(HTTP 401/ },
    {
      fault: 'modelNotFound',
      says: /models\.gen\.model: .* does not serve model "gpt-4o-mini" to this key.*404/,
    },
    {
      fault: 'unsupportedParameter',
      decoding: 'decoding: { temperature: 0.7 }',
      says: /models\.gen\.decoding: .* refused a minimal request with this binding's parameters .*temperature/,
    },
  ];

  for (const { fault, decoding, says } of CASES) {
    it(`${fault} at every request: exit 2 in under 10 s, one line naming the binding and the cause, nothing in Redis`, async () => {
      const provider = await simulator({ [fault]: 1 });
      const jobFile = await writeJob({
        pairs: 3,
        // A key file next to the job, named relatively: the probe reads it as the run would.
        generator: `provider: openai\nmodel: gpt-4o-mini\nbaseURL: ${provider.openaiBaseURL}\napiKeyFile: openai.key${decoding ? `\n${decoding}` : ''}`,
      });
      await writeFile(path.join(path.dirname(jobFile), 'openai.key'), 'sk-test-not-a-real-key\n');
      const environment = environmentFor(`preflight-${fault}`);
      const saved = process.env.PARLEY_NAMESPACE;
      process.env.PARLEY_NAMESPACE = environment.PARLEY_NAMESPACE;
      stderr = '';
      vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
        stderr += String(chunk);
        return true;
      });
      const started = performance.now();
      let code: number;
      try {
        code = await main(['node', 'parley', 'run', '--no-progress', jobFile]);
      } finally {
        if (saved === undefined) delete process.env.PARLEY_NAMESPACE;
        else process.env.PARLEY_NAMESPACE = saved;
      }
      const elapsedMs = performance.now() - started;
      vi.restoreAllMocks();
      expect(code).toBe(2);
      expect(elapsedMs).toBeLessThan(10_000);
      const lines = stderr.trim().split('\n');
      expect(lines, stderr).toHaveLength(1);
      expect(lines[0]).toMatch(says);
      // The probe was the only request, and the key never shows.
      expect(provider.stats().requests.total).toBe(1);
      expect(stderr).not.toContain('sk-test-not-a-real-key');
      // Nothing was created or enqueued.
      expect(await redis.keys(`{${environment.PARLEY_NAMESPACE}}*`)).toEqual([]);
    });
  }
});

describe('runs against a failing provider', { timeout: 60_000 }, () => {
  it('a 5-pair job whose every request stalls after its headers ends by itself, failed with the timeout', async () => {
    const timeoutMs = 400;
    const maxRetries = 1;
    const jobFile = await writeJob({
      pairs: 5,
      generator: `provider: simulator\nmodel: parley-sim-1\ntimeoutMs: ${timeoutMs}\nmaxRetries: ${maxRetries}`,
      faults: { stallAfterHeaders: 1 },
    });
    const started = performance.now();
    const result = await runEmbedded({ jobFile, progress: false, environment: environmentFor('stall') });
    const elapsedMs = performance.now() - started;
    expect(result.run.status).toBe('failed');
    expect(result.run.error).toMatch(/^every pair failed \(5 pairs\): 10 × timeout$/);
    // Each call chain is bounded by timeoutMs × (retries + 1); a generate job has 3 attempts
    // with 2 s and 4 s of backoff between them (pair-flow.ts), and the pairs run side by side.
    const callChainMs = timeoutMs * (maxRetries + 1);
    const jobAttempts = 3;
    const backoffMs = 2_000 + 4_000;
    expect(elapsedMs).toBeLessThan(jobAttempts * callChainMs + backoffMs + 12_000);
    expect(result.usage.total.failedCalls).toBe(5 * 2 * jobAttempts);
  });

  it('a job whose every request is reset once mid-body accepts every pair', async () => {
    const jobFile = await writeJob({
      pairs: 5,
      generator: 'provider: simulator\nmodel: parley-sim-1\ntimeoutMs: 5000\nmaxRetries: 2',
      critic: 'provider: simulator\nmodel: parley-sim-1\ntimeoutMs: 5000\nmaxRetries: 2',
      faults: { resetMidBody: 1, faultyAttemptsPerBody: 1 },
    });
    const result = await runEmbedded({ jobFile, progress: false, environment: environmentFor('reset') });
    expect(result.run.status).toBe('completed');
    const [counters] = result.iterations;
    expect(counters).toMatchObject({ planned: 5, accepted: 5, failed: 0, failures: {} });
    // Every call met its reset once and was retried as a connection error.
    expect(result.usage.total.retries).toBeGreaterThanOrEqual(result.usage.total.calls);
    const conversations = await jsonLines<AcceptedConversation>(
      path.join(result.run.runFolder, 'conversations.jsonl'),
    );
    expect(conversations).toHaveLength(5);
  });

  it('refused and content-filtered answers never reach conversations.jsonl; their outcome and tokens show in rejected.jsonl', async () => {
    // The generator's provider refuses or filters; the critic's is clean, so every fault is a
    // generate answer and the counts can be matched one for one.
    // The simulator draws these in turn (a refused request is never filtered too): over 24
    // generate requests, each kind shows at least once but for odds below 1 in 1,000.
    const provider = await simulator({ refusal: 0.2, refusalWithContent: 0.25, contentFilter: 0.45 }, 9);
    const jobFile = await writeJob({
      pairs: 12,
      generator: `provider: simulator\nmodel: parley-sim-1\nbaseURL: ${provider.url}\nstructuredOutputRetries: 0`,
    });
    const result = await runEmbedded({ jobFile, progress: false, environment: environmentFor('refusal') });
    expect(result.run.status).toBe('completed');
    const faults = provider.stats().faults;
    const refused = faults.refusal + faults.refusalWithContent;
    expect(refused).toBeGreaterThan(0);
    expect(faults.contentFilter).toBeGreaterThan(0);

    const rejected = await jsonLines<RejectedCandidate>(path.join(result.run.runFolder, 'rejected.jsonl'));
    const failedWith = (outcome: string) =>
      rejected.filter((line) => line.outcome === 'failed' && line.reason.startsWith(`${outcome}:`));
    expect(failedWith('refused')).toHaveLength(refused);
    expect(failedWith('content-filtered')).toHaveLength(faults.contentFilter);
    for (const line of [...failedWith('refused'), ...failedWith('content-filtered')]) {
      expect(line.expert).toBe('generate');
      // The refused answer was paid for: its tokens stay with the failed candidate.
      expect(line.usage?.inputTokens, line.reason).toBeGreaterThan(0);
      expect(line.reason).not.toMatch(/\[spent /);
    }
    // Every other generate answer is accounted for as accepted or dropped for another reason.
    const conversations = await jsonLines<AcceptedConversation>(
      path.join(result.run.runFolder, 'conversations.jsonl'),
    );
    const otherCandidates =
      rejected.filter((line) => line.candidate !== null).length - refused - faults.contentFilter;
    expect(conversations.length + otherCandidates).toBe(
      provider.stats().requests.byRoute['POST /v1/chat/completions']! - refused - faults.contentFilter,
    );
  });

  it('failed candidates keep their tokens in the iteration totals', async () => {
    // Every generate answer runs to the output limit: the run fails, but what it paid shows.
    const jobFile = await writeJob({
      pairs: 3,
      generator: 'provider: simulator\nmodel: parley-sim-1\nstructuredOutputRetries: 0',
      faults: { truncated: 1 },
    });
    const result = await runEmbedded({ jobFile, progress: false, environment: environmentFor('truncated') });
    expect(result.run.status).toBe('failed');
    expect(result.run.error).toMatch(/^every pair failed \(3 pairs\): 6 × truncated$/);
    const folder = new RunFolder(result.run.runFolder);
    const failed = await jsonLines<RejectedCandidate>(folder.rejectedLines(1));
    expect(failed).toHaveLength(6);
    const spent = failed.reduce((sum, line) => sum + (line.usage?.outputTokens ?? 0), 0);
    // What the ledger says the generator was billed for is exactly what the failed lines carry.
    expect(spent).toBe(result.usage.byStage.generate?.outputTokens);
    const totals = await new IterationTokenReader().read(result.run.runFolder, 1);
    expect(totals.get(1)?.outputTokens).toBe(spent);
  });

  it('the circuit breaker stops a 20-pair job whose every call is refused its key, after a few pairs', async () => {
    const provider = await simulator({ unauthorized: 1 });
    const jobFile = await writeJob({
      pairs: 20,
      // simulator bindings take any key, so preflight lets this through; the breaker must stop it.
      generator: `provider: simulator\nmodel: parley-sim-1\nbaseURL: ${provider.url}`,
      critic: `provider: simulator\nmodel: parley-sim-1\nbaseURL: ${provider.url}`,
      chunkSize: 1,
      breaker: '{ consecutiveSameError: 3 }',
    });
    const result = await runEmbedded({ jobFile, progress: false, environment: environmentFor('breaker') });
    expect(result.run.status).toBe('failed');
    expect(result.run.error).toMatch(
      /^circuit breaker: \d+ pairs in a row failed with provider-error \(401 invalid_api_key\)$/,
    );
    const requests = provider.stats().requests.byRoute['POST /v1/chat/completions'] ?? 0;
    const [counters] = result.iterations;
    // 20 pairs × 2 candidates: at most 40 calls; the breaker stopped well short.
    expect(requests).toBeLessThanOrEqual(16);
    expect(counters!.enqueued).toBeLessThan(20);
  });

  it('a control job with a few transient failures completes under the same breaker', async () => {
    const jobFile = await writeJob({
      pairs: 10,
      generator: 'provider: simulator\nmodel: parley-sim-1\nmaxRetries: 2',
      faults: { serverError: 0.3, faultyAttemptsPerBody: 1 },
      chunkSize: 1,
      breaker: '{ consecutiveSameError: 3, minPairs: 3, failureShare: 0.5 }',
    });
    const result = await runEmbedded({ jobFile, progress: false, environment: environmentFor('control') });
    expect(result.run.status).toBe('completed');
    expect(result.iterations[0]).toMatchObject({ planned: 10, failed: 0 });
    expect(result.usage.total.retries).toBeGreaterThan(0);
  });
});
