import { hashString } from '@parley/core';
import { describe, expect, it } from 'vitest';
import { hashBodyTwice } from './body-hashes';

describe('hashBodyTwice', () => {
  it('gives exactly the two hashString values, so answers and faults stay the same', () => {
    const texts = ['', 'a', '{"model":"parley-sim-1","messages":[]}', 'ünïcödé — 💬'.repeat(50)];
    for (const text of texts) {
      for (const [first, second] of [
        [0x811c9dc5, 0x2545f491],
        [hashString('POST /v1/chat/completions'), 0x2545f491],
        [0, 0xffffffff],
      ] as const) {
        expect(hashBodyTwice(text, first, second)).toEqual([
          hashString(text, first),
          hashString(text, second),
        ]);
      }
    }
  });
});
