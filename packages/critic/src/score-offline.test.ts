import { describe, expect, it } from 'vitest';
import { scoreOffline } from './score-offline';
import { alternating, groundedConversation } from './test-fixtures';

describe('scoreOffline', () => {
  it('runs every chosen expert on every conversation and summarises each', async () => {
    const good = groundedConversation('a', 'one');
    const copy = groundedConversation('b', 'one');
    const broken = { ...groundedConversation('c', 'two'), turns: alternating('Hi [name]', 'Hello.') };
    const seen: number[] = [];
    const { rows, summary } = await scoreOffline(
      [good, copy, broken],
      ['structure', 'near-duplicate'],
      {},
      (row) => seen.push(row.index),
    );
    expect(seen).toEqual([0, 1, 2]);
    expect(
      rows.map((row) => [row.id, row.verdicts.structure?.passed, row.verdicts['near-duplicate']?.passed]),
    ).toEqual([
      ['a', true, true],
      ['b', true, false],
      ['c', false, true],
    ]);
    expect(summary.structure).toEqual({ total: 3, passed: 2, passRate: 2 / 3, scores: null });
    // Only a rejection carries a score: the similarity of what it duplicates.
    expect(summary['near-duplicate']?.scores).toMatchObject({ count: 1, min: 1, max: 1 });
  });
});
