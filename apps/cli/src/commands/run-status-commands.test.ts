import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type CapturedOutput, captureOutput } from '../../../../test/support/captured-output';
import { deleteNamespace } from '../../../../test/support/redis-namespace';
import { embeddedRunEnvironment } from '../../../../test/support/run-environment';
import { main } from '../main';
import { batchProgressLine } from './run-status-commands';

// `parley status` and `parley runs` on a real (small) run in a namespace of its own: the usage
// ledger's tokens and cost, acceptance and duration per run, pass rates a row per expert.

const SEED = path.resolve(import.meta.dirname, '../../../../seeds/parley-seed.jsonl');

describe('parley status and parley runs', { timeout: 60_000 }, () => {
  const saved = { ...process.env };
  const namespace = `test-cli-status-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  let folder = '';
  let runId = '';
  let output: CapturedOutput;

  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'parley-status-'));
    const jobFile = path.join(folder, 'job.yaml');
    await writeFile(
      jobFile,
      `name: status
seed: { path: ${SEED} }
output: { dir: ${path.join(folder, 'releases')} }
iterations: 1
pairs: 4
candidatesPerPair: 2
models:
  sim: { provider: simulator, model: parley-sim-1, price: { inputPerMillionTokens: 0.15, outputPerMillionTokens: 0.6 } }
generator: { model: sim }
critic: { model: sim }
simulator: { faults: { rateLimited: 0.2, retryAfterSeconds: 0 } }
`,
    );
    process.env = embeddedRunEnvironment(namespace, { set: { PARLEY_LOG_LEVEL: 'error' } });
    output = captureOutput();
    expect(await main(['node', 'parley', 'run', jobFile, '--no-progress'])).toBe(0);
    runId = /^parley: run (\S+) →/m.exec(output.stderr)![1]!;
    vi.restoreAllMocks();
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });
  afterAll(async () => {
    process.env = { ...saved };
    await deleteNamespace(namespace);
    await rm(folder, { recursive: true, force: true });
  });

  it('status shows tokens, cost and provider trouble from the usage ledger, within 100 columns', async () => {
    output = captureOutput();
    expect(await main(['node', 'parley', 'status', runId])).toBe(0);
    const lines = output.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`run ${runId}: completed, done`);
    expect(output.stdout).toMatch(/^tokens: [\d,]+ in, [\d,]+ out; cost \$0\.\d{4}$/m);
    expect(output.stdout).toMatch(
      /^calls: [\d,]+ \(0 cached\), (\d+) retries, [1-9]\d* × 429, 0 malformed answers, 0 failed$/m,
    );
    expect(output.stdout).toMatch(/^│ structure +│ 100\.0% \d+\/\d+ +│$/m);
    expect(
      Math.max(...lines.filter((line) => !line.includes('folder')).map((line) => line.length)),
    ).toBeLessThanOrEqual(100);
    // The pace is for runs still going.
    expect(output.stdout).not.toContain('pairs/min');

    output = captureOutput();
    expect(await main(['node', 'parley', 'status', runId, '--json'])).toBe(0);
    const json = JSON.parse(output.stdout) as { usage: { total: { costUsd: number; rateLimited: number } } };
    expect(json.usage.total.costUsd).toBeGreaterThan(0);
    expect(json.usage.total.rateLimited).toBeGreaterThan(0);
  });

  it('runs lists acceptance, cost and duration per run', async () => {
    output = captureOutput();
    expect(await main(['node', 'parley', 'runs'])).toBe(0);
    const header = output.stdout.split('\n').find((line) => line.includes('│ run '))!;
    expect(header.split('│').map((cell) => cell.trim())).toEqual([
      '',
      'run',
      'status',
      'iteration',
      'pairs',
      'acceptance',
      'cost',
      'duration',
      'created',
      'folder',
      '',
    ]);
    const row = output.stdout.split('\n').find((line) => line.includes(runId))!;
    const cells = row.split('│').map((cell) => cell.trim());
    expect(cells.slice(2, 8)).toEqual([
      'completed',
      '1/1',
      '4/4',
      expect.stringMatching(/^\d+\.\d%$/),
      expect.stringMatching(/^\$0\.\d{4}$/),
      expect.stringMatching(/^\d+s$/),
    ]);
    // Not a terminal: whole lines, the folder unbroken.
    expect(cells[9]).toBe(path.join(folder, 'releases', runId));
  });
});

describe('batchProgressLine', () => {
  it('says how far a batch-mode model is: waiting, in flight, submitted, answered, resubmitted', () => {
    expect(
      batchProgressLine(
        'gen',
        { provider: 'openai', model: 'gpt-4.1-mini' },
        {
          waiting: 12,
          inFlight: 2,
          collected: 150,
          batchesSubmitted: 34,
          linesSubmitted: 140,
          answered: 120,
          resubmitted: 22,
          failed: 0,
        },
      ),
    ).toBe(
      'batch gen (openai gpt-4.1-mini): 12 waiting, 2 batches in flight; 140 lines in 34 batches, 120 answered, 22 resubmitted',
    );
    expect(
      batchProgressLine(
        'gen',
        { provider: 'anthropic', model: 'claude' },
        {
          waiting: 0,
          inFlight: 1,
          collected: 1,
          batchesSubmitted: 1,
          linesSubmitted: 1,
          answered: 0,
          resubmitted: 0,
          failed: 0,
        },
      ),
    ).toContain('1 batch in flight');
  });
});
