import { criticConfigSchema, type ExpertCounts, type IterationCounters, type RunRecord } from '@parley/core';
import { emptyUsageTotals, type UsageReport, type UsageTotals } from '@parley/llm';
import { describe, expect, it } from 'vitest';
import { SUMMARY_COLUMNS } from './fitted-table';
import { runSummary } from './run-summary';

// The demo's shape: 2 iterations, every filter expert of the default Critic, one model.
const critic = criticConfigSchema.parse({ model: 'sim' });
const EXPERTS: Record<string, ExpertCounts> = {
  structure: { passed: 60, total: 60, unparseable: 0 },
  repetition: { passed: 60, total: 60, unparseable: 0 },
  grounding: { passed: 55, total: 60, unparseable: 0 },
  roles: { passed: 55, total: 55, unparseable: 0 },
  copying: { passed: 55, total: 55, unparseable: 0 },
  contradiction: { passed: 55, total: 55, unparseable: 0 },
  truncation: { passed: 55, total: 55, unparseable: 0 },
  'near-duplicate': { passed: 55, total: 55, unparseable: 0 },
  toxicity: { passed: 40, total: 53, unparseable: 2 },
  faithfulness: { passed: 32, total: 40, unparseable: 1 },
};

const iteration = (number: number, experts = EXPERTS): IterationCounters => ({
  iteration: number,
  planned: 20,
  enqueued: 20,
  accepted: 18,
  rejected: 2,
  failed: 0,
  experts,
  failures: {},
});

const totals = (fields: Partial<UsageTotals>): UsageTotals => ({ ...emptyUsageTotals(), ...fields });

function usage(models: Record<string, UsageTotals>): UsageReport {
  const total = emptyUsageTotals();
  for (const model of Object.values(models))
    for (const key of Object.keys(total) as Array<keyof UsageTotals>) total[key] += model[key];
  return { runId: 'demo-1', total, byModel: models, byStage: {}, byModelAndStage: {} };
}

const completed: RunRecord = {
  id: 'demo-20261204-213303-077b',
  name: 'demo',
  status: 'completed',
  phase: 'done',
  iteration: 2,
  iterations: 2,
  runFolder: '/home/someone/parley/releases/demo-20261204-213303-077b',
  createdAt: 1_000,
  updatedAt: 9_000,
  finishedAt: 9_000,
};

const widest = (text: string) => Math.max(...text.split('\n').map((line) => Array.from(line).length));

describe('the end-of-run summary', () => {
  it(`fits ${SUMMARY_COLUMNS} columns for the demo's run, pass rates a row per expert`, () => {
    const summary = runSummary(
      completed,
      [iteration(1), iteration(2)],
      usage({
        sim: totals({
          calls: 797,
          inputTokens: 806_320,
          outputTokens: 48_921,
          costUsd: 0.1503,
          rateLimited: 87,
          retries: 87,
          invalidOutputs: 74,
        }),
      }),
      critic,
    );
    expect(widest(summary)).toBeLessThanOrEqual(SUMMARY_COLUMNS);
    const lines = summary.split('\n');
    expect(lines[0]).toBe('run demo-20261204-213303-077b: completed');
    expect(lines).toContain('took 8s; cost $0.1503');
    for (const expert of Object.keys(EXPERTS))
      expect(lines.some((line) => line.startsWith(`│ ${expert} `))).toBe(true);
    expect(summary).toMatch(/│ toxicity +│ 75\.5% 40\/53 \+2 unparseable │ 75\.5% 40\/53 \+2 unparseable │/);
    expect(summary).toMatch(/│ sim +│ 797 +│ 0 +│ 806320 +│ 48921 +│ 0\.1503 +│ 87 +│ 87 +│ 74 +│/);
    expect(lines.at(-1)).toBe(`release: ${completed.runFolder}`);
  });

  it('still fits with many iterations and long model names: further tables, wrapped cells', () => {
    const iterations = Array.from({ length: 9 }, (_, index) => iteration(index + 1));
    const long = 'anthropic-claude-sonnet-judge-with-a-long-binding-name';
    const summary = runSummary(
      { ...completed, iterations: 9, iteration: 9 },
      iterations,
      usage({
        [long]: totals({
          calls: 123_456,
          inputTokens: 98_765_432_101,
          outputTokens: 1_234_567_890,
          costUsd: 1234.5,
        }),
        'openai-gpt-generator': totals({ calls: 7, inputTokens: 70, outputTokens: 7, costUsd: 0.001 }),
      }),
      critic,
    );
    expect(widest(summary)).toBeLessThanOrEqual(SUMMARY_COLUMNS);
    // Every iteration's pass rates are there, spread over as many tables as it takes.
    for (let number = 1; number <= 9; number++) expect(summary).toContain(`iteration ${number} `);
    expect(summary.split('\n').filter((line) => line.startsWith('│ expert ')).length).toBeGreaterThan(1);
    // The long name wraps inside its column rather than being cut.
    const modelColumn = summary
      .split('\n')
      .filter((line) => line.startsWith('│'))
      .map((line) => line.split('│')[1]!.trim())
      .join('');
    expect(modelColumn).toContain(long);
  });

  it('says why a failed run has no release and where its failures are', () => {
    const failed: RunRecord = { ...completed, status: 'failed', error: 'every pair failed' };
    const summary = runSummary(
      failed,
      [
        {
          ...iteration(1, {}),
          accepted: 0,
          rejected: 0,
          failed: 20,
          failures: { 'provider-error (401)': 20 },
        },
      ],
      usage({ sim: totals({ failedCalls: 20 }) }),
      critic,
    );
    const lines = summary.split('\n');
    expect(lines[0]).toBe('run demo-20261204-213303-077b: failed (every pair failed)');
    expect(lines).toContain('failures: 20 × provider-error (401)');
    expect(summary).not.toContain('expert pass rates');
    expect(lines.at(-1)).toBe(
      'no release; every failure and its reason: /home/someone/parley/releases/.parley-work/demo-20261204-213303-077b/iterations',
    );
  });
});
