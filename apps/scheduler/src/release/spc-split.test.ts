import { describe, expect, it } from 'vitest';
import { SPC_SPLITS, spcSplitOf, unitHash } from './spc-split';

describe('spcSplitOf', () => {
  const ids = Array.from({ length: 10_000 }, (_, index) => `run-1.${1 + (index % 3)}.pair-${index}`);

  it('follows the fractions and puts every id in exactly one split, the same one every time', () => {
    const counts = { train: 0, valid: 0, test: 0 };
    for (const id of ids) counts[spcSplitOf(id, { train: 0.8, valid: 0.1, test: 0.1 })] += 1;
    expect(counts.train + counts.valid + counts.test).toBe(ids.length);
    expect(counts.train / ids.length).toBeCloseTo(0.8, 1);
    expect(counts.valid / ids.length).toBeCloseTo(0.1, 1);
    expect(counts.test / ids.length).toBeCloseTo(0.1, 1);
    expect(ids.map((id) => spcSplitOf(id, { train: 0.8, valid: 0.1, test: 0.1 }))).toEqual(
      ids.map((id) => spcSplitOf(id, { train: 0.8, valid: 0.1, test: 0.1 })),
    );
  });

  it('never uses an empty split', () => {
    for (const fractions of [
      { train: 1, valid: 0, test: 0 },
      { train: 0, valid: 0, test: 1 },
      { train: 0.7, valid: 0.3, test: 0 },
    ]) {
      const used = new Set(ids.map((id) => spcSplitOf(id, fractions)));
      expect([...used].sort()).toEqual(SPC_SPLITS.filter((split) => fractions[split] > 0).sort());
    }
  });

  it('hashes to [0, 1)', () => {
    for (const id of ids.slice(0, 1000)) {
      const point = unitHash(id);
      expect(point).toBeGreaterThanOrEqual(0);
      expect(point).toBeLessThan(1);
    }
    expect(unitHash('a')).not.toBe(unitHash('b'));
  });
});
