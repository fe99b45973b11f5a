import { describe, expect, it } from 'vitest';
import { unitHash } from './unit-hash';

describe('unitHash', () => {
  it('gives the same point in [0, 1) for the same text, spread evenly', () => {
    const ids = Array.from({ length: 10_000 }, (_, index) => `profile-${index}`);
    const points = ids.map(unitHash);
    expect(points.every((point) => point >= 0 && point < 1)).toBe(true);
    expect(ids.map(unitHash)).toEqual(points);
    const low = points.filter((point) => point < 0.1).length;
    expect(low).toBeGreaterThan(900);
    expect(low).toBeLessThan(1100);
  });
});
