import { SeededRandom } from '@parley/core';
import { describe, expect, it } from 'vitest';
import { sampleRegex } from './regex-sampler';

describe('sampleRegex', () => {
  it('writes strings that match common patterns', () => {
    const patterns = [
      '^[A-Z]{3}-\\d{4}$',
      '^(user1|user2)$',
      '^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$',
      '^\\d{4}-\\d{2}-\\d{2}$',
      '^(?:yes|no)(?: because .+)?$',
      '^[^\\s]{5,8}$',
      'abc',
      '^v\\d+\\.\\d+\\.\\d+$',
    ];
    for (const pattern of patterns) {
      for (let seed = 0; seed < 20; seed++) {
        const text = sampleRegex(pattern, new SeededRandom(seed));
        expect(text, pattern).toBeDefined();
        expect(new RegExp(pattern, 'u').test(text!), `${pattern} → ${text}`).toBe(true);
      }
    }
  });

  it('gives up on what it cannot write', () => {
    expect(sampleRegex('^(?=.*\\d)x$', new SeededRandom(1))).toBeUndefined();
    expect(sampleRegex('(a)\\1', new SeededRandom(1))).toBeUndefined();
    expect(sampleRegex('[', new SeededRandom(1))).toBeUndefined();
  });
});
