import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AcceptedConversation, createRedisConnection } from '@parley/core';
import { readSeed } from '@parley/dataset';
import { evaluationReportSchema } from '@parley/evaluation';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SPC_TEST_CSV } from '../../../../test/support/spc-test-split';
import { registerEvalCommand } from './eval-command';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const OWN_SEED = path.join(ROOT, 'seeds/parley-seed.jsonl');

describe('parley eval', () => {
  let directory: string;
  let output: string;
  let errors: string;
  const namespace = `test-${randomUUID()}`;
  const previousNamespace = process.env.PARLEY_NAMESPACE;

  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'parley-eval-'));
    output = '';
    errors = '';
    // Usage and limiter keys of the judge go under this test's own namespace.
    process.env.PARLEY_NAMESPACE = namespace;
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      output += String(chunk);
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      errors += String(chunk);
      return true;
    });
  });

  afterEach(async () => {
    vi.restoreAllMocks();
    if (previousNamespace === undefined) delete process.env.PARLEY_NAMESPACE;
    else process.env.PARLEY_NAMESPACE = previousNamespace;
    await rm(directory, { recursive: true, force: true });
    const redis = createRedisConnection();
    try {
      const keys = await redis.keys(`{${namespace}}*`);
      if (keys.length > 0) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  });

  async function run(...args: string[]): Promise<void> {
    const program = new Command('parley').exitOverride();
    registerEvalCommand(program);
    await program.parseAsync(['node', 'parley', 'eval', ...args]);
  }

  it('measures a slice of SPC with the simulator as judge (the full table, as JSON)', async () => {
    await run(SPC_TEST_CSV, '--simulator', '--limit', '30', '--json', '--no-progress');
    const report = evaluationReportSchema.parse(JSON.parse(output));
    expect(report).toMatchObject({
      targetKind: 'seed-file',
      judge: 'simulator:parley-sim-1',
      // No --seed: SPC is compared with its own other conversations (a control).
      reference: path.resolve(SPC_TEST_CSV),
      limit: 30,
    });
    const [iteration] = report.iterations;
    expect(iteration!.conversations).toBe(30);
    const turing = iteration!.turing!;
    expect(turing.pairs + turing.unparseable + turing.skipped).toBe(30);
    expect(turing.lose + turing.win + turing.tie).toBe(turing.pairs);
    expect(turing.losingRate! + turing.winningRate! + turing.tieRate!).toBeCloseTo(1, 10);
    expect(iteration!.losingRate).toBe(turing.losingRate);
    const faithfulness = iteration!.faithfulness!;
    expect(faithfulness.items + faithfulness.unparseable + faithfulness.skipped).toBe(60);
    expect(faithfulness.realShown).toBe(4 * faithfulness.items);
    expect(faithfulness.precision).toBeGreaterThan(0);
    expect(iteration!.offline).toMatchObject({ conversations: 30, toxicityRate: expect.any(Number) });
    expect(iteration!.offline.distinct2).toBeGreaterThan(0.5);
    // 2 Turing calls per pair and 1 per faithfulness question, counted by the model registry.
    expect(report.usage.calls).toBeGreaterThanOrEqual(2 * turing.pairs + faithfulness.items);
    expect(report.usage.inputTokens).toBeGreaterThan(0);
    // The evaluation's usage hash is gone from Redis once it is in the report.
    const redis = createRedisConnection();
    try {
      expect(await redis.keys(`{${namespace}}*:usage`)).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  it("evaluates a release per iteration against the job's seed and writes eval.json", async () => {
    const { records } = await readSeed(OWN_SEED).collect();
    const accepted = records.slice(0, 6).map(({ conversation }, index): AcceptedConversation => {
      const iteration = index < 4 ? 1 : 2;
      return {
        ...conversation,
        // Another seed conversation's turns under this pair's personas (so also a seed copy).
        turns: records[(index + 1) % records.length]!.conversation.turns,
        id: `run-x.${iteration}.${conversation.id}.0`,
        run: 'run-x',
        iteration,
        pair: conversation.id,
        candidate: 0,
        generator: { model: 'simulator:sim', fewShotIds: [], usage: { inputTokens: 1, outputTokens: 1 } },
        verdicts: [],
        judgeScore: 1,
        usage: { inputTokens: 1, outputTokens: 1 },
      };
    });
    await writeFile(
      path.join(directory, 'conversations.jsonl'),
      `${accepted.map((record) => JSON.stringify(record)).join('\n')}\n`,
    );
    await writeFile(
      path.join(directory, 'manifest.json'),
      JSON.stringify({
        runId: 'run-x',
        config: {
          name: 'x',
          seed: { path: OWN_SEED },
          models: { sim: { provider: 'simulator', model: 'sim-1' } },
          generator: { model: 'sim' },
          critic: { model: 'sim' },
        },
      }),
    );
    // The judge named from the release's own job config (a simulator binding, started in-process).
    await run(directory, '--judge', 'sim', '--no-progress');
    expect(output).toContain(`release ${directory} (run run-x)`);
    expect(output).toContain(`reference (human side): ${OWN_SEED}`);
    expect(output).toContain('AI-detection (Turing) test and persona faithfulness');
    expect(output).toMatch(/│ overall\s+│ 6\s+│ 6\s+│/);
    expect(errors).toContain(`wrote ${path.join(directory, 'eval.json')}`);
    const report = evaluationReportSchema.parse(
      JSON.parse(await readFile(path.join(directory, 'eval.json'), 'utf8')),
    );
    expect(report.iterations.map((iteration) => [iteration.iteration, iteration.conversations])).toEqual([
      [1, 4],
      [2, 2],
    ]);
    // Every pair has its seed conversation: same personas.
    expect(report.overall.turing!.sameProfilePairs).toBe(report.overall.turing!.pairs);
    // The turns were taken from seed conversations: every one is a seed copy.
    expect(report.overall.offline.seedCopyRate).toBe(1);
    expect(report.iterations.every((iteration) => iteration.losingRate !== null)).toBe(true);
  });

  it('runs the offline metrics alone when no judge is named', async () => {
    await run(OWN_SEED, '--limit', '5');
    expect(errors).toContain('no judge named');
    expect(output).toContain('judge: none (offline metrics only)');
    expect(output).not.toContain('AI-detection');
    expect(output).toMatch(/│ 1\s+│ 5\s+│ 0\.\d{3}\s+│/);
    expect(output).toContain('0 judge calls');
  });

  it('refuses --judge without a job file, and a target that does not exist', async () => {
    await expect(run(OWN_SEED, '--judge', 'gpt')).rejects.toMatchObject({ exitCode: 2 });
    expect(errors).toContain('--judge needs --job JOB');
    await expect(run(path.join(directory, 'missing.csv'), '--offline-only')).rejects.toMatchObject({
      exitCode: 2,
    });
    expect(errors).toContain('no such file or folder');
  });
});
