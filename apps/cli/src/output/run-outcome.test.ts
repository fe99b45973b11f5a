import { criticConfigSchema, type RunRecord } from '@parley/core';
import { describe, expect, it } from 'vitest';
import { iterationCounters } from '../../../../test/support/iteration-counters';
import { expertPassTable } from './iteration-table';
import { failuresLine, oneLine, pairTotalsLine, runOutcomeLine, runSucceeded } from './run-outcome';

const run = (fields: Partial<RunRecord>): RunRecord => ({
  id: 'demo-1',
  name: 'demo',
  status: 'completed',
  phase: 'done',
  iteration: 1,
  iterations: 1,
  runFolder: '/tmp/out/demo-1',
  createdAt: 0,
  updatedAt: 0,
  ...fields,
});

describe('the outcome of a run, as commands that wait for it print it', () => {
  it('is one line whatever the error holds, and only completed counts as success', () => {
    const failed = run({
      status: 'failed',
      error:
        'job.yaml: 2 problems\n  job.yaml:3 pairs: expected a positive integer\n  job.yaml:5 seed: missing\n',
    });
    expect(runOutcomeLine(failed)).toBe(
      'run demo-1: failed (job.yaml: 2 problems; job.yaml:3 pairs: expected a positive integer; job.yaml:5 seed: missing)',
    );
    expect(runOutcomeLine(run({}))).toBe('run demo-1: completed');
    expect(runSucceeded(run({}))).toBe(true);
    expect(runSucceeded(failed)).toBe(false);
    expect(runSucceeded(run({ status: 'cancelled' }))).toBe(false);
    expect(oneLine('a\r\n\n  b  \n')).toBe('a; b');
  });

  it('totals the pairs (0 accepted says so) and names the failure reasons with counts', () => {
    const iterations = [
      iterationCounters({ planned: 10, rejected: 8, failed: 2, failures: { timeout: 3 } }),
      iterationCounters({
        iteration: 2,
        planned: 10,
        rejected: 10,
        failures: { 'provider-error (503)': 1, timeout: 1 },
      }),
    ];
    expect(pairTotalsLine(iterations)).toBe('pairs: 20 planned, 0 accepted, 18 rejected, 2 failed');
    expect(failuresLine(iterations)).toBe('failures: 4 × timeout, 1 × provider-error (503)');
    expect(failuresLine([iterationCounters({ planned: 3, accepted: 3 })])).toBeUndefined();
  });
});

describe('expertPassTable', () => {
  it('has a row per expert in cascade order, with denominators and unparseable answers apart', () => {
    const table = expertPassTable(
      [
        iterationCounters({
          planned: 4,
          accepted: 2,
          rejected: 2,
          experts: {
            faithfulness: { passed: 2, total: 3, unparseable: 1 },
            toxicity: { passed: 3, total: 4, unparseable: 0 },
            structure: { passed: 4, total: 4, unparseable: 0 },
          },
        }),
      ],
      criticConfigSchema.parse({ model: 'sim' }),
    );
    const rows = table.split('\n');
    const row = (expert: string) => rows.findIndex((line) => line.startsWith(`│ ${expert} `));
    expect(rows.find((line) => line.includes('expert'))).toMatch(/│ expert +│ iteration 1 +│/);
    expect(row('structure')).toBeGreaterThan(0);
    expect(row('structure')).toBeLessThan(row('toxicity'));
    expect(row('toxicity')).toBeLessThan(row('faithfulness'));
    expect(rows[row('structure')]).toContain('100.0% 4/4');
    expect(rows[row('faithfulness')]).toContain('66.7% 2/3 +1 unparseable');
  });

  it('is empty when no expert judged anything', () => {
    expect(expertPassTable([iterationCounters({ planned: 3 })])).toBe('');
  });
});
