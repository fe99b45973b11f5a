import { describe, expect, it } from 'vitest';
import { estimateEta, ROUGH_BELOW_PAIRS } from './eta-estimate';
import { formatBytes, formatEta } from './format-values';

describe('estimateEta', () => {
  it('spreads the ETA by 1/√n of the pairs the pace was measured on', () => {
    // 60 pairs left at 30 a minute: 2 minutes; measured on 100 pairs, so ±10%.
    expect(estimateEta(60, 30, 100)).toEqual({
      etaMs: 120_000,
      lowMs: 108_000,
      highMs: 132_000,
      sampleSize: 100,
      rough: false,
    });
    // Measured on 4 pairs: ±50%, and rough.
    expect(estimateEta(60, 30, 4)).toMatchObject({ lowMs: 60_000, highMs: 180_000, rough: true });
    // One pair: the low end cannot go below zero.
    expect(estimateEta(60, 30, 1)).toMatchObject({ lowMs: 0, highMs: 240_000, rough: true });
    expect(estimateEta(60, 30, ROUGH_BELOW_PAIRS)?.rough).toBe(false);
    expect(estimateEta(60, 30, ROUGH_BELOW_PAIRS - 1)?.rough).toBe(true);
  });

  it('has no ETA without pairs left, a pace or a sample', () => {
    expect(estimateEta(0, 30, 10)).toBeNull();
    expect(estimateEta(10, 0, 10)).toBeNull();
    expect(estimateEta(10, 30, 0)).toBeNull();
  });
});

describe('formatEta and formatBytes', () => {
  it('say the ETA with its range, and how rough it is', () => {
    expect(formatEta(estimateEta(60, 30, 100))).toBe('2 min 00 s (1 min 48 s – 2 min 12 s)');
    expect(formatEta(estimateEta(10, 30, 4))).toBe('~20 s, rough (pace from 4 pairs; 10 s – 30 s)');
    expect(formatEta(estimateEta(10, 30, 1))).toBe('~20 s, rough (pace from 1 pair; 0 s – 40 s)');
    expect(formatEta(null)).toBe('–');
  });

  it('size files in powers of 1000', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_400_000)).toBe('1.4 MB');
    expect(formatBytes(147_000_000)).toBe('147 MB');
    expect(formatBytes(null)).toBe('–');
  });
});
